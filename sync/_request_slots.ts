/**
 * The sync's requests in flight: at most `limit` at once; a request waiting
 * for a slot is admitted by priority (the highest first, then first come),
 * so the longest reads go first and the run's critical path stays short.
 *
 * @module
 */

interface Waiter {
  priority: number;
  admit: () => void;
}

/** At most `limit` requests at once, admitted by priority. */
export class RequestSlots {
  #free: number;
  #waiting: Waiter[] = [];
  #inFlight = 0;
  #peak = 0;

  /**
   * @param limit Requests in flight at most (1 or more).
   */
  constructor(limit: number) {
    this.#free = limit;
  }

  /** The most requests that were in flight at once. */
  get peak(): number {
    return this.#peak;
  }

  /**
   * Runs `work` once a slot is free, and frees it when `work` settles.
   *
   * @param priority Higher is admitted first.
   * @param signal Cancels the wait (rejects with its reason).
   * @param work The request.
   * @returns What `work` returns.
   * @throws What `work` throws, or the signal's reason.
   */
  async run<T>(
    priority: number,
    signal: AbortSignal,
    work: () => Promise<T>,
  ): Promise<T> {
    signal.throwIfAborted();
    if (this.#free > 0 && this.#waiting.length === 0) this.#free--;
    else await this.#wait(priority, signal);
    this.#inFlight++;
    if (this.#inFlight > this.#peak) this.#peak = this.#inFlight;
    try {
      return await work();
    } finally {
      this.#inFlight--;
      this.#release();
    }
  }

  #wait(priority: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#waiting.indexOf(waiter);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        priority,
        admit: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Hands the freed slot to the waiter of highest priority, or frees it. */
  #release(): void {
    const waiting = this.#waiting;
    if (waiting.length === 0) {
      this.#free++;
      return;
    }
    let best = 0;
    for (let i = 1; i < waiting.length; i++) {
      if (waiting[i]!.priority > waiting[best]!.priority) best = i;
    }
    const [waiter] = waiting.splice(best, 1);
    waiter!.admit();
  }
}
