/**
 * A board read whole, group by group, so no cursor outlives its 60 minutes.
 *
 * @module
 */

import { isCursorExpiry } from "../graphql/mod.ts";
import type { MondayItem } from "./_model.ts";
import {
  groupItemsDocument,
  ITEMS_PAGE,
  nextItemsDocument,
  type SyncRequest,
} from "./_documents.ts";

/** What a group-by-group read needs besides the board. */
export interface GroupReadOptions {
  /** Sends one GraphQL request (and counts it). */
  request: SyncRequest;
  /** The item selection (`itemFields`). */
  fields: string;
  /** The clock (ms), to tell how old a cursor was when it failed. */
  now: () => number;
  /** Called with each page's item count as it arrives. */
  onItems: (count: number) => void;
  /** Called when a group's read restarts after its cursor expired. */
  onRestart: () => void;
}

/**
 * Reads every item of a board's groups. A group whose cursor expires is read
 * again from its start (at most twice); the other groups stand.
 *
 * @param boardId The board.
 * @param groupIds Its groups, in order.
 * @param options The request, the item selection, the clock and the counters.
 * @returns The items, each once (the last read of an item wins).
 * @throws {MondayApiError} If monday refuses a read, or a group's cursor
 * expires a third time.
 */
export async function readBoardGroups(
  boardId: string,
  groupIds: string[],
  options: GroupReadOptions,
): Promise<MondayItem[]> {
  const { request, fields, now } = options;
  const seen = new Map<string, MondayItem>();
  const first = groupItemsDocument(fields);
  const next = nextItemsDocument(fields);
  for (const groupId of groupIds) {
    for (let attempt = 0;; attempt++) {
      const collected: MondayItem[] = [];
      const issuedAt = now();
      try {
        const data = await request<
          {
            boards:
              | {
                groups:
                  | {
                    items_page: {
                      cursor: string | null;
                      items: MondayItem[];
                    };
                  }[]
                  | null;
              }[]
              | null;
          }
        >(first, {
          board: [boardId],
          group: [groupId],
          limit: ITEMS_PAGE,
        });
        let page = data.boards?.[0]?.groups?.[0]?.items_page;
        while (page) {
          collected.push(...page.items);
          options.onItems(page.items.length);
          if (!page.cursor) break;
          const more = await request<
            {
              next_items_page: {
                cursor: string | null;
                items: MondayItem[];
              };
            }
          >(next, { cursor: page.cursor, limit: ITEMS_PAGE });
          page = more.next_items_page;
        }
      } catch (error) {
        // Only this group is read again; the board's other groups stand.
        if (isCursorExpiry(error, now() - issuedAt) && attempt < 2) {
          options.onRestart();
          continue;
        }
        throw error;
      }
      for (const item of collected) seen.set(item.id, item);
      break;
    }
  }
  return [...seen.values()];
}
