/**
 * The emulator's own clock: it starts at a fixed instant and moves only when
 * a test advances it, so expiry and limit windows need no sleeping; or, in
 * real mode, it also moves with real time (a long-running emulator).
 *
 * @module
 */

/**
 * A manual clock in milliseconds since the epoch.
 *
 * @example Advance
 * ```ts
 * import assert from "node:assert/strict";
 * import { EmulatorClock } from "./_clock.ts";
 * const clock = new EmulatorClock(1000);
 * clock.advance(500);
 * assert.equal(clock.now(), 1500);
 * ```
 */
export class EmulatorClock {
  #now: number;
  #realStart: number | undefined;

  /**
   * Creates a clock.
   *
   * @param start The first reading, ms since the epoch.
   * @param options `real: true` also moves the clock with real time, so that
   *   a long-running emulator's limit windows reset by themselves.
   * @throws {RangeError} If `start` is not a finite number.
   */
  constructor(start: number, options: { real?: boolean } = {}) {
    if (!Number.isFinite(start)) {
      throw new RangeError(
        `Cannot create emulator clock: 'start' must be a finite number, got '${start}'`,
      );
    }
    this.#now = start;
    if (options.real) this.#realStart = performance.now();
  }

  /**
   * Reads the clock: the start, plus what was advanced, plus (real mode) the
   * real time elapsed since it was created.
   *
   * @returns Milliseconds since the epoch.
   */
  now(): number {
    if (this.#realStart === undefined) return this.#now;
    return this.#now + Math.floor(performance.now() - this.#realStart);
  }

  /**
   * Moves the clock forward.
   *
   * @param ms How far, in milliseconds (0 or more).
   * @throws {RangeError} If `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `Cannot advance emulator clock: 'ms' must be a finite number of 0 or more, got '${ms}'`,
      );
    }
    this.#now += ms;
  }
}
