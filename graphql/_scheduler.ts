// The scheduler: one per client, shared by everything the client runs at
// once, and the one place that decides when a request may be sent. A request
// goes when nothing blocks it, its expected complexity fits the budget left
// this minute and a concurrency slot of the account's policy is free;
// otherwise it queues (FIFO, so callers take turns) until a response frees a
// slot, the budget resets or the block ends.
//
// What it knows, and from where (every response is read, errors included):
// - The budget left and its reset: the `"complexityMinute";r=..;t=..` item
//   of each response's `RateLimit` header, else `complexity.after` and
//   `reset_in_x_seconds` of the body. The server's number is trusted: within
//   one window the lowest `r` seen counts (answers may arrive out of order),
//   so another process spending the same token shows up as a lower `r` than
//   this client expected, and this client slows down.
// - The concurrency cap: `"concurrency";q=..` of `RateLimit-Policy` (parsed
//   only when the header text changes); the transport's `maxConcurrency`
//   stays the outer cap.
// - Blocks: a `RateLimit` item at 0 with its reset, or an account-wide 429 or
//   complexity error with its wait, blocks every request until then. A
//   field's own limit (FIELD_LIMIT_EXCEEDED: monday limits concurrent calls
//   per field, e.g. create_board) pauses only the requests whose document
//   names that field; they wait aside, every other request goes on.
// - Each operation's expected cost (the estimator): keyed by the document
//   text plus the numeric page-size variables (`limit` changes the cost). A
//   `complexity.query` answer sets it exactly. Without one, the drop in `r`
//   between two responses counts, but only when the request ran alone
//   (nothing else admitted or answered meanwhile), because with concurrency
//   the drop mixes several requests; such samples are smoothed (3/4 old,
//   1/4 new). An operation never measured is expected to cost the most any
//   measured operation cost (1 before anything is measured). Requests with
//   no key (uploads, the schema) take a slot but reserve no budget.
//
// Between responses, admitted requests are reserved against the budget left
// (`remaining - reserved`), so 40 requests sent at once do not all pass on
// one stale number. When the window resets, the budget is the policy's full
// quota (`"complexityMinute";q=..`), or unknown when no policy was seen.
//
// The first burst: before the first answer nothing is known (not the plan's
// concurrency cap, not the budget another process left), so one request goes
// alone as a probe and the rest wait for its answer. It costs one round trip
// once per client, and a burst at start can then never exceed a cap of 40
// (monday's lowest) nor spend a budget that is already gone.
//
// Another process on the same token: nothing coordinates two processes, so
// each may admit on the same `r` and together overspend it. When the server's
// `r` drops by more than this client's own requests explain (or a complexity
// refusal arrives although the budget seemed to fit), the client is
// contended: for the rest of this window and the next it admits against half
// of what is left, so two contended clients together spend what is left and
// no more. The `share` option goes further: this client spends at most that
// share of each window's quota and uses at most that share of the
// concurrency cap, so clients whose shares add up to 1 never refuse one
// another.
//
// Hot path: with nothing blocked and the budget covering the request,
// admission is a few comparisons and one clock read; no timer, no parsing.
// Each response costs one regular-expression match on its `RateLimit` header
// (the policy header is parsed only when its text changes). Waits are bounded
// like a wait after a 429: past `maxWaitMs` or the call's deadline the call
// fails at once with RateLimitError, and the caller's signal cancels a
// queued request.

import { type Clock, parseRateLimit } from "../_http/mod.ts";
import {
  ComplexityBudgetError,
  FieldLimitError,
  type MondayApiError,
  RateLimitError,
} from "./errors.ts";
import type { ComplexityInfo } from "./types.ts";

const COMPLEXITY_ITEM =
  /"complexityMinute"\s*;\s*r\s*=\s*(-?\d+)(?:\s*;\s*t\s*=\s*(\d+))?/;
const CONCURRENCY_POLICY = /"concurrency"\s*;\s*q\s*=\s*(\d+)/;
const COMPLEXITY_POLICY =
  /"complexityMinute"\s*;\s*q\s*=\s*(\d+)(?:\s*;\s*w\s*=\s*(\d+))?/;
/** A `RateLimit` item whose remaining count `r` is 0 or negative. */
const SPENT_BUDGET = /(?:^|[\s;,])r\s*=\s*(?:-|0+(?:\.0*)?\s*(?:[;,]|$))/;
/** Variables whose number changes an operation's cost. */
const PAGE_SIZE = /limit|first|last|size|page/i;
/** When a window's reset is not given: monday's windows are a minute. */
const DEFAULT_WINDOW_MS = 60_000;

/** How the scheduler is bounded and how much of the limits it may use. */
export interface SchedulerOptions {
  /** The longest wait for the budget or a block; longer fails at once. */
  maxWaitMs: number;
  /** The share (0 < share ≤ 1) of the quota and the cap this client uses. */
  share?: number;
}

/** What a request asks the scheduler for. */
export interface AdmitRequest {
  /** The operation's cost key; undefined for requests that reserve no budget. */
  key: string | undefined;
  /** The GraphQL text, so a paused field's calls wait. */
  document: string | undefined;
  /** The caller's signal, which cancels the wait. */
  signal: AbortSignal | undefined;
  /** When the call's deadline passes, if it has one. */
  deadlineAt: number | undefined;
}

/** One admitted request: settle it exactly once. */
export interface Ticket {
  /** The operation's cost key. */
  key: string | undefined;
  /** The cost reserved for it. */
  cost: number;
  /** Whether it ran alone, so a drop in `r` is its own cost. */
  alone: boolean;
  /** Whether its cost was measured before (not a guess). */
  measured: boolean;
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
  /** The error the response was classified as, if any. */
  error: MondayApiError | undefined;
}

interface Waiter {
  key: string | undefined;
  cost: number;
  deadlineAt: number | undefined;
  resolve: (ticket: Ticket) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** Decides when each request of a client may be sent. */
export class RequestScheduler {
  #clock: Clock;
  #maxWaitMs: number;
  #share: number;
  /** Budget left per the responses; undefined when unknown. */
  #remaining: number | undefined;
  /** When the budget window resets (epoch ms). */
  #resetAt = 0;
  /** Expected cost of admitted, unsettled requests of this window. */
  #reserved = 0;
  /** Expected cost of everything admitted in this window (for `share`). */
  #spent = 0;
  #inFlight = 0;
  /** The policy's concurrency cap, times the share. */
  #cap = Infinity;
  /** The budget of a full window, and the window, from the policy. */
  #quota: number | undefined;
  #windowMs = DEFAULT_WINDOW_MS;
  /** Counts budget windows, so a ticket frees only its own window's cost. */
  #window = 0;
  #policyText: string | null = null;
  #costs = new Map<string, number>();
  #maxCost = 1;
  /** Operations never measured with one request in flight (see #fits). */
  #probing = new Map<string, number>();
  #seen = 0;
  #admittedSinceSync = 0;
  /** Whether a response has come (in this window, when contended): until
   * then one request goes alone. */
  #answered = false;
  /** Until when another process is seen spending the budget. */
  #contendedUntil = 0;
  /** The client-wide "do not send before" instant. */
  #blockedUntil = 0;
  /** Per field: the instant its calls may be sent again, and its matcher. */
  #fields = new Map<string, { until: number; pattern: RegExp }>();
  #queue: Waiter[] = [];
  #sleeping: AbortController | undefined;

  /**
   * @param clock The client's clock.
   * @param options The longest wait, and the share of the limits to use.
   */
  constructor(clock: Clock, options: SchedulerOptions) {
    this.#clock = clock;
    this.#maxWaitMs = options.maxWaitMs;
    this.#share = options.share ?? 1;
  }

  /** The expected cost of an operation (see the estimator above). */
  expectedCost(key: string): number {
    return this.#costs.get(key) ?? this.#maxCost;
  }

  /**
   * Waits until the request may go, then reserves its slot and budget.
   *
   * @param request The cost key, the document, the signal and the deadline.
   * @returns The ticket to settle when the attempt ends.
   * @throws {RateLimitError} When the wait is longer than the bound or would
   * pass the deadline; `retryAfterMs` says how long it would have been.
   */
  admit(request: AdmitRequest): Promise<Ticket> | Ticket {
    const cost = request.key === undefined ? 0 : this.expectedCost(request.key);
    if (
      this.#queue.length === 0 && this.#fields.size === 0 &&
      this.#fits(cost, request.key)
    ) {
      return this.#take(request.key, cost);
    }
    if (this.#fields.size > 0 && request.document !== undefined) {
      const now = this.#clock.now();
      const until = this.#fieldsUntil(request.document, now);
      if (until > now) return this.#afterField(request, until);
    }
    return this.#enqueue(request, cost);
  }

  /** Waits out a paused field aside from the queue, then queues. */
  async #afterField(request: AdmitRequest, until: number): Promise<Ticket> {
    // The pause may move while we sleep (another response): look again.
    for (let i = 0; i < 3 && until > this.#clock.now(); i++) {
      const wait = until - this.#clock.now();
      this.#check(wait, request.deadlineAt, "rate-limit", request.signal);
      await this.#clock.sleep(wait, request.signal);
      until = this.#fieldsUntil(request.document!, this.#clock.now());
    }
    const cost = request.key === undefined ? 0 : this.expectedCost(request.key);
    if (this.#queue.length === 0 && this.#fits(cost, request.key)) {
      return this.#take(request.key, cost);
    }
    return await this.#enqueue(request, cost);
  }

  #enqueue(request: AdmitRequest, cost: number): Promise<Ticket> {
    const { key, signal, deadlineAt } = request;
    signal?.throwIfAborted();
    const wait = this.#waitFor(cost);
    if (wait > 0) {
      this.#check(
        wait,
        deadlineAt,
        this.#blockedUntil - this.#clock.now() >= wait
          ? "rate-limit"
          : "complexity",
        signal,
      );
    }
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = {
        key,
        cost,
        deadlineAt,
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

  /** Throws when a wait of `wait` ms is longer than allowed. */
  #check(
    wait: number,
    deadlineAt: number | undefined,
    what: "rate-limit" | "complexity",
    signal: AbortSignal | undefined,
  ): void {
    signal?.throwIfAborted();
    const error = this.#tooLong(wait, deadlineAt, what);
    if (error) throw error;
  }

  #tooLong(
    wait: number,
    deadlineAt: number | undefined,
    what: "rate-limit" | "complexity",
  ): RateLimitError | undefined {
    if (wait > this.#maxWaitMs) {
      return new RateLimitError(
        `Cannot send the request: the ${what} budget resets in ${
          Math.ceil(wait)
        } ms, longer than the longest wait allowed (${this.#maxWaitMs} ms, 'retry.maxRetryAfterMs')`,
        { retryAfterMs: wait },
      );
    }
    if (deadlineAt !== undefined && this.#clock.now() + wait >= deadlineAt) {
      return new RateLimitError(
        `Cannot send the request: the ${what} budget resets in ${
          Math.ceil(wait)
        } ms, after the call's deadline ('deadlineMs')`,
        { retryAfterMs: wait },
      );
    }
    return undefined;
  }

  /**
   * Ends an attempt: frees its slot and learns from its response, if any.
   *
   * @param ticket What `admit` returned.
   * @param response What the response said, when a response came.
   */
  settle(ticket: Ticket, response?: ResponseFacts): void {
    if (ticket.done) return;
    ticket.done = true;
    this.#inFlight--;
    if (ticket.window === this.#window) {
      this.#reserved = Math.max(0, this.#reserved - ticket.cost);
    }
    if (response) {
      // An answer to a request of an earlier window says nothing of this one.
      if (ticket.window === this.#window) this.#answered = true;
      this.#learn(ticket, response);
    }
    if (!ticket.measured && ticket.key !== undefined) {
      const left = (this.#probing.get(ticket.key) ?? 1) - 1;
      if (left > 0) this.#probing.set(ticket.key, left);
      else this.#probing.delete(ticket.key);
    }
    if (this.#queue.length > 0) this.#pump();
  }

  #learn(ticket: Ticket, response: ResponseFacts): void {
    const { rateLimit: header, complexity, error } = response;
    const now = this.#clock.now();
    // A plan changes rarely: the policy is looked at on the first answers
    // and every 32nd after, and parsed only when its text changed.
    if (this.#seen < 4 || (this.#seen & 31) === 0) {
      const policy = response.headers.get("ratelimit-policy");
      if (policy !== this.#policyText) this.#readPolicy(policy);
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
    if (header !== null && SPENT_BUDGET.test(header)) this.#blockSpent(header);
    if (error !== undefined) this.#noteError(error, now);
    // The cost: exact from the body, else the drop in `r` when it ran alone.
    if (ticket.key !== undefined) {
      let cost = complexity?.query;
      // A fall in `r` counts only within the window the request was
      // charged to: across a reset it is the old window's spending.
      const sameWindow = ticket.window === this.#window;
      if (
        cost === undefined && sameWindow && ticket.alone &&
        remaining !== undefined &&
        this.#remaining !== undefined && ticket.seen === this.#seen &&
        this.#admittedSinceSync === 1 && remaining < this.#remaining
      ) {
        const drop = this.#remaining - remaining;
        const known = this.#costs.get(ticket.key);
        cost = known === undefined ? drop : (known * 3 + drop) / 4;
      }
      if (
        cost === undefined && sameWindow && !ticket.measured &&
        remaining !== undefined &&
        this.#remaining !== undefined && remaining < this.#remaining &&
        this.#probing.has(ticket.key)
      ) {
        // Never measured and not alone: the fall in `r` since the last
        // answer is an upper bound (it may hold others' costs), so the rest
        // of its kind need not go one at a time. Too high costs speed only.
        cost = this.#remaining - remaining;
      }
      if (cost !== undefined && cost >= 0) {
        this.#costs.set(ticket.key, cost);
        if (cost > this.#maxCost) this.#maxCost = cost;
      }
    }
    if (remaining === undefined || ticket.window !== this.#window) return;
    this.#seen++;
    this.#admittedSinceSync = 0;
    if (
      resetAt !== undefined && this.#remaining !== undefined &&
      remaining > this.#remaining &&
      resetAt > this.#resetAt + this.#windowMs / 2
    ) {
      // The server started a new window before this client's clock did.
      this.#startWindow();
    } else if (
      this.#remaining !== undefined && resetAt !== undefined &&
      this.#resetAt > now
    ) {
      // Same window: `r` only falls at the server, so a higher one is an
      // older answer arriving late. A fall beyond what this client's own
      // requests in flight explain is another process's spending.
      // Only a measured cost counts: a guess would see others everywhere.
      if (ticket.measured) {
        const foreign = this.#remaining - remaining - ticket.cost -
          this.#reserved;
        if (foreign > Math.max(1, ticket.cost)) this.#contend(now);
      }
      remaining = Math.min(remaining, this.#remaining);
    }
    this.#remaining = remaining;
    this.#resetAt = resetAt ?? Math.max(this.#resetAt, now + DEFAULT_WINDOW_MS);
  }

  #readPolicy(policy: string | null): void {
    this.#policyText = policy;
    const match = policy === null ? null : CONCURRENCY_POLICY.exec(policy);
    this.#cap = match
      ? Math.max(1, Math.floor(Number(match[1]) * this.#share))
      : Infinity;
    const budget = policy === null ? null : COMPLEXITY_POLICY.exec(policy);
    this.#quota = budget ? Number(budget[1]) : undefined;
    this.#windowMs = budget?.[2] !== undefined
      ? Number(budget[2]) * 1000
      : DEFAULT_WINDOW_MS;
  }

  /** A `RateLimit` item at 0 with its reset blocks every request until then. */
  #blockSpent(header: string): void {
    const now = this.#clock.now();
    for (const item of parseRateLimit(header)) {
      if (item.remaining <= 0 && item.resetSeconds !== undefined) {
        this.#block(now + item.resetSeconds * 1000);
      }
    }
  }

  #noteError(error: MondayApiError, now: number): void {
    if (
      error instanceof FieldLimitError && error.field !== undefined &&
      error.retryAfterMs !== undefined
    ) {
      const until = now + error.retryAfterMs;
      const known = this.#fields.get(error.field);
      if (!known || until > known.until) {
        this.#fields.set(error.field, {
          until,
          pattern: new RegExp(`(?<![\\w$])${error.field}(?!\\w)`),
        });
      }
    }
    // Account-wide limits pause every request of this client, not only the
    // one that hit them.
    if (
      error.retryAfterMs !== undefined &&
      (error instanceof ComplexityBudgetError ||
        (error instanceof RateLimitError &&
          !(error instanceof FieldLimitError)))
    ) {
      this.#block(now + error.retryAfterMs);
    }
    // Refused although the budget seemed to fit: someone else spends it.
    if (error instanceof ComplexityBudgetError) this.#contend(now);
  }

  #block(until: number): void {
    if (until > this.#blockedUntil) this.#blockedUntil = until;
  }

  #contend(now: number): void {
    this.#contendedUntil = Math.max(this.#resetAt, now) + this.#windowMs;
  }

  /** Until when a document's fields are paused (0 when none is). */
  #fieldsUntil(document: string, now: number): number {
    let until = 0;
    for (const [field, block] of this.#fields) {
      if (block.until <= now) {
        this.#fields.delete(field);
      } else if (block.until > until && block.pattern.test(document)) {
        until = block.until;
      }
    }
    return until;
  }

  /**
   * Whether a request of `cost` may go now.
   *
   * An operation never measured goes one at a time while the budget left is
   * under half the quota: its cost is a guess (the most any operation cost),
   * and many of them at once on a tight budget are refused together (a
   * second sync started in the window the first one spent). Its answer
   * teaches the cost (exactly when the document selects `complexity`), then
   * the rest are admitted by it. With an ample budget nothing waits for this.
   */
  #fits(cost: number, key?: string): boolean {
    if (this.#inFlight >= this.#cap) return false;
    // The first burst: one probe until something has answered.
    if (!this.#answered && this.#inFlight > 0) return false;
    if (this.#remaining === undefined && this.#blockedUntil === 0) return true;
    const now = this.#clock.now();
    if (this.#blockedUntil > now) return false;
    if (cost === 0) return true;
    if (this.#resetAt <= now) this.#newWindow(now);
    const remaining = this.#remaining;
    if (remaining === undefined) return true;
    if (this.#overShare(cost)) return false;
    if (
      key !== undefined && this.#probing.has(key) && !this.#costs.has(key) &&
      (this.#quota === undefined ||
        remaining - this.#reserved < this.#quota / 2)
    ) return false;
    // Contended: two clients each taking half of what is left spend it all
    // and no more.
    const usable = this.#contendedUntil > now ? remaining / 2 : remaining;
    // Nothing in flight and a full budget: let it go, the server decides (a
    // cost larger than the whole budget must not wait forever).
    return usable - this.#reserved >= cost ||
      (this.#inFlight === 0 &&
        (remaining >= cost ||
          (this.#quota !== undefined && remaining >= this.#quota)));
  }

  /** The window reset: a full budget when the policy said how much. */
  #newWindow(now: number): void {
    if (this.#quota === undefined) {
      this.#remaining = undefined; // unknown until answered
      this.#spent = 0;
      return;
    }
    this.#remaining = this.#quota;
    this.#startWindow();
    this.#resetAt = now + this.#windowMs;
    // Contended, the full quota is a guess another process may have spent
    // already: one request asks before the rest go.
    if (this.#contendedUntil > now) this.#answered = false;
  }

  #startWindow(): void {
    // Requests still in flight were charged to the old window.
    this.#reserved = 0;
    this.#spent = 0;
    this.#window++;
  }

  /**
   * Whether `cost` more would pass this client's share of the window's quota
   * (`budgetShare`); the first request of a window always goes.
   */
  #overShare(cost: number): boolean {
    return this.#share < 1 && this.#quota !== undefined && this.#spent > 0 &&
      this.#spent + cost > this.#quota * this.#share;
  }

  /** How long a request of `cost` waits at least (0 if only for a slot). */
  #waitFor(cost: number): number {
    const now = this.#clock.now();
    const blocked = Math.max(0, this.#blockedUntil - now);
    if (cost === 0 || this.#remaining === undefined) return blocked;
    if (this.#remaining >= cost && !this.#overShare(cost)) return blocked;
    return Math.max(blocked, this.#resetAt - now);
  }

  #take(key: string | undefined, cost: number): Ticket {
    const alone = this.#inFlight === 0;
    const measured = key !== undefined && this.#costs.has(key);
    if (!measured && key !== undefined) {
      this.#probing.set(key, (this.#probing.get(key) ?? 0) + 1);
    }
    this.#inFlight++;
    this.#reserved += cost;
    this.#spent += cost;
    this.#admittedSinceSync++;
    return {
      key,
      cost,
      alone,
      measured,
      seen: this.#seen,
      window: this.#window,
      done: false,
    };
  }

  /** Admits queued requests in order while they fit; sleeps to a reset. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      // An answer may have taught the cost since it queued (the probe's).
      if (head.key !== undefined) head.cost = this.expectedCost(head.key);
      if (!this.#fits(head.cost, head.key)) break;
      this.#queue.shift();
      head.signal?.removeEventListener("abort", head.onAbort);
      head.resolve(this.#take(head.key, head.cost));
    }
    const head = this.#queue[0];
    if (head === undefined || this.#sleeping) return;
    const now = this.#clock.now();
    let wakeAt: number;
    if (this.#blockedUntil > now) {
      wakeAt = this.#blockedUntil;
    } else if (this.#inFlight === 0) {
      // Nothing in flight and the head does not fit: wait for the reset (no
      // settle is coming, even when a probe ended without an answer).
      wakeAt = this.#resetAt;
    } else {
      return; // a settle will pump again
    }
    // Everyone queued waits at least until then: fail those it is too long for.
    const what = this.#blockedUntil >= wakeAt ? "rate-limit" : "complexity";
    for (const waiter of [...this.#queue]) {
      const error = this.#tooLong(wakeAt - now, waiter.deadlineAt, what);
      if (error) {
        this.#queue.splice(this.#queue.indexOf(waiter), 1);
        waiter.signal?.removeEventListener("abort", waiter.onAbort);
        waiter.reject(error);
      }
    }
    if (this.#queue.length === 0) return;
    const sleeping = new AbortController();
    this.#sleeping = sleeping;
    this.#clock.sleep(Math.max(1, wakeAt - now), sleeping.signal).then(() => {
      this.#sleeping = undefined;
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
