/**
 * Background activity: other users of the emulated account changing items
 * while a test (or a sync) runs. Changes arrive at random times at a given
 * mean rate, drawn from the seed, and are applied lazily, in time order,
 * whenever the emulator is asked anything after the clock has moved past
 * them. Each carries its own time in `updated_at` and the activity log.
 *
 * @module
 */

import type { Model } from "./_model.ts";
import { createRandom } from "./_random.ts";
import { RandomChanges } from "./_random_changes.ts";

const HOUR_MS = 3_600_000;
/** At most this many changes are applied by one catch-up. */
const MAX_PER_CATCH_UP = 100_000;

/**
 * Seeded random changes at a mean rate.
 *
 * @example Changes arrive as the clock moves
 * ```ts
 * import assert from "node:assert/strict";
 * import { Model } from "./_model.ts";
 * import { BackgroundActivity } from "./_background.ts";
 * const start = Date.UTC(2026, 10, 1);
 * const model = new Model({ seed: 1, boards: 2, items: 20, users: 5, now: start });
 * const background = new BackgroundActivity(model, { changesPerHour: 60, seed: 1, start });
 * assert.equal(background.catchUp(start), 0);
 * assert.ok(background.catchUp(start + 3_600_000) > 20);
 * ```
 */
export class BackgroundActivity {
  #changes: RandomChanges;
  #random: () => number;
  #meanMs: number;
  #next: number;

  /**
   * Creates the generator.
   *
   * @param model The model to change.
   * @param options Mean changes per hour, seed and the start time.
   * @throws {RangeError} If the rate is not a positive finite number.
   */
  constructor(
    model: Model,
    options: { changesPerHour: number; seed: number; start: number },
  ) {
    if (
      !Number.isFinite(options.changesPerHour) || options.changesPerHour <= 0
    ) {
      throw new RangeError(
        `Invalid background activity: 'changesPerHour' must be a positive number, got '${options.changesPerHour}'`,
      );
    }
    this.#random = createRandom(options.seed + 505);
    this.#changes = new RandomChanges(model, this.#random);
    this.#meanMs = HOUR_MS / options.changesPerHour;
    this.#next = options.start + this.#interval();
  }

  #interval(): number {
    return Math.max(
      1,
      Math.round(-Math.log(1 - this.#random()) * this.#meanMs),
    );
  }

  /**
   * Applies every change due up to `now`, in time order.
   *
   * @param now The emulator clock's now.
   * @returns How many changes were applied.
   */
  catchUp(now: number): number {
    let applied = 0;
    while (this.#next <= now && applied < MAX_PER_CATCH_UP) {
      if (this.#apply(this.#next)) applied++;
      this.#next += this.#interval();
    }
    if (this.#next <= now) this.#next = now + this.#interval();
    return applied;
  }

  #apply(at: number): boolean {
    return this.#changes.apply(at) !== undefined;
  }
}
