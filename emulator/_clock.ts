/**
 * The emulator's own clock: it starts at a fixed instant and moves only when
 * a test advances it, so expiry and limit windows need no sleeping.
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

  /**
   * Creates a clock.
   *
   * @param start The first reading, ms since the epoch.
   * @throws {RangeError} If `start` is not a finite number.
   */
  constructor(start: number) {
    if (!Number.isFinite(start)) {
      throw new RangeError(
        `Cannot create emulator clock: 'start' must be a finite number, got '${start}'`,
      );
    }
    this.#now = start;
  }

  /**
   * Reads the clock.
   *
   * @returns Milliseconds since the epoch.
   */
  now(): number {
    return this.#now;
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
