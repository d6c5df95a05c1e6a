/**
 * The REST client for monday.com's Audit Log API,
 * `GET https://<slug>.monday.com/audit-api/get-logs`.
 *
 * @module
 */

import {
  type Clock,
  defaultRetryAfterMs,
  type HttpEvent,
  HttpTransport,
  isLoopbackHost,
  isRetryableStatus,
  redact,
  type RetryPolicy,
  systemClock,
} from "../_http/mod.ts";
import {
  type ConnectionOptions,
  parseConnectionString,
} from "../connection.ts";
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
   * Overrides the connection's `APIToken`.
   */
  token?: string;
  /**
   * The account: its URL (`https://acme.monday.com`), host
   * (`acme.monday.com`) or slug (`acme`). Overrides the connection's `Domain`.
   */
  domain?: string;
  /**
   * A connection string (`Schema=AuditLog;AuthScheme=Token;APIToken=…;Domain=…`)
   * or parsed {@linkcode ConnectionOptions}, used for what `token` and
   * `domain` do not give.
   */
  connection?: string | ConnectionOptions;
  /**
   * Hosts besides `*.monday.com` and loopback hosts the token may be sent
   * to (over `https://`), e.g. a proxy. The token goes nowhere else.
   *
   * @default {[]}
   */
  allowedHosts?: readonly string[];
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

const SLUG_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.monday\.com$/;

function resolveDomain(
  value: string,
  allowedHosts: readonly string[],
): string {
  const text = value.trim();
  let url: URL;
  try {
    if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(text)) {
      url = new URL(`https://${text.toLowerCase()}.monday.com`);
    } else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      url = new URL(`https://${text}`);
    } else {
      url = new URL(text);
    }
  } catch {
    throw new TypeError(
      `Invalid audit log domain: expected 'https://<slug>.monday.com', a host or a slug, got '${text}'`,
    );
  }
  if (
    url.username || url.password || url.search || url.hash ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new TypeError(
      `Invalid audit log domain: expected the account's base URL without a path or query, got '${url.origin}${url.pathname}'`,
    );
  }
  const host = url.hostname.toLowerCase();
  if (isLoopbackHost(host)) {
    if (url.protocol === "http:" || url.protocol === "https:") {
      return url.origin;
    }
  } else if (url.protocol === "https:") {
    if (
      SLUG_HOST.test(host) ||
      allowedHosts.some((h) => h.toLowerCase() === host)
    ) return url.origin;
    throw new TypeError(
      `Invalid audit log domain: the token goes only to '*.monday.com' or loopback hosts, not '${host}' (name it in 'allowedHosts' to allow it)`,
    );
  }
  throw new TypeError(
    `Insecure audit log domain: '${url.origin}' must use https:// (plain http:// only to a loopback host)`,
  );
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
): Promise<AuditLogPage> {
  const text = await response.text();
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
 * host, unless `allowedHosts` names another host.
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
 * const client = new AuditLogClient(
 *   `Schema=AuditLog;AuthScheme=Token;APIToken=${emulator.credentials.auditToken};Domain=${emulator.domain}`,
 * );
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
  #requests = 0;

  /**
   * Makes a client. Nothing is sent until a page is asked for.
   *
   * @param options The options, or a connection string.
   * @throws {TypeError} When the token or domain is missing or not allowed,
   * the connection string is invalid, or `AuthScheme=OAuth` is asked for.
   * @throws {RangeError} When a number option is out of range.
   */
  constructor(options: AuditLogClientOptions | string) {
    const opts: AuditLogClientOptions = typeof options === "string"
      ? { connection: options }
      : options ?? {};
    const allowedHosts = opts.allowedHosts ?? [];
    let connectionText = opts.connection;
    if (
      typeof connectionText === "string" && typeof opts.token === "string" &&
      !/(^|;)\s*apitoken\s*=/i.test(connectionText)
    ) {
      // The token given apart completes a connection string without one.
      connectionText = `${connectionText.replace(/;\s*$/, "")};APIToken="${
        opts.token.replaceAll('"', '""')
      }"`;
    }
    const connection = typeof connectionText === "string"
      ? parseConnectionString(connectionText, {
        allowDomainHosts: allowedHosts,
      })
      : connectionText;
    if (connection?.authScheme === "OAuth") {
      throw new TypeError(
        "Invalid audit log connection: the Audit Log API takes an API token, not OAuth (use AuthScheme=Token)",
      );
    }
    const token = opts.token ?? connection?.apiToken;
    if (typeof token !== "string" || token.trim() === "") {
      throw new TypeError(
        "Invalid audit log client options: missing the audit token ('token' or the connection's 'APIToken')",
      );
    }
    const domain = opts.domain ?? connection?.domain;
    if (typeof domain !== "string" || domain.trim() === "") {
      throw new TypeError(
        "Invalid audit log client options: missing the account domain ('domain' or the connection's 'Domain', e.g. 'https://acme.monday.com')",
      );
    }
    this.#token = token.trim();
    this.#url = `${resolveDomain(domain, allowedHosts)}/audit-api/get-logs`;
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
          readPage(response, page, perPage, this.#clock.now(), [this.#token]),
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
   * Iterates over every matching entry, newest first, page by page. Entries
   * that arrive while it pages push older ones onto later pages; the repeats
   * this causes at page boundaries are skipped. For exports that must not
   * miss or repeat anything across runs, use {@linkcode exportAuditLogs}.
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
