/**
 * The HTTP transport every client shares: one `send` that builds a fresh
 * request per attempt, enforces a per-attempt timeout and an overall
 * deadline, retries what is worth retrying with the server's wait or
 * full-jitter backoff, limits concurrency and reports redacted events.
 *
 * @module
 */

import {
  backoffDelay,
  resolveRetryPolicy,
  type RetryPolicy,
} from "./backoff.ts";
import { type Clock, systemClock } from "./clock.ts";
import { NetworkError, RedirectError, RequestTimeoutError } from "./errors.ts";
import { ConcurrencyLimiter } from "./limiter.ts";
import { redact, redactUrl } from "./redact.ts";
import { isLoopbackHost } from "./url.ts";
import { USER_AGENT } from "./user_agent.ts";

/** The most same-origin redirects one attempt follows. */
const MAX_REDIRECTS = 5;

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 ||
    status === 307 || status === 308;
}

/** A debug event from {@linkcode HttpTransport}; every string is redacted. */
export interface HttpEvent {
  /**
   * `request` before each attempt, `response` when headers arrive, `retry`
   * before a wait, `error` when the transport gives up.
   */
  type: "request" | "response" | "retry" | "error";
  /** The request method. */
  method: string;
  /** The request URL, redacted. */
  url: string;
  /** The HTTP status, when there is one. */
  status?: number;
  /** The attempt number, from 1. */
  attempt: number;
  /** For `retry`: how long the transport waits before the next attempt. */
  delayMs?: number;
  /** For `retry` and `error`: what went wrong, redacted. */
  error?: string;
}

/** Options for {@linkcode HttpTransport}. */
export interface TransportOptions {
  /**
   * The `fetch` to call.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * The clock for backoff waits and deadline bookkeeping. (The timers that
   * abort an attempt in flight are real timers.)
   *
   * @default {systemClock}
   */
  clock?: Clock;
  /**
   * The random source for backoff jitter, returning numbers in `[0, 1)`.
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * The time one attempt may take, headers and body (as far as `interpret`
   * reads it) included, in milliseconds.
   *
   * @default {60_000}
   */
  timeoutMs?: number;
  /**
   * The time a whole `send` may take, retries and waits included, in
   * milliseconds.
   *
   * @default {undefined} (no deadline)
   */
  deadlineMs?: number;
  /**
   * The retry policy, or `false` to never retry.
   *
   * @default {{ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 }}
   */
  retry?: RetryPolicy | false;
  /**
   * The most attempts in flight at once across all `send` calls.
   *
   * @default {Infinity}
   */
  maxConcurrency?: number;
  /**
   * The `User-Agent` set on requests that do not carry one.
   *
   * @default {USER_AGENT}
   */
  userAgent?: string;
  /** Receives debug events; its errors are ignored. */
  onEvent?: (event: HttpEvent) => void;
  /** The secret values (tokens, client secrets) to hide in events and errors. */
  secrets?: () => readonly string[];
}

/**
 * A request described by its parts, which `build` may return instead of a
 * `Request`: the transport then makes the one `Request` itself (with its
 * signal), where a built `Request` has to be copied to attach the signal.
 * Hot paths use it.
 */
export interface HttpRequestSpec {
  /** The URL. */
  url: string;
  /** The method. */
  method: string;
  /** The headers, names in lower case. */
  headers: Record<string, string>;
  /** The body, if any. */
  body?: BodyInit;
}

/** Options for one {@linkcode HttpTransport.send} call. */
export interface SendOptions {
  /** Cancels the call at any point: in flight, in the limiter's queue or while backing off. */
  signal?: AbortSignal;
  /**
   * Whether this call may be retried at all; pass `false` for calls that
   * must not run twice (non-idempotent mutations).
   *
   * @default {true}
   */
  retry?: boolean;
  /**
   * Narrows the retries of this call: an error the transport would retry is
   * retried only when this returns `true` (uploads, which no key protects,
   * retry only what cannot have run on the server).
   *
   * @default {undefined} (every retryable error)
   */
  retryIf?: (error: unknown) => boolean;
}

/**
 * What the current attempt is sending, for events and error messages. The
 * redacted URL is worked out only when something reads it (an event hook, an
 * error), not on every request.
 */
class AttemptContext {
  method = "GET";
  status?: number;
  #raw = "";
  #secrets: () => readonly string[];
  #redacted: string | undefined = "";

  constructor(secrets: () => readonly string[]) {
    this.#secrets = secrets;
  }

  set(method: string, url: string): void {
    this.method = method;
    this.#raw = url;
    this.#redacted = undefined;
  }

  get url(): string {
    return this.#redacted ??= redactUrl(this.#raw, this.#secrets());
  }
}

/** An attempt's time limit, armed in a {@linkcode TimeoutSweep}. */
interface Timeout {
  /** When it fires (`performance.now()` time). */
  at: number;
  fire: () => void;
}

/**
 * The time limits of the attempts in flight, on one timer: arming a limit is
 * a set insertion, and a timer is set only when the new limit is the
 * earliest, so neither concurrent nor back-to-back attempts each create and
 * clear a timer. While nothing is in flight the timer is unref'd (it keeps no
 * process alive and leaks nothing); when it fires with nothing due it
 * re-arms for the earliest limit left, or stops.
 */
class TimeoutSweep {
  #pending = new Set<Timeout>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  add(ms: number, fire: () => void): Timeout {
    const timeout = { at: performance.now() + ms, fire };
    this.#pending.add(timeout);
    if (timeout.at < this.#timerAt) this.#arm(timeout.at, ms);
    else if (this.#pending.size === 1 && this.#timer !== undefined) {
      // Only limits of Infinity (no time limit) pending: no timer to arm.
      setRef(this.#timer, true);
    }
    return timeout;
  }

  delete(timeout: Timeout): void {
    this.#pending.delete(timeout);
    if (this.#pending.size === 0 && this.#timer !== undefined) {
      setRef(this.#timer, false);
    }
  }

  #arm(at: number, ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => this.#sweep(),
      Math.max(0, Math.min(ms, 2_147_483_647)),
    );
  }

  #sweep(): void {
    // What the timer was set for is due, whatever the clock reads.
    const now = Math.max(performance.now(), this.#timerAt);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    let next = Infinity;
    for (const timeout of this.#pending) {
      if (timeout.at <= now) {
        this.#pending.delete(timeout);
        timeout.fire();
      } else if (timeout.at < next) {
        next = timeout.at;
      }
    }
    if (next < Infinity) this.#arm(next, next - performance.now());
  }
}

/**
 * Whether a pending `timer` keeps the process alive (Deno's `refTimer` and
 * `unrefTimer`, Node's `ref` and `unref`; elsewhere nothing to do).
 */
function setRef(timer: ReturnType<typeof setTimeout>, ref: boolean): void {
  if (typeof timer === "number") {
    const deno = (globalThis as {
      Deno?: {
        refTimer?: (id: number) => void;
        unrefTimer?: (id: number) => void;
      };
    }).Deno;
    if (ref) deno?.refTimer?.(timer);
    else deno?.unrefTimer?.(timer);
  } else {
    const handle = timer as { ref?: () => void; unref?: () => void };
    if (ref) handle.ref?.();
    else handle.unref?.();
  }
}

function isRequestSpec(value: unknown): value is HttpRequestSpec {
  return typeof value === "object" && value !== null &&
    typeof (value as HttpRequestSpec).url === "string" &&
    typeof (value as HttpRequestSpec).method === "string" &&
    typeof (value as HttpRequestSpec).headers === "object";
}

function isRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    (error as { retryable?: unknown }).retryable === true;
}

function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value >= 0
    ? value
    : undefined;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Whether a TypeError thrown while reading a body is really a network failure. */
function isBodyNetworkError(error: unknown): boolean {
  return error instanceof TypeError &&
    /error reading a body|error decoding response body|connection (?:reset|closed)|network/i
      .test(error.message);
}

/**
 * Whether a fetch failure happened while connecting, before any byte of the
 * request was sent: connection refused, host not found (Deno: "client error
 * (Connect)" in the cause; Node: `ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`).
 * A reset, a timeout or a lost response is not: the request may have run.
 */
function isConnectFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    if (typeof current !== "object" || current === null) break;
    const { message, code } = current as { message?: unknown; code?: unknown };
    if (
      typeof code === "string" &&
      /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN)$/.test(code)
    ) return true;
    if (
      typeof message === "string" &&
      /client error \(Connect\)|connection refused|ECONNREFUSED|ENOTFOUND|dns error|failed to lookup address/i
        .test(message)
    ) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

async function discardBody(response: Response): Promise<void> {
  if (response.body === null || response.bodyUsed) return;
  try {
    await response.body.cancel();
  } catch {
    // locked by a reader the interpret callback left behind: the attempt's
    // abort below releases the connection instead
  }
}

function positive(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
    throw new RangeError(
      `Invalid transport option: '${name}' must be a positive number of milliseconds, got '${
        String(value)
      }'`,
    );
  }
}

/**
 * Sends HTTP requests with timeouts, retries, a concurrency limit and
 * redacted debug events.
 *
 * `send(build, interpret)` calls `build(attempt)` for a fresh `Request` each
 * attempt (so credentials and bodies are current), fetches it, and hands the
 * response to `interpret`, which returns the result or throws. The transport
 * retries, when the call and the policy allow it:
 * - network failures ({@linkcode NetworkError}),
 * - per-attempt timeouts ({@linkcode RequestTimeoutError} of kind `attempt`),
 * - any error thrown by `interpret` whose `retryable` property is `true`
 *   (e.g. for 429 and 5xx statuses).
 *
 * Before the next attempt it waits the error's `retryAfterMs` when it has
 * one (the server's own wait), else a full-jitter exponential backoff. It
 * gives up, rethrowing the last error, after `maxAttempts`, when the wait
 * would pass the deadline, or when the server's wait exceeds
 * `maxRetryAfterMs`. The body of every failed attempt's response is
 * cancelled, so no connection leaks.
 *
 * Permissions: `--allow-net` for the hosts it talks to.
 *
 * @example Retry a 503 without sleeping
 * ```ts
 * import { FakeClock } from "./clock.ts";
 * import { HttpStatusError } from "./errors.ts";
 * import { HttpTransport } from "./transport.ts";
 * import assert from "node:assert/strict";
 *
 * let calls = 0;
 * const transport = new HttpTransport({
 *   clock: new FakeClock(),
 *   fetch: () => Promise.resolve(new Response("hi", { status: ++calls < 3 ? 503 : 200 })),
 * });
 * const text = await transport.send(
 *   () => new Request("https://api.monday.com/v2"),
 *   async (response) => {
 *     if (!response.ok) throw new HttpStatusError(`Unexpected HTTP status: ${response.status}`, response.status);
 *     return await response.text();
 *   },
 * );
 * assert.equal(text, "hi");
 * assert.equal(calls, 3);
 * ```
 */
export class HttpTransport {
  #fetch: typeof fetch;
  #clock: Clock;
  #random: () => number;
  #timeoutMs: number;
  #deadlineMs: number | undefined;
  #policy: Required<RetryPolicy> | undefined;
  #limiter: ConcurrencyLimiter;
  #userAgent: string;
  #onEvent: ((event: HttpEvent) => void) | undefined;
  #secrets: () => readonly string[];
  #timeouts = new TimeoutSweep();

  /**
   * Makes a transport.
   *
   * @param options Fetch, clock, timeouts, retry policy, concurrency and hooks.
   * @throws {RangeError} When a timeout, the retry policy or the concurrency
   * limit is out of range.
   */
  constructor(options: TransportOptions = {}) {
    positive("timeoutMs", options.timeoutMs);
    positive("deadlineMs", options.deadlineMs);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#deadlineMs = options.deadlineMs;
    this.#policy = options.retry === false
      ? undefined
      : resolveRetryPolicy(options.retry);
    this.#limiter = new ConcurrencyLimiter(options.maxConcurrency ?? Infinity);
    this.#userAgent = options.userAgent ?? USER_AGENT;
    this.#onEvent = options.onEvent;
    this.#secrets = options.secrets ?? (() => []);
  }

  /** The concurrency limiter shared by every `send` of this transport. */
  get limiter(): ConcurrencyLimiter {
    return this.#limiter;
  }

  /**
   * Sends a request, retrying as the policy allows.
   *
   * @param build Makes the request for attempt number `attempt` (from 1).
   * @param interpret Turns a response into the result, or throws (set
   * `retryable`/`retryAfterMs` on the error to ask for a retry).
   * @param options The caller's signal and whether this call may be retried.
   * @returns What `interpret` returned.
   * @throws {RequestTimeoutError} When an attempt or the deadline timed out.
   * @throws {NetworkError} When no response arrived.
   * @throws {unknown} `options.signal.reason` when the caller aborts, or the
   * last error `interpret` threw.
   */
  async send<T>(
    build: (
      attempt: number,
    ) => Request | HttpRequestSpec | Promise<Request | HttpRequestSpec>,
    interpret: (response: Response) => Promise<T>,
    options: SendOptions = {},
  ): Promise<T> {
    const signal = options.signal;
    const policy = options.retry === false ? undefined : this.#policy;
    const maxAttempts = policy?.maxAttempts ?? 1;
    const deadlineAt = this.#deadlineMs === undefined
      ? undefined
      : this.#clock.now() + this.#deadlineMs;
    const context = new AttemptContext(this.#secrets);
    for (let attempt = 1;; attempt++) {
      if (signal?.aborted) throw signal.reason;
      try {
        return await this.#runLimited(
          () =>
            this.#attempt(
              build,
              interpret,
              attempt,
              deadlineAt,
              context,
              signal,
            ),
          deadlineAt,
          signal,
        );
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const fail = (): never => {
          this.#emit(() => ({
            type: "error",
            method: context.method,
            url: context.url,
            attempt,
            ...this.#statusField(error, context),
            error: redact(describe(error), this.#secrets()),
          }));
          throw error;
        };
        if (policy === undefined || !isRetryable(error)) fail();
        if (options.retryIf !== undefined && !options.retryIf(error)) fail();
        if (attempt >= maxAttempts) fail();
        const serverWait = retryAfterOf(error);
        if (
          serverWait !== undefined && policy !== undefined &&
          serverWait > policy.maxRetryAfterMs
        ) fail();
        const delay = serverWait ??
          backoffDelay(attempt, policy as Required<RetryPolicy>, this.#random);
        if (
          deadlineAt !== undefined && this.#clock.now() + delay >= deadlineAt
        ) {
          fail();
        }
        this.#emit(() => ({
          type: "retry",
          method: context.method,
          url: context.url,
          attempt,
          ...this.#statusField(error, context),
          delayMs: delay,
          error: redact(describe(error), this.#secrets()),
        }));
        await this.#clock.sleep(delay, signal);
      }
    }
  }

  /** Waits for a concurrency slot, at most until the deadline, then runs `fn`. */
  async #runLimited<T>(
    fn: () => Promise<T>,
    deadlineAt: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    if (deadlineAt === undefined || this.#limiter.max === Infinity) {
      return await this.#limiter.run(fn, signal);
    }
    const waitController = new AbortController();
    const onAbort = () => waitController.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      waitController.abort(
        new RequestTimeoutError(
          `Request exceeded its deadline of ${this.#deadlineMs} ms while waiting for a concurrency slot`,
          this.#deadlineMs ?? 0,
          { kind: "deadline" },
        ),
      );
    }, Math.max(0, Math.min(deadlineAt - this.#clock.now(), 2_147_483_647)));
    try {
      return await this.#limiter.run(fn, waitController.signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  #statusField(
    error: unknown,
    context: AttemptContext,
  ): { status?: number } {
    const status = statusOf(error) ?? context.status;
    return status === undefined ? {} : { status };
  }

  async #attempt<T>(
    build: (
      attempt: number,
    ) => Request | HttpRequestSpec | Promise<Request | HttpRequestSpec>,
    interpret: (response: Response) => Promise<T>,
    attempt: number,
    deadlineAt: number | undefined,
    context: AttemptContext,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    delete context.status;
    const remaining = deadlineAt === undefined
      ? Infinity
      : deadlineAt - this.#clock.now();
    if (remaining <= 0) {
      throw new RequestTimeoutError(
        `Request exceeded its deadline of ${this.#deadlineMs} ms${
          context.url ? `: ${context.method} ${context.url}` : ""
        }`,
        this.#deadlineMs ?? 0,
        { kind: "deadline" },
      );
    }
    const built = await build(attempt);
    let request: Request | string;
    let init: RequestInit = {};
    // A Request's body can be sent once: keep a copy for a redirect.
    let spare: Request | undefined;
    if (built instanceof Request) {
      request = built;
      if (built.body !== null) spare = built.clone();
      context.set(built.method, built.url);
      if (!built.headers.has("user-agent")) {
        try {
          built.headers.set("user-agent", this.#userAgent);
        } catch {
          // immutable headers: keep the caller's request as it is
        }
      }
    } else if (isRequestSpec(built)) {
      request = built.url;
      const headers = built.headers;
      if (headers["user-agent"] === undefined) {
        headers["user-agent"] = this.#userAgent;
      }
      init = {
        method: built.method,
        headers,
        ...(built.body === undefined ? {} : { body: built.body }),
      };
      context.set(built.method, built.url);
    } else {
      throw new TypeError(
        `Cannot send request: build() must return a Request or a request spec, got '${typeof built}'`,
      );
    }

    const controller = new AbortController();
    let timedOut: RequestTimeoutError | undefined;
    const byDeadline = remaining < this.#timeoutMs;
    const limitMs = Math.min(remaining, this.#timeoutMs);
    const timer = this.#timeouts.add(limitMs, () => {
      timedOut = byDeadline
        ? new RequestTimeoutError(
          `Request exceeded its deadline of ${this.#deadlineMs} ms: ${context.method} ${context.url}`,
          this.#deadlineMs ?? limitMs,
          { kind: "deadline" },
        )
        : new RequestTimeoutError(
          `Request timed out after ${this.#timeoutMs} ms: ${context.method} ${context.url}`,
          this.#timeoutMs,
        );
      controller.abort(timedOut);
    });
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let failed = true;
    try {
      if (this.#onEvent !== undefined) {
        this.#emit(() => ({
          type: "request",
          method: context.method,
          url: context.url,
          attempt,
        }));
      }
      let response: Response;
      try {
        response = await this.#fetch(request, {
          ...init,
          redirect: "manual",
          signal: controller.signal,
        });
        // A request that asks not to follow redirects (OAuth token requests,
        // whose bodies carry secrets) gets the 3xx itself to interpret.
        const manual = (init.redirect ??
          (request instanceof Request ? request.redirect : undefined)) ===
          "manual";
        if (isRedirect(response.status) && !manual) {
          response = await this.#follow(
            response,
            request instanceof Request ? request.url : request,
            {
              init,
              original: request instanceof Request ? request : undefined,
              spare,
              signal: controller.signal,
              secrets: this.#secrets(),
            },
          );
        }
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (timedOut) throw timedOut;
        if (error instanceof TypeError) {
          throw this.#networkError(error, context);
        }
        throw error;
      }
      if (timedOut || signal?.aborted) {
        // a fetch that ignored its signal answered too late
        await discardBody(response);
        throw signal?.aborted ? signal.reason : timedOut;
      }
      context.status = response.status;
      if (this.#onEvent !== undefined) {
        this.#emit(() => ({
          type: "response",
          method: context.method,
          url: context.url,
          status: response.status,
          attempt,
        }));
      }
      try {
        const result = await interpret(response);
        failed = false;
        return result;
      } catch (error) {
        await discardBody(response);
        if (signal?.aborted) throw signal.reason;
        if (timedOut) throw timedOut;
        if (isBodyNetworkError(error)) {
          throw this.#networkError(error as TypeError, context, "exchange");
        }
        throw error;
      }
    } finally {
      this.#timeouts.delete(timer);
      signal?.removeEventListener("abort", onAbort);
      if (failed && !controller.signal.aborted) {
        controller.abort(new DOMException("Attempt failed", "AbortError"));
      }
    }
  }

  /**
   * Follows redirects by hand, only to the request's own origin (so a
   * credential never reaches another host, nor travels over plain http off
   * loopback); any other target is refused with a RedirectError before
   * anything is sent to it.
   */
  async #follow(
    first: Response,
    url: string,
    request: {
      init: RequestInit;
      original: Request | undefined;
      spare: Request | undefined;
      signal: AbortSignal;
      secrets: readonly string[];
    },
  ): Promise<Response> {
    const origin = new URL(url).origin;
    let response = first;
    let current = url;
    let method = request.init.method ?? request.original?.method ?? "GET";
    let body: BodyInit | null | undefined = request.init.body ??
      (request.spare ? await request.spare.arrayBuffer() : undefined);
    const headers = request.init.headers ?? request.original?.headers;
    for (let hop = 1; isRedirect(response.status); hop++) {
      const location = response.headers.get("location");
      if (location === null) return response;
      await discardBody(response);
      let target: URL;
      try {
        target = new URL(location, current);
      } catch {
        throw new RedirectError(
          response.status,
          redact(location, request.secrets),
          "the target is not a URL",
        );
      }
      const shown = redactUrl(target.href, request.secrets);
      if (target.protocol === "http:" && !isLoopbackHost(target.hostname)) {
        throw new RedirectError(
          response.status,
          shown,
          "a request is never sent over plain http off loopback",
        );
      }
      if (target.origin !== origin) {
        throw new RedirectError(response.status, shown);
      }
      if (hop > MAX_REDIRECTS) {
        throw new RedirectError(
          response.status,
          shown,
          `more than ${MAX_REDIRECTS} redirects`,
        );
      }
      // As fetch does: 303, and 301/302 after a POST, go on as a GET.
      if (
        (response.status === 303 && method !== "HEAD") ||
        ((response.status === 301 || response.status === 302) &&
          method === "POST")
      ) {
        method = "GET";
        body = undefined;
      }
      current = target.href;
      response = await this.#fetch(current, {
        method,
        ...(headers === undefined ? {} : { headers }),
        ...(body === undefined || body === null ? {} : { body }),
        redirect: "manual",
        signal: request.signal,
      });
    }
    return response;
  }

  #networkError(
    error: TypeError,
    context: AttemptContext,
    phase: "connect" | "exchange" = "connect",
  ): NetworkError {
    const secrets = this.#secrets();
    // Deno says only "fetch failed" and puts the reason (refused connection,
    // proxy, certificate) in the cause: show it.
    const reason = error.cause instanceof Error && error.cause.message !== ""
      ? `${error.message}: ${error.cause.message}`
      : error.message;
    const message = redact(reason, secrets);
    const cause = message === reason ? error : new TypeError(message);
    return new NetworkError(
      `Network error: ${context.method} ${context.url}: ${message}`,
      { cause, beforeSend: phase === "connect" && isConnectFailure(error) },
    );
  }

  #emit(event: () => HttpEvent): void {
    if (this.#onEvent === undefined) return;
    try {
      this.#onEvent(event());
    } catch {
      // a logging hook must not break requests
    }
  }
}
