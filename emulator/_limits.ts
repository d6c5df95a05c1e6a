/**
 * The emulator's GraphQL limits: complexity per query and per minute,
 * requests per minute, concurrent requests, daily calls and per-field
 * limits, all measured on the emulator clock.
 *
 * @module
 */

/** Limits the emulator enforces; defaults depend on the plan. */
export interface EmulatorLimits {
  /** Complexity points one query may cost. */
  complexityPerQuery: number;
  /** Complexity points per minute window (personal tokens, reads and writes together). */
  complexityPerMinute: number;
  /**
   * Complexity points per minute window for app (OAuth) tokens, for reads and for writes separately.
   *
   * @default {5_000_000}
   */
  appComplexityPerMinute?: number;
  /** GraphQL requests per minute window. */
  requestsPerMinute: number;
  /** GraphQL requests in flight at the same time. */
  concurrentRequests: number;
  /** GraphQL calls per UTC day (reset at 00:00 UTC, emulator clock). */
  dailyCalls: number;
  /** Audit-log API requests per audit window. */
  auditRequestsPerMinute: number;
  /** Length of the audit limit's window in ms. */
  auditWindowMs: number;
  /** Length of the GraphQL minute window in ms. */
  minuteWindowMs: number;
  /**
   * Calls per minute window of each rate-limited mutation (`create_board`).
   *
   * @default {40}
   */
  fieldCallsPerMinute?: number;
  /**
   * Requests from one IP address per IP window (monday: 5,000 per 10 s).
   *
   * @default {5000}
   */
  ipRequestsPerWindow?: number;
  /**
   * Length of the IP window in ms.
   *
   * @default {10_000}
   */
  ipWindowMs?: number;
}

/** Plans with their own default limits. */
export type EmulatorPlan = "enterprise" | "pro" | "standard";

/**
 * The default limits of a plan, as monday documents them.
 *
 * @param plan The plan.
 * @returns A fresh limits object.
 * @example Enterprise
 * ```ts
 * import assert from "node:assert/strict";
 * import { planLimits } from "./_limits.ts";
 * assert.equal(planLimits("enterprise").requestsPerMinute, 5000);
 * ```
 */
export function planLimits(plan: EmulatorPlan): Required<EmulatorLimits> {
  const base = {
    complexityPerQuery: 5_000_000,
    complexityPerMinute: 10_000_000,
    appComplexityPerMinute: 5_000_000,
    auditRequestsPerMinute: 50,
    auditWindowMs: 60_000,
    minuteWindowMs: 60_000,
    fieldCallsPerMinute: 40,
    ipRequestsPerWindow: 5000,
    ipWindowMs: 10_000,
  };
  switch (plan) {
    case "enterprise":
      return {
        ...base,
        requestsPerMinute: 5000,
        concurrentRequests: 250,
        dailyCalls: 25_000,
      };
    case "pro":
      return {
        ...base,
        requestsPerMinute: 2500,
        concurrentRequests: 100,
        dailyCalls: 10_000,
      };
    case "standard":
      return {
        ...base,
        requestsPerMinute: 1000,
        concurrentRequests: 40,
        dailyCalls: 1000,
      };
  }
}

/**
 * Validates limit overrides.
 *
 * @param limits Partial limits.
 * @returns The same object.
 * @throws {RangeError} If a value is not a positive number.
 * @throws {TypeError} If a property is unknown.
 */
export function checkLimits(
  limits: Partial<EmulatorLimits>,
): Partial<EmulatorLimits> {
  const known = Object.keys(planLimits("enterprise"));
  for (const [key, value] of Object.entries(limits)) {
    if (!known.includes(key)) {
      throw new TypeError(`Cannot set emulator limits: unknown limit '${key}'`);
    }
    if (typeof value !== "number" || !(value > 0)) {
      throw new RangeError(
        `Cannot set emulator limits: '${key}' must be a positive number, got '${value}'`,
      );
    }
  }
  return limits;
}

/** Which complexity budget a request draws on: personal tokens share one, app tokens have one for reads and one for writes. */
export type ComplexityBucket = "personal" | "app_read" | "app_write";

/** A limit that refused a request. */
export interface LimitBreach {
  /** Which limit. */
  kind:
    | "minute"
    | "concurrency"
    | "daily"
    | "complexity"
    | "query"
    | "field"
    | "ip";
  /** Seconds until the limit lets the caller in again. */
  retryInSeconds: number;
  /** For complexity: the query's cost, the budget left, and the budget. */
  cost?: number;
  left?: number;
  budget?: number;
  /** For field limits: the field. */
  field?: string;
}

interface Window {
  start: number;
  used: number;
}

const DAY_MS = 86_400_000;

/**
 * Tracks usage against the limits for one account.
 */
export class LimitTracker {
  #clock: { now(): number };
  #limits: Required<EmulatorLimits>;
  #inFlight = 0;
  #requests: Window | undefined;
  #complexity = new Map<ComplexityBucket, Window>();
  #fields = new Map<string, Window>();
  #ip: Window | undefined;
  #day = -1;
  #dayCalls = 0;

  /**
   * Creates a tracker.
   *
   * @param clock The emulator clock.
   * @param limits The limits in force.
   */
  constructor(clock: { now(): number }, limits: Required<EmulatorLimits>) {
    this.#clock = clock;
    this.#limits = { ...limits };
  }

  /** The limits in force. */
  get limits(): Readonly<Required<EmulatorLimits>> {
    return this.#limits;
  }

  /** GraphQL requests in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Changes limits for the rest of the run.
   *
   * @param limits The limits to change.
   */
  set(limits: Partial<EmulatorLimits>): void {
    Object.assign(this.#limits, checkLimits(limits));
  }

  /**
   * Starts every minute window afresh (requests, complexity, fields, IP), as
   * after a quiet minute; the daily count stays.
   */
  resetWindows(): void {
    this.#requests = undefined;
    this.#complexity.clear();
    this.#fields.clear();
    this.#ip = undefined;
  }

  #window(window: Window | undefined, now: number): Window {
    if (!window || now >= window.start + this.#limits.minuteWindowMs) {
      return { start: now, used: 0 };
    }
    return window;
  }

  #resetIn(window: Window | undefined, now: number): number {
    if (!window || now >= window.start + this.#limits.minuteWindowMs) {
      return Math.ceil(this.#limits.minuteWindowMs / 1000);
    }
    return Math.max(
      1,
      Math.ceil((window.start + this.#limits.minuteWindowMs - now) / 1000),
    );
  }

  /**
   * Marks a request in flight; checks the concurrency limit first.
   *
   * @returns A breach, or undefined when the request may proceed (then call
   * {@linkcode LimitTracker.leave} when it ends).
   */
  enter(): LimitBreach | undefined {
    if (this.#inFlight >= this.#limits.concurrentRequests) {
      return { kind: "concurrency", retryInSeconds: 1 };
    }
    this.#inFlight++;
    return undefined;
  }

  /** Marks a request finished. */
  leave(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  /**
   * Counts a request against the per-IP limit (every request comes from
   * 127.0.0.1, so it is one window).
   *
   * @returns A breach, or undefined when counted.
   */
  countIp(): LimitBreach | undefined {
    const now = this.#clock.now();
    const windowMs = this.#limits.ipWindowMs;
    let window = this.#ip;
    if (!window || now >= window.start + windowMs) {
      window = { start: now, used: 0 };
    }
    if (window.used >= this.#limits.ipRequestsPerWindow) {
      return {
        kind: "ip",
        retryInSeconds: Math.max(
          1,
          Math.ceil((window.start + windowMs - now) / 1000),
        ),
      };
    }
    window.used++;
    this.#ip = window;
    return undefined;
  }

  /**
   * Counts a call against the daily and per-minute limits. As monday does,
   * every call counts, the refused ones included: a call over a limit is
   * counted and reported as a breach.
   *
   * @returns A breach when the call is over a limit, else undefined.
   */
  count(): LimitBreach | undefined {
    const now = this.#clock.now();
    const day = Math.floor(now / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#dayCalls = 0;
    }
    const window = this.#window(this.#requests, now);
    const overDaily = this.#dayCalls >= this.#limits.dailyCalls;
    const overMinute = window.used >= this.#limits.requestsPerMinute;
    window.used++;
    this.#requests = window;
    this.#dayCalls++;
    if (overDaily) {
      return {
        kind: "daily",
        retryInSeconds: Math.ceil(((day + 1) * DAY_MS - now) / 1000),
      };
    }
    if (overMinute) {
      return { kind: "minute", retryInSeconds: this.#resetIn(window, now) };
    }
    return undefined;
  }

  #budget(bucket: ComplexityBucket): number {
    return bucket === "personal"
      ? this.#limits.complexityPerMinute
      : this.#limits.appComplexityPerMinute;
  }

  /**
   * Charges a query's complexity.
   *
   * @param cost The query's cost.
   * @param bucket The budget it draws on.
   * @returns The budget before and after, or a breach.
   */
  charge(
    cost: number,
    bucket: ComplexityBucket = "personal",
  ):
    | { ok: true; before: number; after: number; resetIn: number }
    | { ok: false; breach: LimitBreach } {
    const now = this.#clock.now();
    const budget = this.#budget(bucket);
    const current = this.#complexity.get(bucket);
    const window = this.#window(current, now);
    const left = Math.max(0, budget - window.used);
    if (cost > this.#limits.complexityPerQuery) {
      return {
        ok: false,
        breach: {
          kind: "query",
          retryInSeconds: 0,
          cost,
          left,
          budget: this.#limits.complexityPerQuery,
        },
      };
    }
    if (cost > left) {
      return {
        ok: false,
        breach: {
          kind: "complexity",
          retryInSeconds: this.#resetIn(current, now),
          cost,
          left,
          budget,
        },
      };
    }
    window.used += cost;
    this.#complexity.set(bucket, window);
    return {
      ok: true,
      before: left,
      after: left - cost,
      resetIn: this.#resetIn(window, now),
    };
  }

  /**
   * Counts a call of a rate-limited mutation field.
   *
   * @param field The field name.
   * @returns A breach, or undefined when counted.
   */
  countField(field: string): LimitBreach | undefined {
    const now = this.#clock.now();
    const window = this.#window(this.#fields.get(field), now);
    if (window.used >= this.#limits.fieldCallsPerMinute) {
      return {
        kind: "field",
        field,
        retryInSeconds: this.#resetIn(window, now),
      };
    }
    window.used++;
    this.#fields.set(field, window);
    return undefined;
  }

  /**
   * The `RateLimit-Policy` and `RateLimit` headers, in monday's format.
   *
   * @param bucket The complexity budget to report.
   * @returns Both header values.
   */
  headers(
    bucket: ComplexityBucket = "personal",
  ): { policy: string; rateLimit: string } {
    const now = this.#clock.now();
    const l = this.#limits;
    const w = Math.ceil(l.minuteWindowMs / 1000);
    const requests = this.#window(this.#requests, now);
    const current = this.#complexity.get(bucket);
    const complexity = this.#window(current, now);
    const budget = this.#budget(bucket);
    return {
      policy:
        `"minuteRate";q=${l.requestsPerMinute};w=${w}, "concurrency";q=${l.concurrentRequests};qu="concurrent-requests", "complexityMinute";q=${budget};w=${w}`,
      rateLimit: `"minuteRate";r=${
        Math.max(0, l.requestsPerMinute - requests.used)
      };t=${this.#resetIn(this.#requests, now)}, "concurrency";r=${
        Math.max(0, l.concurrentRequests - this.#inFlight)
      }, "complexityMinute";r=${Math.max(0, budget - complexity.used)};t=${
        this.#resetIn(current, now)
      }`,
    };
  }
}
