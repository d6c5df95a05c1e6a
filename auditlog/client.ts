/**
 * The REST client for monday.com's Audit Log API,
 * `GET https://<slug>.monday.com/audit-api/get-logs`.
 *
 * @module
 */

import {
  type Clock,
  DEFAULT_MAX_RESPONSE_BYTES,
  defaultRetryAfterMs,
  type HttpEvent,
  HttpTransport,
  isRetryableStatus,
  readBodyText,
  redact,
  type RetryPolicy,
  systemClock,
} from "../_http/mod.ts";
import { checkAccountDomain } from "../_common/mod.ts";
import { SlidingWindowLimiter } from "./_limiter.ts";
import { iterateLogs } from "./_iterate.ts";
import { normalizeAuditLogFilters } from "./filters.ts";
import type {
  AuditLogEntry,
  AuditLogFilters,
  AuditLogPage,
  AuditLogSource,
  GetLogsOptions,
  LogsOptions,
} from "./types.ts";

/** The client-side rate limit: requests per window. */
export interface AuditRateLimit {
  /**
   * Requests per window.
   *
   * @default {50}
   */
  requests?: number;
  /**
   * The window in milliseconds.
   *
   * @default {60_000}
   */
  windowMs?: number;
  /**
   * Extra wait added to the window, for clock differences with the server.
   *
   * @default {Math.min(1000, windowMs * 0.02)}
   */
  marginMs?: number;
}

/** Options for {@linkcode AuditLogClient}. */
export interface AuditLogClientOptions {
  /**
   * The audit-log API token (Admin → Security → Audit → "Monitor by API").
   * Secret: it never appears in errors, events or inspected objects.
   */
  token: string;
  /**
   * The account: its URL (`https://acme.monday.com`), host
   * (`acme.monday.com`) or slug (`acme`).
   */
  domain: string;
  /**
   * Hosts besides `*.monday.com` and loopback hosts `domain` may name (over
   * `https://`), e.g. a proxy. The token goes nowhere else.
   *
   * @default {[]}
   */
  allowDomainHosts?: readonly string[];
  /**
   * The largest response body read, in bytes; a larger one fails with
   * `ResponseTooLargeError` instead of filling the heap.
   *
   * @default {DEFAULT_MAX_RESPONSE_BYTES}
   */
  maxResponseBytes?: number;
  /**
   * Default entries per page, 1 to 1,000.
   *
   * @default {1000}
   */
  perPage?: number;
  /**
   * The client-side limiter, or `false` to turn it off (the server's 429s
   * are still waited out).
   *
   * @default {{ requests: 50, windowMs: 60_000 }}
   */
  rateLimit?: AuditRateLimit | false;
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /**
   * The clock for the limiter and retry waits.
   *
   * @default {systemClock}
   */
  clock?: Clock;
  /** Random source for backoff jitter. */
  random?: () => number;
  /**
   * Per-attempt timeout in milliseconds.
   *
   * @default {60_000}
   */
  timeoutMs?: number;
  /** Overall deadline per page request, across retries, in milliseconds. */
  deadlineMs?: number;
  /**
   * Retries for 429, 5xx, timeouts and network errors, or `false` for none.
   *
   * @default {{ maxAttempts: 5 }}
   */
  retry?: RetryPolicy | false;
  /** Receives debug events (URLs and errors already redacted). */
  onEvent?: (event: HttpEvent) => void;
}

/** The Audit Log API answered with an error, or with something unreadable. */
export class AuditLogApiError extends Error {
  /** The HTTP status (200 for an unreadable 200 answer). */
  readonly status: number;
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;
  /** The server's requested wait, in milliseconds, if any. */
  readonly retryAfterMs: number | undefined;

  /**
   * Makes the error.
   *
   * @param message What happened (no secrets).
   * @param status The HTTP status.
   * @param options Retry hints.
   */
  constructor(
    message: string,
    status: number,
    options: { retryable?: boolean; retryAfterMs?: number | undefined } = {},
  ) {
    super(message);
    this.name = "AuditLogApiError";
    this.status = status;
    this.retryable = options.retryable ?? isRetryableStatus(status);
    this.retryAfterMs = options.retryAfterMs;
  }
}

function checkPerPage(value: unknown, name: string): number {
  if (
    typeof value !== "number" || !Number.isInteger(value) || value < 1 ||
    value > 1000
  ) {
    throw new RangeError(
      `Invalid ${name}: expected an integer from 1 to 1000, got '${
        String(value)
      }'`,
    );
  }
  return value;
}

function checkMaxBytes(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Invalid maxResponseBytes: expected a positive integer, got '${
        String(value)
      }'`,
    );
  }
  return value;
}

function checkPage(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Invalid page: expected an integer from 1, got '${String(value)}'`,
    );
  }
  return value;
}

async function readPage(
  response: Response,
  page: number,
  perPage: number,
  now: number,
  secrets: readonly string[],
  maxBytes: number,
): Promise<AuditLogPage> {
  const text = await readBodyText(response, {
    maxBytes,
    what: "Audit log response body",
  });
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const message = body !== null && typeof body === "object" &&
      typeof (body as { message?: unknown }).message === "string"
    ? (body as { message: string }).message
    : "";
  if (!response.ok) {
    let retryAfterMs = defaultRetryAfterMs(response, now);
    const seconds = (body as { retry_in_seconds?: unknown } | undefined)
      ?.retry_in_seconds;
    if (retryAfterMs === undefined && typeof seconds === "number") {
      retryAfterMs = seconds * 1000;
    }
    const what = response.status === 401
      ? "the audit token was rejected"
      : response.status === 403
      ? "access denied (audit logs need an Enterprise account admin's audit token)"
      : response.status === 429
      ? "rate limit exceeded"
      : `HTTP ${response.status}`;
    throw new AuditLogApiError(
      redact(
        `Audit log request failed: ${what}${message ? `: ${message}` : ""}`,
        secrets,
      ),
      response.status,
      { retryAfterMs },
    );
  }
  const data = (body as { data?: unknown } | undefined)?.data;
  if (
    body === null || typeof body !== "object" || !Array.isArray(data) ||
    !data.every((entry) =>
      entry !== null && typeof entry === "object" &&
      typeof (entry as { timestamp?: unknown }).timestamp === "string"
    )
  ) {
    throw new AuditLogApiError(
      "Audit log request failed: the response is not a page of entries (truncated or malformed)",
      response.status,
      { retryable: true },
    );
  }
  const b = body as { page?: unknown; per_page?: unknown; next_page?: unknown };
  const nextPage = typeof b.next_page === "number" ? b.next_page : null;
  return {
    entries: data as AuditLogEntry[],
    page: typeof b.page === "number" ? b.page : page,
    perPage: typeof b.per_page === "number" ? b.per_page : perPage,
    nextPage,
    message,
  };
}

/**
 * Reads monday.com's audit log over REST with the audit-log API token
 * (`Authorization: Bearer …`). Keeps under the API's limit of 50 requests a
 * minute on its own with a sliding-window limiter shared by every call of
 * the client, and waits out 429s, 5xx answers, timeouts and network errors
 * (with `Retry-After` when the server sends one). Filters are validated
 * before anything is sent.
 *
 * The token is sent only to `*.monday.com` over `https://` or to a loopback
 * host, unless `allowDomainHosts` names another host. To build a client from
 * a connection string (`Schema=AuditLog;APIToken=…;Domain=…`), use
 * `createClient` from the package's front door.
 *
 * Needs `--allow-net` for the account's host.
 *
 * @example Read the newest page from the emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "../emulator/mod.ts";
 * import { AuditLogClient } from "./client.ts";
 *
 * await using emulator = await startEmulator({ auditEntries: 30 });
 * const client = new AuditLogClient({
 *   token: emulator.credentials.auditToken,
 *   domain: emulator.domain,
 * });
 * const page = await client.getLogs({ perPage: 10 });
 * assert.equal(page.entries.length, 10);
 * assert.equal(page.nextPage, 2);
 * ```
 */
export class AuditLogClient implements AuditLogSource {
  #token: string;
  #url: string;
  #perPage: number;
  #transport: HttpTransport;
  #limiter: SlidingWindowLimiter | undefined;
  #clock: Clock;
  #maxResponseBytes: number;
  #requests = 0;

  /**
   * Makes a client. Nothing is sent until a page is asked for.
   *
   * @param options The token, the account domain and the client's settings.
   * @throws {TypeError} When the token or domain is missing, or the domain
   * is not an allowed account URL.
   * @throws {RangeError} When a number option is out of range.
   */
  constructor(options: AuditLogClientOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Invalid audit log client options: expected an object with 'token' and 'domain', got ${
          options === null ? "null" : typeof options
        } (for a connection string, use createClient)`,
      );
    }
    const opts = options;
    const token = opts.token;
    if (typeof token !== "string" || token.trim() === "") {
      throw new TypeError(
        "Invalid audit log client options: missing the audit token ('token')",
      );
    }
    const domain = opts.domain;
    if (typeof domain !== "string" || domain.trim() === "") {
      throw new TypeError(
        "Invalid audit log client options: missing the account domain ('domain', e.g. 'https://acme.monday.com')",
      );
    }
    this.#token = token.trim();
    this.#url = `${
      checkAccountDomain(domain, "Invalid audit log client options: 'domain'", {
        allowDomainHosts: opts.allowDomainHosts,
        shorthand: true,
      })
    }/audit-api/get-logs`;
    this.#maxResponseBytes = checkMaxBytes(
      opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    );
    this.#perPage = checkPerPage(opts.perPage ?? 1000, "perPage");
    this.#clock = opts.clock ?? systemClock;
    if (opts.rateLimit !== false) {
      const limit = opts.rateLimit ?? {};
      this.#limiter = new SlidingWindowLimiter({
        requests: limit.requests ?? 50,
        windowMs: limit.windowMs ?? 60_000,
        ...(limit.marginMs !== undefined ? { marginMs: limit.marginMs } : {}),
        clock: this.#clock,
      });
    }
    const secret = this.#token;
    const pending = new Map<Request, () => void>();
    const baseFetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.#pending = pending;
    this.#transport = new HttpTransport({
      fetch: async (input, init) => {
        const release = input instanceof Request
          ? pending.get(input)
          : undefined;
        if (input instanceof Request) pending.delete(input);
        try {
          return await baseFetch(input, init);
        } finally {
          release?.();
        }
      },
      clock: this.#clock,
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
      retry: opts.retry === undefined ? { maxAttempts: 5 } : opts.retry,
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      secrets: () => [secret],
    });
  }

  #pending: Map<Request, () => void>;

  /** The endpoint, e.g. `https://acme.monday.com/audit-api/get-logs`. */
  get url(): string {
    return this.#url;
  }

  /** How many HTTP requests this client has sent (retries included). */
  get requests(): number {
    return this.#requests;
  }

  /** How many requests had to wait for the client-side rate limiter. */
  get limiterWaits(): number {
    return this.#limiter?.waits ?? 0;
  }

  /**
   * Fetches one page of entries, newest first.
   *
   * @param options Page (from 1), page size, filters, signal.
   * @returns The page.
   * @throws {TypeError} When a filter has the wrong type.
   * @throws {SyntaxError} When a filter time is not ISO 8601.
   * @throws {RangeError} When the page, page size or a filter is out of range.
   * @throws {AuditLogApiError} When the API refuses (401, 403, 400) or keeps
   * failing after retries.
   * @throws {unknown} `signal.reason` when aborted.
   */
  async getLogs(options: GetLogsOptions = {}): Promise<AuditLogPage> {
    const page = checkPage(options.page ?? 1);
    const perPage = checkPerPage(options.perPage ?? this.#perPage, "perPage");
    const wire = normalizeAuditLogFilters(options.filters ?? {});
    const url = new URL(this.#url);
    url.searchParams.set("page", String(page));
    url.searchParams.set("per_page", String(perPage));
    if (Object.keys(wire).length > 0) {
      const sent: Record<string, unknown> = { ...wire };
      if (wire.user_id !== undefined) {
        const n = Number(wire.user_id);
        if (Number.isSafeInteger(n)) sent.user_id = n;
      }
      url.searchParams.set("filters", JSON.stringify(sent));
    }
    const signal = options.signal;
    const href = url.href;
    const mine = new Set<Request>();
    try {
      return await this.#transport.send(
        async () => {
          const release = this.#limiter
            ? await this.#limiter.acquire(signal)
            : () => {};
          const request = new Request(href, {
            method: "GET",
            headers: {
              Authorization: `Bearer ${this.#token}`,
              Accept: "application/json",
            },
          });
          this.#pending.set(request, release);
          mine.add(request);
          this.#requests++;
          return request;
        },
        (response) =>
          readPage(
            response,
            page,
            perPage,
            this.#clock.now(),
            [this.#token],
            this.#maxResponseBytes,
          ),
        signal ? { signal } : {},
      );
    } finally {
      // Release any slot whose request never reached fetch.
      for (const request of mine) {
        this.#pending.get(request)?.();
        this.#pending.delete(request);
      }
    }
  }

  /**
   * Iterates over every matching entry, newest first, page by page, losing
   * none. Pages after the first ask only for entries at or before page 1's
   * newest timestamp, so entries that arrive meanwhile cannot push older ones
   * onto later pages. Nothing is dropped on sight (the log can hold identical
   * entries): the guarantee is at least once, and an entry repeats only when
   * a new one arrives at or before that timestamp, as an identical copy. For
   * exports that must not miss or repeat anything across runs, use
   * {@linkcode exportAuditLogs}.
   *
   * @param filters Which entries.
   * @param options Page size and signal.
   * @returns The entries, newest first.
   * @throws {RangeError} When a filter or the page size is invalid (checked
   * at once, before any request).
   * @throws {AuditLogApiError} While iterating, as {@linkcode AuditLogClient.getLogs}.
   */
  logs(
    filters?: AuditLogFilters,
    options: LogsOptions = {},
  ): AsyncIterable<AuditLogEntry> {
    const perPage = checkPerPage(options.perPage ?? this.#perPage, "perPage");
    if (filters) normalizeAuditLogFilters(filters);
    return iterateLogs(this, filters, perPage, options.signal);
  }
}
