/**
 * A board read whole, its groups in parallel: each group is its own cursor
 * chain (monday offers no other split of one board's items), so no cursor
 * outlives its 60 minutes, and the pages are handed over as they arrive;
 * nothing here holds more than a page per group.
 *
 * @module
 */

import { isCursorExpiry } from "../graphql/mod.ts";
import type { MondayItem } from "./_model.ts";
import {
  groupItemsDocument,
  ITEMS_PAGE,
  nextItemsDocument,
} from "./_documents.ts";

/** Sends one request of a group's chain. */
export type GroupRequest = <T>(
  document: string,
  variables: Record<string, unknown>,
) => Promise<T>;

/** What a group-by-group read needs besides the board. */
export interface GroupReadOptions {
  /** Sends one request of the named group's chain (and counts it). */
  request: (groupId: string) => GroupRequest;
  /** The item selection (`itemFields`). */
  fields: string;
  /** The clock (ms), to tell how old a cursor was when it failed. */
  now: () => number;
  /**
   * Takes each page's items as it arrives (the group's next page is already
   * asked for while it runs). A group read again after its cursor expired
   * hands its items over again: the last read of an item wins.
   */
  onPage: (items: MondayItem[]) => Promise<void>;
  /** Called when a group's read restarts after its cursor expired. */
  onRestart: () => void;
}

interface FirstPage {
  boards:
    | {
      groups:
        | { items_page: { cursor: string | null; items: MondayItem[] } }[]
        | null;
    }[]
    | null;
}

interface NextPage {
  next_items_page: { cursor: string | null; items: MondayItem[] };
}

/**
 * Reads every item of a board's groups, the groups at once (each request
 * goes through `options.request`, which bounds and orders them). A group
 * whose cursor expires is read again from its start (at most twice); the
 * other groups stand.
 *
 * @param boardId The board.
 * @param groupIds Its groups, the longest first.
 * @param options The request, the item selection, the clock, the page sink
 * and the restart counter.
 * @returns Once every group was read and handed over.
 * @throws {MondayApiError} If monday refuses a read, or a group's cursor
 * expires a third time (after every other group settled).
 */
export async function readBoardGroups(
  boardId: string,
  groupIds: string[],
  options: GroupReadOptions,
): Promise<void> {
  const first = groupItemsDocument(options.fields);
  const next = nextItemsDocument(options.fields);
  const results = await Promise.allSettled(
    groupIds.map((groupId) =>
      readGroup(boardId, groupId, first, next, options)
    ),
  );
  for (const result of results) {
    if (result.status === "rejected") throw result.reason;
  }
}

async function readGroup(
  boardId: string,
  groupId: string,
  first: string,
  next: string,
  options: GroupReadOptions,
): Promise<void> {
  const { now } = options;
  const request = options.request(groupId);
  for (let attempt = 0;; attempt++) {
    const issuedAt = now();
    try {
      const data = await request<FirstPage>(first, {
        board: [boardId],
        group: [groupId],
        limit: ITEMS_PAGE,
      });
      let page = data.boards?.[0]?.groups?.[0]?.items_page;
      while (page) {
        // The next page is asked for before this one is written: the chain
        // of a group is what bounds a big board, so writing must not add
        // to each of its links. At most one page waits per group.
        const more = page.cursor
          ? request<NextPage>(next, { cursor: page.cursor, limit: ITEMS_PAGE })
          : undefined;
        // It may fail while the page is written (a cancel, a network error):
        // marked handled now, its error still reaches the `await` below.
        more?.catch(() => {});
        await options.onPage(page.items);
        page = undefined; // let the page go before the next one arrives
        if (!more) break;
        page = (await more).next_items_page;
      }
      return;
    } catch (error) {
      // Only this group is read again; the board's other groups stand.
      if (isCursorExpiry(error, now() - issuedAt) && attempt < 2) {
        options.onRestart();
        continue;
      }
      throw error;
    }
  }
}
