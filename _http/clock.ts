/**
 * Time as the transport sees it: the current instant and an abortable sleep.
 * Injecting a {@linkcode Clock} lets tests run backoff and expiry logic
 * without waiting for real.
 *
 * @module
 */

/** A source of time: the current instant and an abortable wait. */
export interface Clock {
  /**
   * The current time in milliseconds since the Unix epoch.
   *
   * @returns The current time in milliseconds.
   */
  now(): number;
  /**
   * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as
   * `signal` aborts.
   *
   * @param ms How long to wait, in milliseconds.
   * @param signal Aborts the wait.
   * @returns A promise that resolves after the wait.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Waits `ms` milliseconds of real time, rejecting with `signal.reason` as soon
 * as `signal` aborts. The timer is cleared on abort, so nothing leaks.
 *
 * @param ms How long to wait, in milliseconds (negative counts as 0).
 * @param signal Aborts the wait.
 * @returns A promise that resolves after the wait.
 * @throws {unknown} `signal.reason` when the signal aborts before the wait ends.
 *
 * @example Wait a moment
 * ```ts
 * import { sleep } from "./clock.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.min(Math.max(0, ms), 2_147_483_647)); // setTimeout's limit
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The real clock: `Date.now()` and a `setTimeout`-based sleep.
 *
 * @example Read the time
 * ```ts
 * import { systemClock } from "./clock.ts";
 * import assert from "node:assert/strict";
 * assert.ok(systemClock.now() > 0);
 * ```
 */
export const systemClock: Clock = {
  now(): number {
    return Date.now();
  },
  sleep,
};

/** Options for {@linkcode FakeClock}. */
export interface FakeClockOptions {
  /**
   * The clock's starting time, in milliseconds since the Unix epoch.
   *
   * @default {0}
   */
  start?: number;
  /**
   * When `true`, every `sleep(ms)` advances the clock by `ms` and resolves at
   * once; when `false`, sleeps stay pending until {@linkcode FakeClock.advance}
   * moves time past their end (or their signal aborts).
   *
   * @default {true}
   */
  autoAdvance?: boolean;
}

interface PendingSleep {
  until: number;
  resolve: () => void;
}

/**
 * A clock for tests: time only moves when a sleep advances it or the test
 * calls {@linkcode FakeClock.advance}. Every requested sleep is recorded in
 * {@linkcode FakeClock.sleeps}, so a test can assert the exact backoff delays
 * without waiting.
 *
 * @example Record backoff delays without sleeping
 * ```ts
 * import { FakeClock } from "./clock.ts";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock({ start: 1000 });
 * await clock.sleep(250);
 * assert.deepEqual(clock.sleeps, [250]);
 * assert.equal(clock.now(), 1250);
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #autoAdvance: boolean;
  #pending: PendingSleep[] = [];
  #waiters: ((ms: number) => void)[] = [];
  /** Every delay passed to {@linkcode FakeClock.sleep}, in call order. */
  readonly sleeps: number[] = [];

  /**
   * Makes a fake clock.
   *
   * @param options Starting time and advance mode.
   */
  constructor(options: FakeClockOptions = {}) {
    this.#now = options.start ?? 0;
    this.#autoAdvance = options.autoAdvance ?? true;
  }

  /**
   * The fake current time.
   *
   * @returns The current fake time in milliseconds.
   */
  now(): number {
    return this.#now;
  }

  /** How many sleeps are waiting for {@linkcode FakeClock.advance}. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Records `ms`; then advances time and resolves (auto mode) or waits for
   * {@linkcode FakeClock.advance}.
   *
   * @param ms The requested delay in milliseconds.
   * @param signal Aborts the wait.
   * @returns A promise that resolves when the fake time has passed.
   * @throws {unknown} `signal.reason` when the signal aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    for (const waiter of this.#waiters.splice(0)) waiter(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#autoAdvance) {
      this.#now += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry: PendingSleep = {
        until: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#pending = this.#pending.filter((p) => p !== entry);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.push(entry);
    });
  }

  /**
   * Moves time forward and resolves the sleeps that end by then.
   *
   * @param ms How far to move, in milliseconds.
   */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#pending.filter((p) => p.until <= this.#now);
    this.#pending = this.#pending.filter((p) => p.until > this.#now);
    for (const p of due) p.resolve();
  }

  /**
   * Resolves with the delay of the next call to {@linkcode FakeClock.sleep}.
   *
   * @returns The next requested delay in milliseconds.
   */
  nextSleep(): Promise<number> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
