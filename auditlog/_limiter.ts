/**
 * A sliding-window request limiter that keeps a client under a server's
 * "N requests per window" limit on its own.
 *
 * The server counts a request when it receives it, some time between the
 * client sending it and the response arriving. So a slot is held from the
 * moment a request is sent until `windowMs` (plus a margin) after its
 * response arrived: the next request that reuses the slot is then received
 * at least a full window after the one before it, whatever the latency.
 *
 * @module
 */

import type { Clock } from "../_http/mod.ts";

/** Options for {@linkcode SlidingWindowLimiter}. */
export interface SlidingWindowLimiterOptions {
  /** Requests allowed per window. */
  requests: number;
  /** The window in milliseconds. */
  windowMs: number;
  /**
   * Extra wait on top of the window, for clock differences.
   *
   * @default {Math.min(1000, windowMs * 0.02)}
   */
  marginMs?: number;
  /** The clock to measure and wait with. */
  clock: Clock;
}

/**
 * Grants at most `requests` request slots in any `windowMs` window, measured
 * from each request's end.
 *
 * @example Two requests per second
 * ```ts
 * import assert from "node:assert/strict";
 * import { FakeClock } from "../_http/mod.ts";
 * import { SlidingWindowLimiter } from "./_limiter.ts";
 *
 * const clock = new FakeClock({ start: 0 });
 * const limiter = new SlidingWindowLimiter({ requests: 2, windowMs: 1000, marginMs: 0, clock });
 * for (let i = 0; i < 3; i++) (await limiter.acquire())();
 * assert.deepEqual(clock.sleeps, [1000]);
 * ```
 */
export class SlidingWindowLimiter {
  #requests: number;
  #windowMs: number;
  #marginMs: number;
  #clock: Clock;
  #ended: number[] = [];
  #inFlight = 0;
  #wakers = new Set<() => void>();
  #waited = 0;

  /**
   * Makes a limiter.
   *
   * @param options Requests per window, window, margin, clock.
   * @throws {RangeError} When a number is out of range.
   */
  constructor(options: SlidingWindowLimiterOptions) {
    const { requests, windowMs } = options;
    if (!Number.isInteger(requests) || requests < 1) {
      throw new RangeError(
        `Invalid rate limit requests: expected a positive integer, got '${
          String(requests)
        }'`,
      );
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(
        `Invalid rate limit windowMs: expected a positive number, got '${
          String(windowMs)
        }'`,
      );
    }
    const margin = options.marginMs ?? Math.min(1000, windowMs * 0.02);
    if (!Number.isFinite(margin) || margin < 0) {
      throw new RangeError(
        `Invalid rate limit marginMs: expected a number >= 0, got '${
          String(margin)
        }'`,
      );
    }
    this.#requests = requests;
    this.#windowMs = windowMs;
    this.#marginMs = margin;
    this.#clock = options.clock;
  }

  /** How many times a request had to wait for a slot. */
  get waits(): number {
    return this.#waited;
  }

  /**
   * Waits for a free slot and takes it. Call the returned function when the
   * request's response arrived (or it failed).
   *
   * @param signal Aborts the wait.
   * @returns The function that releases the slot (idempotent).
   * @throws {unknown} `signal.reason` when aborted while waiting.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    let counted = false;
    while (true) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      const span = this.#windowMs + this.#marginMs;
      while (this.#ended.length > 0 && this.#ended[0]! + span <= now) {
        this.#ended.shift();
      }
      if (this.#ended.length + this.#inFlight < this.#requests) break;
      if (!counted) {
        this.#waited++;
        counted = true;
      }
      if (this.#ended.length > 0) {
        await this.#clock.sleep(this.#ended[0]! + span - now, signal);
      } else {
        await this.#nextRelease(signal);
      }
    }
    this.#inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#ended.push(this.#clock.now());
      const wakers = [...this.#wakers];
      this.#wakers.clear();
      for (const wake of wakers) wake();
    };
  }

  #nextRelease(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#wakers.delete(wake);
        reject(signal?.reason);
      };
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.#wakers.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
