// Reading a response, in one place: the body is read once, with the byte
// limit (readBodyText), parsed once, classified once; then shaped as a
// GraphQL response (request, rawRequest, uploadFile) or as a schema
// (fetchSchema).

import { parseRateLimit, parseRateLimitPolicy } from "../_http/mod.ts";
import { requestIdOfResponse } from "./_classify.ts";
import { type MondayApiError, ServerError } from "./errors.ts";
import type { IntrospectionResult } from "./fetch_schema.ts";
import type {
  ComplexityInfo,
  DeprecationWarning,
  GraphQLErrorEntry,
  RateLimitInfo,
  RawResponse,
} from "./types.ts";

/** Turns a response (status, parsed body, text) into an error, or undefined. */
export type Classify = (
  response: Response,
  body: unknown,
  text: string,
) => MondayApiError | undefined;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body as JSON, or undefined when it is empty or not JSON. */
export function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value)
    ? value
    : undefined;
}

function complexityOf(
  data: unknown,
  extensions: Record<string, unknown>,
): ComplexityInfo | undefined {
  const source = isRecord(data) && isRecord(data.complexity)
    ? data.complexity
    : isRecord(extensions.complexity)
    ? extensions.complexity
    : undefined;
  if (!source) return undefined;
  const info: ComplexityInfo = {};
  const before = num(source.before);
  const after = num(source.after);
  const query = num(source.query);
  const reset = num(source.reset_in_x_seconds);
  if (before !== undefined) info.before = before;
  if (after !== undefined) info.after = after;
  if (query !== undefined) info.query = query;
  if (reset !== undefined) info.resetInSeconds = reset;
  return info;
}

/** The `RateLimit-Policy` and `RateLimit` headers, parsed. */
export function rateLimitOf(headers: Headers): RateLimitInfo {
  return {
    policy: parseRateLimitPolicy(headers.get("ratelimit-policy")).map((p) => ({
      name: p.name,
      quota: p.quota,
      ...(p.windowSeconds !== undefined
        ? { windowSeconds: p.windowSeconds }
        : {}),
    })),
    remaining: parseRateLimit(headers.get("ratelimit")).map((r) => ({
      name: r.name,
      remaining: r.remaining,
      ...(r.resetSeconds !== undefined ? { resetSeconds: r.resetSeconds } : {}),
    })),
  };
}

function warningsOf(extensions: Record<string, unknown>): DeprecationWarning[] {
  const raw = extensions.warnings;
  if (!Array.isArray(raw)) return [];
  const warnings: DeprecationWarning[] = [];
  for (const w of raw) {
    if (typeof w === "string") warnings.push({ message: w });
    else if (isRecord(w) && typeof w.message === "string") {
      warnings.push(w as unknown as DeprecationWarning);
    }
  }
  return warnings;
}

/** Options of {@linkcode readGraphQLResponse}. */
export interface ReadGraphQLOptions {
  /** Resolve with partial data instead of failing (see `RequestOptions.partial`). */
  partial: boolean;
  classify: Classify;
  /** Receives the response's deprecation warnings. */
  warn: (warnings: readonly DeprecationWarning[]) => void;
}

/**
 * A response as `rawRequest` returns it. `rateLimit` is parsed when read
 * (most callers never look, and it is per response), from a getter on the
 * prototype: an object literal with a getter costs microseconds to make.
 */
class GraphQLResponse<TResult> implements RawResponse<TResult> {
  data: TResult | null;
  errors: GraphQLErrorEntry[];
  extensions: Record<string, unknown>;
  status: number;
  headers: Headers;
  requestId: string | undefined;
  complexity: ComplexityInfo | undefined;
  warnings: DeprecationWarning[];
  replayed: boolean;
  #rateLimit: RateLimitInfo | undefined;

  constructor(
    data: TResult | null,
    errors: GraphQLErrorEntry[],
    extensions: Record<string, unknown>,
    response: Response,
    requestId: string | undefined,
    complexity: ComplexityInfo | undefined,
    warnings: DeprecationWarning[],
  ) {
    this.data = data;
    this.errors = errors;
    this.extensions = extensions;
    this.status = response.status;
    this.headers = response.headers;
    this.requestId = requestId;
    this.complexity = complexity;
    this.warnings = warnings;
    this.replayed = response.headers.get("idempotency-replayed") === "true";
  }

  get rateLimit(): RateLimitInfo {
    return this.#rateLimit ??= rateLimitOf(this.headers);
  }

  /** The plain object, `rateLimit` included (as a literal's getter was). */
  toJSON(): RawResponse<TResult> {
    return {
      data: this.data,
      errors: this.errors,
      extensions: this.extensions,
      status: this.status,
      headers: this.headers,
      requestId: this.requestId,
      rateLimit: this.rateLimit,
      complexity: this.complexity,
      warnings: this.warnings,
      replayed: this.replayed,
    };
  }
}

/** Shapes a GraphQL response, or returns the error it stands for. */
export function readGraphQLResponse<TResult>(
  response: Response,
  text: string,
  options: ReadGraphQLOptions,
): RawResponse<TResult> | MondayApiError {
  const body = parseBody(text);
  const error = options.classify(response, body, text);
  const record = isRecord(body) ? body : {};
  const extensions = isRecord(record.extensions) ? record.extensions : {};
  const warnings = warningsOf(extensions);
  if (warnings.length > 0) options.warn(warnings);
  const raw = new GraphQLResponse<TResult>(
    (record.data ?? null) as TResult | null,
    error ? [...error.errors] : [],
    extensions,
    response,
    requestIdOfResponse(body, response.headers),
    complexityOf(record.data, extensions),
    warnings,
  );
  if (!error) return raw;
  if (
    options.partial && !error.retryable && raw.data !== null &&
    response.status >= 200 && response.status < 300
  ) {
    return raw;
  }
  return error;
}

/** Shapes a `get_schema` response (SDL text or introspection), or its error. */
export function readSchemaResponse(
  response: Response,
  text: string,
  format: "sdl" | "json",
  classify: Classify,
): string | IntrospectionResult | MondayApiError {
  const body = parseBody(text);
  if (!response.ok || (format === "json" && body === undefined)) {
    return classify(response, body, text) ??
      new ServerError("Cannot read the schema", { status: response.status });
  }
  if (format === "sdl") {
    if (isRecord(body)) {
      const error = classify(response, body, text);
      if (error) return error;
      if (typeof body.schema === "string") return body.schema;
    }
    return text;
  }
  const result = body as Record<string, unknown>;
  return isRecord(result.data) ? result.data : result;
}
