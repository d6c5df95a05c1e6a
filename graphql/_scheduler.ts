// The budget-aware scheduler: one per client, shared by everything the client
// runs at once. It admits a request when the request's expected complexity
// fits the complexity budget left this minute and a concurrency slot of the
// account's policy is free; otherwise the request queues (FIFO, so callers
// take turns) until a response frees a slot or the budget resets.
//
// What it knows, and from where:
// - The budget left and its reset: the `"complexityMinute";r=..;t=..` item
//   of each response's `RateLimit` header, else `complexity.after` and
//   `reset_in_x_seconds` of the body. The server's number is trusted on every
//   response, so another process spending the same token shows up as a lower
//   `r` than this client expected, and this client slows down.
// - The concurrency cap: `"concurrency";q=..` of `RateLimit-Policy` (parsed
//   only when the header text changes); the transport's `maxConcurrency`
//   stays the outer cap.
// - Each operation's expected cost (the estimator): keyed by the document
//   text plus the numeric variables (page sizes such as `limit` change the
//   cost). A `complexity.query` answer sets it exactly. Without one, the drop
//   in `r` between two responses counts, but only when the request ran alone
//   (nothing else admitted or answered meanwhile), because with concurrency
//   the drop mixes several requests; such samples are smoothed (3/4 old,
//   1/4 new). An operation never measured is expected to cost the most any
//   measured operation cost (1 before anything is measured).
//
// Between responses, admitted requests are reserved against the budget left
// (`remaining - reserved`), so 40 requests sent at once do not all pass on
// one stale number. When the window resets, the budget is the policy's full
// quota (`"complexityMinute";q=..`), or unknown when no policy was seen.
// Before the first answer nothing is known: a burst at start goes out up to
// `maxConcurrency` (today's behaviour); the scheduler steers from the first
// answer on.
//
// Hot path: when no budget is known, or while the budget left covers the
// request, admission is a few comparisons; no timer, no parsing. Each
// response costs one regular-expression match on its `RateLimit` header (the
// policy header is parsed only when its text changes). Waits are bounded like today's: past `maxWaitMs` or the
// call's deadline the call fails at once with RateLimitError, and the
// caller's signal cancels a queued request.

import type { Clock } from "../_http/mod.ts";
import { RateLimitError } from "./errors.ts";
import type { ComplexityInfo } from "./types.ts";

const COMPLEXITY_ITEM =
  /"complexityMinute"\s*;\s*r\s*=\s*(-?\d+)(?:\s*;\s*t\s*=\s*(\d+))?/;
const CONCURRENCY_POLICY = /"concurrency"\s*;\s*q\s*=\s*(\d+)/;
const COMPLEXITY_POLICY =
  /"complexityMinute"\s*;\s*q\s*=\s*(\d+)(?:\s*;\s*w\s*=\s*(\d+))?/;
/** Variables whose number changes an operation's cost. */
const PAGE_SIZE = /limit|first|last|size|page/i;
/** When a window's reset is not given: monday's windows are a minute. */
const DEFAULT_WINDOW_MS = 60_000;

/** One admitted request: settle it exactly once. */
export interface Ticket {
  /** The operation's cost key. */
  key: string;
  /** The cost reserved for it. */
  cost: number;
  /** Whether it ran alone, so a drop in `r` is its own cost. */
  alone: boolean;
  /** The number of responses seen when it was admitted. */
  seen: number;
  /** The budget window it was charged to. */
  window: number;
  /** Set once settled. */
  done: boolean;
}

/** What a response tells the scheduler. */
export interface ResponseFacts {
  /** The `RateLimit` header's text. */
  rateLimit: string | null;
  /** The response's headers (`RateLimit-Policy` is read from them). */
  headers: Headers;
  /** The body's complexity figures, when it had them. */
  complexity: ComplexityInfo | undefined;
}

interface Waiter {
  key: string;
  cost: number;
  resolve: (ticket: Ticket) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** Admits requests within the complexity budget and the concurrency cap. */
export class RequestScheduler {
  #clock: Clock;
  #maxWaitMs: number;
  /** Budget left per the last response; undefined when unknown. */
  #remaining: number | undefined;
  /** When the budget window resets (epoch ms). */
  #resetAt = 0;
  /** Expected cost of admitted, unsettled requests. */
  #reserved = 0;
  #inFlight = 0;
  #cap = Infinity;
  /** The budget of a full window, and the window, from the policy. */
  #quota: number | undefined;
  #windowMs = DEFAULT_WINDOW_MS;
  /** Counts budget windows, so a ticket frees only its own window's cost. */
  #window = 0;
  #policyText: string | null = null;
  #costs = new Map<string, number>();
  #maxCost = 1;
  #seen = 0;
  #admittedSinceSync = 0;
  #queue: Waiter[] = [];
  #sleeping: AbortController | undefined;

  /**
   * @param clock The client's clock.
   * @param maxWaitMs The longest wait for the budget; longer fails at once.
   */
  constructor(clock: Clock, maxWaitMs: number) {
    this.#clock = clock;
    this.#maxWaitMs = maxWaitMs;
  }

  /** The expected cost of an operation (see the estimator above). */
  expectedCost(key: string): number {
    return this.#costs.get(key) ?? this.#maxCost;
  }

  /** The concurrency cap learned from `RateLimit-Policy` (Infinity if none). */
  get cap(): number {
    return this.#cap;
  }

  /** How many admitted requests have not been settled. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Waits for the budget and a slot, then reserves them.
   *
   * @param key The operation's cost key.
   * @param signal The caller's signal, which cancels the wait.
   * @param deadlineAt When the call's deadline passes, if it has one.
   * @returns The ticket to settle when the attempt ends.
   * @throws {RateLimitError} When the budget resets later than the bound or
   * the deadline allows.
   */
  admit(
    key: string,
    signal: AbortSignal | undefined,
    deadlineAt: number | undefined,
  ): Promise<Ticket> | Ticket {
    const cost = this.expectedCost(key);
    if (this.#queue.length === 0 && this.#fits(cost)) {
      return this.#take(key, cost);
    }
    signal?.throwIfAborted();
    const wait = this.#budgetWait(cost);
    if (wait > this.#maxWaitMs) {
      throw new RateLimitError(
        `Cannot send the request: the complexity budget resets in ${
          Math.ceil(wait)
        } ms, longer than the longest wait allowed (${this.#maxWaitMs} ms, 'retry.maxRetryAfterMs')`,
        { retryAfterMs: wait },
      );
    }
    if (deadlineAt !== undefined && this.#clock.now() + wait >= deadlineAt) {
      throw new RateLimitError(
        `Cannot send the request: the complexity budget resets in ${
          Math.ceil(wait)
        } ms, after the call's deadline ('deadlineMs')`,
        { retryAfterMs: wait },
      );
    }
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = {
        key,
        cost,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(signal?.reason);
          if (this.#queue.length === 0) this.#sleeping?.abort();
          this.#pump();
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /**
   * Ends an attempt: frees its slot and learns from its response, if any.
   *
   * @param ticket What `admit` returned.
   * @param response The response's `RateLimit` header text, its headers (for
   * `RateLimit-Policy`) and the body's complexity figures, when a response
   * came.
   */
  settle(ticket: Ticket, response?: ResponseFacts): void {
    if (ticket.done) return;
    ticket.done = true;
    this.#inFlight--;
    if (ticket.window === this.#window) {
      this.#reserved = Math.max(0, this.#reserved - ticket.cost);
    }
    if (response) this.#learn(ticket, response);
    if (this.#queue.length > 0) this.#pump();
  }

  #learn(ticket: Ticket, response: ResponseFacts): void {
    const { rateLimit: header, complexity } = response;
    const now = this.#clock.now();
    // Parsed only when its text changes (a plan change, a new limit).
    const policy = response.headers.get("ratelimit-policy");
    if (policy !== this.#policyText) {
      this.#policyText = policy;
      const match = policy === null ? null : CONCURRENCY_POLICY.exec(policy);
      this.#cap = match ? Math.max(1, Number(match[1])) : Infinity;
      const budget = policy === null ? null : COMPLEXITY_POLICY.exec(policy);
      this.#quota = budget ? Number(budget[1]) : undefined;
      this.#windowMs = budget?.[2] !== undefined
        ? Number(budget[2]) * 1000
        : DEFAULT_WINDOW_MS;
    }
    let remaining: number | undefined;
    let resetAt: number | undefined;
    const item = header === null ? null : COMPLEXITY_ITEM.exec(header);
    if (item) {
      remaining = Number(item[1]);
      if (item[2] !== undefined) resetAt = now + Number(item[2]) * 1000;
    } else if (complexity?.after !== undefined) {
      remaining = complexity.after;
      if (complexity.resetInSeconds !== undefined) {
        resetAt = now + complexity.resetInSeconds * 1000;
      }
    }
    // The cost: exact from the body, else the drop in `r` when it ran alone.
    let cost = complexity?.query;
    if (
      cost === undefined && ticket.alone && remaining !== undefined &&
      this.#remaining !== undefined && ticket.seen === this.#seen &&
      this.#admittedSinceSync === 1 && remaining < this.#remaining
    ) {
      const drop = this.#remaining - remaining;
      const known = this.#costs.get(ticket.key);
      cost = known === undefined ? drop : (known * 3 + drop) / 4;
    }
    if (cost !== undefined && cost >= 0) {
      this.#costs.set(ticket.key, cost);
      if (cost > this.#maxCost) this.#maxCost = cost;
    }
    if (remaining !== undefined) {
      this.#seen++;
      this.#admittedSinceSync = 0;
      this.#remaining = remaining;
      this.#resetAt = resetAt ??
        Math.max(this.#resetAt, now + DEFAULT_WINDOW_MS);
    }
  }

  /** Whether a request of `cost` may go now. */
  #fits(cost: number): boolean {
    if (this.#inFlight >= this.#cap) return false;
    if (this.#remaining === undefined) return true;
    const now = this.#clock.now();
    if (this.#resetAt <= now) this.#newWindow(now);
    if (this.#remaining === undefined) return true;
    // Nothing in flight and a full budget: let it go, the server decides (a
    // cost larger than the whole budget must not wait forever).
    return this.#remaining - this.#reserved >= cost ||
      (this.#inFlight === 0 &&
        (this.#remaining >= cost ||
          (this.#quota !== undefined && this.#remaining >= this.#quota)));
  }

  /** The window reset: a full budget when the policy said how much. */
  #newWindow(now: number): void {
    if (this.#quota === undefined) {
      this.#remaining = undefined; // unknown until answered
      return;
    }
    this.#remaining = this.#quota;
    // Requests still in flight were charged to the old window.
    this.#reserved = 0;
    this.#window++;
    this.#resetAt = now + this.#windowMs;
  }

  /** How long a request of `cost` waits for the budget (0 if only a slot). */
  #budgetWait(cost: number): number {
    if (this.#remaining === undefined) return 0;
    if (this.#remaining >= cost) return 0;
    return Math.max(0, this.#resetAt - this.#clock.now());
  }

  #take(key: string, cost: number): Ticket {
    const alone = this.#inFlight === 0;
    this.#inFlight++;
    this.#reserved += cost;
    this.#admittedSinceSync++;
    return {
      key,
      cost,
      alone,
      seen: this.#seen,
      window: this.#window,
      done: false,
    };
  }

  /** Admits queued requests in order while they fit; sleeps to the reset. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (!this.#fits(head.cost)) break;
      this.#queue.shift();
      head.signal?.removeEventListener("abort", head.onAbort);
      head.resolve(this.#take(head.key, head.cost));
    }
    const head = this.#queue[0];
    if (
      head === undefined || this.#sleeping || this.#inFlight >= this.#cap ||
      this.#inFlight > 0
    ) {
      // A settle will pump again.
      return;
    }
    // Nothing in flight and the head does not fit: wait for the reset.
    const sleeping = new AbortController();
    this.#sleeping = sleeping;
    const wait = Math.max(1, this.#resetAt - this.#clock.now());
    this.#clock.sleep(wait, sleeping.signal).then(() => {
      this.#sleeping = undefined;
      const now = this.#clock.now();
      if (this.#resetAt <= now) this.#newWindow(now);
      this.#pump();
    }, () => {
      this.#sleeping = undefined;
    });
  }
}

/**
 * The cost key of an operation: its text and its numeric variables (page
 * sizes such as `limit` change the cost; ids do not, so only variables named
 * like a page size count).
 *
 * @param text The GraphQL text.
 * @param variables The operation's variables.
 * @returns The key.
 */
export function costKey(
  text: string,
  variables: Record<string, unknown> | undefined,
): string {
  if (variables === undefined) return text;
  let suffix = "";
  for (const name in variables) {
    const value = variables[name];
    if (typeof value === "number" && PAGE_SIZE.test(name)) {
      suffix += `\u0000${name}=${value}`;
    }
  }
  return suffix === "" ? text : text + suffix;
}
