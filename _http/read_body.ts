/**
 * The one body reader: every response mondaykit reads as text goes through
 * {@linkcode readBodyText}, which stops at a byte limit instead of letting a
 * hostile or broken server fill the heap.
 *
 * @module
 */

/**
 * The default limit on a response body: 64 MiB. monday's largest legitimate
 * answers are far smaller (the introspection schema is about 4 MB, a
 * 500-item page with every column a few MB, an audit page of 1,000 entries
 * about 1 MB); the limit is there so that a 400 MB body fails cleanly.
 */
export const DEFAULT_MAX_RESPONSE_BYTES: number = 64 * 1024 * 1024;

/**
 * A response body was larger than the reader's limit. The body was not read
 * past the limit and its connection was released. Not retryable.
 *
 * @example Catch an oversized body
 * ```ts
 * import { readBodyText, ResponseTooLargeError } from "./read_body.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   readBodyText(new Response("x".repeat(100)), { maxBytes: 10 }),
 *   (error) => error instanceof ResponseTooLargeError && error.maxBytes === 10,
 * );
 * ```
 */
export class ResponseTooLargeError extends Error {
  /** Always `"ResponseTooLargeError"`. */
  override name = "ResponseTooLargeError";
  /** The limit that was exceeded, in bytes. */
  readonly maxBytes: number;
  /** The HTTP status of the response. */
  readonly status: number;
  /** Always `false`: the same request would get the same body. */
  readonly retryable: boolean = false;

  /**
   * Makes the error.
   *
   * @param maxBytes The limit that was exceeded.
   * @param status The response's HTTP status.
   * @param what What the body was, for the message (no secrets).
   */
  constructor(maxBytes: number, status: number, what = "Response body") {
    super(
      `${what} is larger than the limit of ${maxBytes} bytes (HTTP ${status}): raise 'maxResponseBytes' if it is legitimate`,
    );
    this.maxBytes = maxBytes;
    this.status = status;
  }
}

/** Options for {@linkcode readBodyText}. */
export interface ReadBodyOptions {
  /**
   * The most bytes to read before failing with
   * {@linkcode ResponseTooLargeError}.
   *
   * @default {DEFAULT_MAX_RESPONSE_BYTES}
   */
  maxBytes?: number;
  /** What the body is, for the error message (no secrets). */
  what?: string;
}

/**
 * Reads a response body as UTF-8 text, at most `maxBytes` of it. A
 * `Content-Length` over the limit fails before anything is read; a body that
 * grows past it fails as soon as it does, and the rest is discarded.
 *
 * @param response The response whose body to read.
 * @param options The byte limit.
 * @returns The body as text (`""` when there is none).
 * @throws {ResponseTooLargeError} When the body is larger than `maxBytes`.
 *
 * @example Read a small body
 * ```ts
 * import { readBodyText } from "./read_body.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await readBodyText(new Response("hello")), "hello");
 * ```
 */
export async function readBodyText(
  response: Response,
  options: ReadBodyOptions = {},
): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const tooLarge = () =>
    new ResponseTooLargeError(maxBytes, response.status, options.what);
  const length = response.headers.get("content-length");
  const declared = length === null ? NaN : Number(length);
  // A declared length within the limit bounds the body (fetch fails a body
  // longer than its Content-Length): the runtime's own reader is faster, and
  // only while `response.body` is untouched (reading that property makes a
  // JavaScript stream the text is then pulled through).
  // Not when the body is encoded (gzip, br): the length then counts the
  // compressed bytes, and the text fetch decodes can be far larger.
  const encoding = response.headers.get("content-encoding");
  const identity = encoding === null || /^\s*identity\s*$/i.test(encoding);
  if (identity && declared >= 0 && declared <= maxBytes) {
    return await response.text();
  }
  const body = response.body;
  if (body === null) return "";
  if (declared > maxBytes) {
    await body.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
  parts.push(decoder.decode());
  return parts.join("");
}
