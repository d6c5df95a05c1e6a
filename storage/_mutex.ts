// An in-process exclusive lock with a FIFO queue, a bounded wait and abort.

import { AsyncLocalStorage } from "node:async_hooks";
import { LockTimeoutError } from "./errors.ts";

/** The mutexes the current async context holds (set by `Mutex.hold`). */
const holding = new AsyncLocalStorage<readonly HeldMutex[]>();

interface HeldMutex {
  mutex: Mutex;
  live: boolean;
}

interface Waiter {
  grant(): void;
}

export class Mutex {
  #held = false;
  #waiters: Waiter[] = [];

  get held(): boolean {
    return this.#held;
  }

  /** Waits for the lock; resolves to its release function (idempotent). */
  acquire(
    label: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<() => void> {
    signal?.throwIfAborted();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next !== undefined) next.grant();
      else this.#held = false;
    };
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(release);
    }
    // Waiting inside a critical section of this very mutex can only time out.
    const nested = holding.getStore()?.some((held) =>
      held.mutex === this && held.live
    );
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          cleanup();
          resolve(release);
        },
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new LockTimeoutError(label, timeoutMs, nested ? "nested" : "caller"),
        );
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /**
   * Runs `fn`, the critical section of this mutex, marking its async context
   * as holding the mutex, so that a nested wait can say why it timed out.
   */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    const held: HeldMutex = { mutex: this, live: true };
    try {
      return await holding.run([...(holding.getStore() ?? []), held], fn);
    } finally {
      held.live = false;
    }
  }
}

const registry = new Map<string, Mutex>();

/** The process-wide mutex for `name`. */
export function mutexFor(name: string): Mutex {
  let mutex = registry.get(name);
  if (mutex === undefined) {
    mutex = new Mutex();
    registry.set(name, mutex);
  }
  return mutex;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** Validates a `timeoutMs` lock option. */
export function checkTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_LOCK_TIMEOUT_MS;
  if (
    typeof timeoutMs !== "number" || !(timeoutMs >= 0) ||
    !Number.isFinite(timeoutMs)
  ) {
    throw new RangeError(
      `Invalid timeoutMs: expected a finite number >= 0, got '${timeoutMs}'`,
    );
  }
  return timeoutMs;
}
