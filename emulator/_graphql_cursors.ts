/**
 * The server-side state behind `items_page` cursors: a cursor holds its
 * pagination's result set and position, and expires 60 minutes (emulator
 * clock) after the first request of that pagination.
 *
 * @module
 */

import { type ItemRecord, ModelError } from "./_model.ts";

const CURSOR_TTL_MS = 60 * 60_000;

/**
 * One pagination (an `items_page` and the `next_items_page` calls that follow
 * its cursors): a chain of requests that can only run one after another. The
 * endpoint adds up the pages and the latency applied to them, for
 * `stats().paginations`.
 */
export interface PaginationChain {
  /** The statistics epoch the figures belong to (`resetStats` starts a new one). */
  epoch: number;
  /** Pages served in this epoch. */
  pages: number;
  /** Latency applied to those pages, in ms. */
  delayMs: number;
}

/** What a cursor remembers. */
export interface CursorState {
  /** The board the pagination reads (items that left it are skipped). */
  boardId: string;
  /** The result set (a board's own item array when unfiltered: items are only ever appended to it). */
  items: ItemRecord[];
  /** The result set ends here (items appended after the pagination began are not in it). */
  end: number;
  offset: number;
  createdAt: number;
  /** The pagination this cursor continues (absent on a first page). */
  chain?: PaginationChain;
}

/**
 * Server-side state behind items_page cursors. A cursor lives 60 minutes
 * (emulator clock) from the first request of its pagination.
 *
 * @example Issue and read
 * ```ts
 * import assert from "node:assert/strict";
 * import { CursorStore } from "./_graphql_cursors.ts";
 * const store = new CursorStore({ now: () => 0 }, () => 0.5);
 * const token = store.issue({ boardId: "1", items: [], end: 0, offset: 0, createdAt: 0 });
 * assert.equal(store.read(token).boardId, "1");
 * ```
 */
export class CursorStore {
  #states = new Map<string, CursorState>();
  // Sweep when the store has doubled since the last sweep, so the cost of
  // sweeping stays constant per cursor issued however many are kept.
  #sweepAt = 50_000;
  #random: () => number;
  #clock: { now(): number };

  /**
   * Creates the store.
   *
   * @param clock The emulator clock.
   * @param random The seeded random source for cursor tokens.
   */
  constructor(clock: { now(): number }, random: () => number) {
    this.#clock = clock;
    this.#random = random;
  }

  /**
   * Issues a cursor.
   *
   * @param state The snapshot, position and the pagination's start.
   * @returns The cursor token.
   */
  issue(state: CursorState): string {
    if (this.#states.size > this.#sweepAt) {
      this.#sweep();
      this.#sweepAt = Math.max(50_000, this.#states.size * 2);
    }
    let token = "MSw";
    for (let i = 0; i < 4; i++) {
      token += Math.floor(this.#random() * 2 ** 32).toString(36).padStart(
        7,
        "0",
      );
    }
    token += this.#states.size.toString(36);
    this.#states.set(token, state);
    return token;
  }

  /**
   * Reads a cursor.
   *
   * @param token The cursor token.
   * @returns Its state.
   * @throws {ModelError} `CursorException` (message `CursorExpiredError: ...`) after 60 minutes,
   * `InvalidArgumentException` for an unknown cursor.
   */
  read(token: string): CursorState {
    const state = this.#states.get(token);
    if (!state) {
      throw new ModelError(
        "InvalidArgumentException",
        "The cursor is not valid: it was not issued by items_page",
        { data: {} },
      );
    }
    if (this.#clock.now() - state.createdAt >= CURSOR_TTL_MS) {
      throw new ModelError(
        "CursorException",
        "CursorExpiredError: The cursor provided for pagination has expired. Please restart pagination with items_page (cursors live 60 minutes)",
        { data: {} },
      );
    }
    return state;
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [token, state] of this.#states) {
      if (now - state.createdAt > 24 * CURSOR_TTL_MS) {
        this.#states.delete(token);
      }
    }
  }
}
