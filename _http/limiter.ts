/**
 * A concurrency limiter: at most `max` tasks run at once, the rest wait in
 * order, and a waiter can give up through its `AbortSignal`.
 *
 * @module
 */

interface Waiter {
  start: () => void;
}

/**
 * Runs at most `max` tasks at a time; further tasks wait in FIFO order.
 *
 * @example Limit to one at a time
 * ```ts
 * import { ConcurrencyLimiter } from "./limiter.ts";
 * import assert from "node:assert/strict";
 *
 * const limiter = new ConcurrencyLimiter(1);
 * let peak = 0;
 * const task = () =>
 *   limiter.run(async () => {
 *     peak = Math.max(peak, limiter.active);
 *     await Promise.resolve();
 *   });
 * await Promise.all([task(), task(), task()]);
 * assert.equal(peak, 1);
 * ```
 */
export class ConcurrencyLimiter {
  #max: number;
  #active = 0;
  #queue: Waiter[] = [];

  /**
   * Makes a limiter.
   *
   * @param max The most tasks running at once: a positive integer or `Infinity`.
   * @throws {RangeError} When `max` is not a positive integer or `Infinity`.
   */
  constructor(max: number) {
    if (max !== Infinity && (!Number.isInteger(max) || max < 1)) {
      throw new RangeError(
        `Invalid concurrency limit: expected a positive integer or Infinity, got '${
          String(max)
        }'`,
      );
    }
    this.#max = max;
  }

  /** How many tasks are running now. */
  get active(): number {
    return this.#active;
  }

  /** How many tasks are waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** The most tasks running at once. */
  get max(): number {
    return this.#max;
  }

  /**
   * Runs `fn` once a slot is free.
   *
   * @param fn The task.
   * @param signal Gives up waiting for a slot (a running task is not stopped
   * by it; pass the signal to the task itself for that).
   * @returns What `fn` returns.
   * @throws {unknown} `signal.reason` when the signal aborts while waiting,
   * or whatever `fn` throws.
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    // A free slot is taken at once, without waiting a turn of the loop.
    if (this.#active < this.#max && this.#queue.length === 0) {
      signal?.throwIfAborted();
      this.#active++;
    } else {
      await this.#acquire(signal);
    }
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) {
      next.start(); // the slot passes straight to the next waiter
    } else {
      this.#active--;
    }
  }
}
