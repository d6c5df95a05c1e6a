/**
 * Seeded random changes to the account, as other users make them: values,
 * names, new items, updates, moves between groups, archives and deletes.
 * Background activity draws them at random times; `applyRandomChanges` on
 * the emulator handle applies a number of them at once (benchmarks of an
 * incremental sync). Each change records the same activity-log events and
 * `updated_at` stamps as the matching mutation.
 *
 * @module
 */

import {
  type Actor,
  type ItemRecord,
  type Model,
  ModelError,
} from "./_model.ts";

const TEXTS = ["Checked", "Waiting", "Ping the client", "Blocked on QA", "OK"];

/** The kinds of change {@linkcode RandomChanges} makes. */
export type RandomChangeKind =
  | "create"
  | "value"
  | "name"
  | "update"
  | "move"
  | "archive"
  | "delete";

/**
 * Draws and applies random changes from a random source.
 *
 * @example Five changes on a small account
 * ```ts
 * import assert from "node:assert/strict";
 * import { Model } from "./_model.ts";
 * import { createRandom } from "./_random.ts";
 * import { RandomChanges } from "./_random_changes.ts";
 * const now = Date.UTC(2026, 10, 1);
 * const model = new Model({ seed: 1, boards: 2, items: 20, users: 5, now });
 * const changes = new RandomChanges(model, createRandom(7));
 * const kinds = Array.from({ length: 5 }, (_, i) => changes.apply(now + i));
 * assert.ok(kinds.some((kind) => kind !== undefined));
 * ```
 */
export class RandomChanges {
  #model: Model;
  #random: () => number;
  #created = 0;
  #label: string;

  /**
   * @param model The model to change.
   * @param random The random source (shared with the caller's own draws, so
   * a seeded sequence repeats).
   * @param label The name of new items, numbered.
   */
  constructor(
    model: Model,
    random: () => number,
    label = "Background item",
  ) {
    this.#model = model;
    this.#random = random;
    this.#label = label;
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

  /**
   * Draws one change and applies it at `at`.
   *
   * @param at The change's time (emulator clock).
   * @returns What kind of change was made, or undefined when the draw found
   * nothing to change (an empty board, an item that had left).
   */
  apply(at: number): RandomChangeKind | undefined {
    const model = this.#model;
    const boards = model.boards.filter((b) =>
      b.state === "active" && b.type === "board"
    );
    const board = this.#pick(boards);
    const user = this.#pick(model.users);
    if (!board || !user) return undefined;
    const actor: Actor = { userId: user.id, now: at };
    const groups = board.groups.filter((g) => !g.deleted && !g.archived);
    const roll = this.#random();
    try {
      if (roll < 0.15 || board.items.length === 0) {
        model.createItem(board, `${this.#label} ${++this.#created}`, {
          groupId: this.#pick(groups)?.id ?? null,
          ...actor,
        });
        return "create";
      }
      const item = this.#item(board.items, board.id);
      if (!item) return undefined;
      if (roll < 0.6) {
        const columns = board.columns.filter((c) =>
          ["status", "text", "numbers", "checkbox", "date"].includes(c.type)
        );
        const column = this.#pick(columns);
        if (!column) return undefined;
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
        return "value";
      } else if (roll < 0.68) {
        model.setValues(
          board,
          item,
          { name: `${item.name.replace(/ \(edited\)$/, "")} (edited)` },
          at,
          user.id,
        );
        return "name";
      } else if (roll < 0.76) {
        model.createUpdate(item, `<p>${this.#pick(TEXTS)}</p>`, actor);
        return "update";
      } else if (roll < 0.84) {
        const group = this.#pick(groups.filter((g) => g.id !== item.groupId));
        if (!group) return undefined;
        model.moveToGroup(item, group.id, actor);
        return "move";
      } else if (roll < 0.92) {
        model.archiveItem(item, actor);
        return "archive";
      } else {
        model.deleteItem(item, at, user.id);
        return "delete";
      }
    } catch (error) {
      if (error instanceof ModelError) return undefined;
      throw error;
    }
  }
}
