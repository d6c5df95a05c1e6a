/**
 * Background activity: other users of the emulated account changing items
 * while a test (or a sync) runs. Changes arrive at random times at a given
 * mean rate, drawn from the seed, and are applied lazily, in time order,
 * whenever the emulator is asked anything after the clock has moved past
 * them. Each carries its own time in `updated_at` and the activity log.
 *
 * @module
 */

import {
  type Actor,
  type ItemRecord,
  type Model,
  ModelError,
} from "./_model.ts";
import { createRandom } from "./_random.ts";

const HOUR_MS = 3_600_000;
/** At most this many changes are applied by one catch-up. */
const MAX_PER_CATCH_UP = 100_000;
const TEXTS = ["Checked", "Waiting", "Ping the client", "Blocked on QA", "OK"];

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
  #model: Model;
  #random: () => number;
  #meanMs: number;
  #next: number;
  #created = 0;

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
    this.#model = model;
    this.#random = createRandom(options.seed + 505);
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

  #pick<T>(list: readonly T[]): T | undefined {
    return list.length === 0
      ? undefined
      : list[Math.floor(this.#random() * list.length) % list.length];
  }

  #item(boardItems: ItemRecord[], boardId: string): ItemRecord | undefined {
    for (let tries = 0; tries < 8; tries++) {
      const item = this.#pick(boardItems);
      if (item && item.state === "active" && item.boardId === boardId) {
        return item;
      }
    }
    return undefined;
  }

  #apply(at: number): boolean {
    const model = this.#model;
    const boards = model.boards.filter((b) =>
      b.state === "active" && b.type === "board"
    );
    const board = this.#pick(boards);
    const user = this.#pick(model.users);
    if (!board || !user) return false;
    const actor: Actor = { userId: user.id, now: at };
    const groups = board.groups.filter((g) => !g.deleted && !g.archived);
    const roll = this.#random();
    try {
      if (roll < 0.15 || board.items.length === 0) {
        model.createItem(board, `Background item ${++this.#created}`, {
          groupId: this.#pick(groups)?.id ?? null,
          ...actor,
        });
        return true;
      }
      const item = this.#item(board.items, board.id);
      if (!item) return false;
      if (roll < 0.6) {
        const columns = board.columns.filter((c) =>
          ["status", "text", "numbers", "checkbox", "date"].includes(c.type)
        );
        const column = this.#pick(columns);
        if (!column) return false;
        const r = this.#random();
        const value = column.type === "status"
          ? { index: [0, 1, 2][Math.floor(r * 3) % 3] }
          : column.type === "text"
          ? this.#pick(TEXTS)
          : column.type === "numbers"
          ? String(Math.floor(r * 1000))
          : column.type === "checkbox"
          ? { checked: r < 0.5 ? "true" : "false" }
          : {
            date: new Date(at + Math.floor(r * 30) * 86_400_000).toISOString()
              .slice(0, 10),
          };
        model.setValues(board, item, { [column.id]: value }, at, user.id);
      } else if (roll < 0.68) {
        model.setValues(
          board,
          item,
          { name: `${item.name.replace(/ \(edited\)$/, "")} (edited)` },
          at,
          user.id,
        );
      } else if (roll < 0.76) {
        model.createUpdate(item, `<p>${this.#pick(TEXTS)}</p>`, actor);
      } else if (roll < 0.84) {
        const group = this.#pick(groups.filter((g) => g.id !== item.groupId));
        if (!group) return false;
        model.moveToGroup(item, group.id, actor);
      } else if (roll < 0.92) {
        model.archiveItem(item, actor);
      } else {
        model.deleteItem(item, at, user.id);
      }
      return true;
    } catch (error) {
      if (error instanceof ModelError) return false;
      throw error;
    }
  }
}
