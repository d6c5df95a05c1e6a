/**
 * Walks every item of a board with `items_page` and `next_items_page`,
 * surviving expired cursors.
 *
 * @module
 */

import {
  checkSelection,
  itemsPageDocument,
  nextItemsPageDocument,
} from "./_documents.ts";
import { isCursorExpiry } from "./cursor_expiry.ts";
import { type MondayApiError, NotFoundError } from "./errors.ts";

import type { GraphQLRequester } from "./types.ts";

/** An item as `paginateItems` yields it: `id` plus the selected fields. */
export interface Item {
  /** The item's id. */
  id: string;
  /** The other selected fields. */
  [field: string]: unknown;
}

/** Options of {@linkcode paginateItems}. */
export interface PaginateItemsOptions {
  /**
   * Items per request, 1 to 500.
   *
   * @default {500}
   */
  pageSize?: number;
  /**
   * The item fields to select, as a GraphQL selection; `id` is always
   * selected too.
   *
   * @default {"name"}
   */
  fields?: string;
  /**
   * `items_page`'s `query_params` (an `ItemsQuery`: `rules`, `operator`,
   * `order_by`, `ids`).
   *
   * @default {undefined} (every item)
   */
  queryParams?: Record<string, unknown>;
  /** Stops the walk (the pending request is aborted). */
  signal?: AbortSignal;
  /**
   * The `API-Version` for these requests.
   *
   * @default {the client's}
   */
  apiVersion?: string;
  /**
   * How many times in a row a cursor may expire without any new item before
   * the walk gives up, throwing the last expiry error.
   *
   * @default {3}
   */
  maxRestarts?: number;
  /**
   * The current time in milliseconds, to tell a cursor past its 60-minute
   * lifetime (`MondayClient.paginateItems` passes the client's clock).
   *
   * @default {Date.now}
   */
  now?: () => number;
}

interface ItemsPage<TItem> {
  cursor: string | null;
  items: TItem[];
}

/**
 * Yields every item of a board: the first page through
 * `boards(ids) { items_page }`, the next ones through `next_items_page`.
 *
 * Expired cursors: a cursor lives 60 minutes. When one expires mid-way, the
 * walk starts again from the first page with the same `queryParams` and
 * skips the items it has already yielded (it remembers their ids), so the
 * caller sees each item once. Items added to the board meanwhile may or may
 * not appear, as with any cursor.
 *
 * monday does not document the expired-cursor error's code, so the walk does
 * not rely on one: besides a {@linkcode CursorExpiredError}, any
 * non-retryable error from `next_items_page` counts as an expiry when the
 * cursor is past its 60-minute lifetime or the message speaks of the cursor,
 * whatever its code. Errors a restart cannot cure (credentials, permissions,
 * rate and daily limits, the API version) are thrown as they are.
 *
 * @param client The client that sends the requests.
 * @param boardId The board's id.
 * @param options Page size, fields, filters and signal.
 * @returns An async iterable of items.
 * @throws {TypeError} When `boardId` or `fields` is malformed.
 * @throws {RangeError} When `pageSize` is outside 1..500.
 * @throws {NotFoundError} (while iterating) When the board does not exist or is not visible.
 *
 * @example Count a board's items
 * ```ts
 * import { MondayClient } from "./client.ts";
 * import { paginateItems } from "./paginate_items.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 *
 * await using emulator = await startEmulator({ items: 120 });
 * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
 * const { boards } = await client.request<{ boards: { id: string }[] }>("query { boards(limit: 1) { id } }");
 * let count = 0;
 * for await (const _item of paginateItems(client, boards[0]!.id, { pageSize: 50 })) count++;
 * console.log(count);
 * ```
 */
export function paginateItems<TItem extends Item = Item>(
  client: GraphQLRequester,
  boardId: string | number,
  options: PaginateItemsOptions = {},
): AsyncGenerator<TItem, void, undefined> {
  const id = typeof boardId === "number" ? String(boardId) : boardId;
  if (typeof id !== "string" || !/^\d+$/.test(id)) {
    throw new TypeError(
      `Invalid 'boardId': expected a numeric id, got '${String(boardId)}'`,
    );
  }
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) {
    throw new RangeError(
      `Invalid 'pageSize': expected an integer from 1 to 500, got '${pageSize}'`,
    );
  }
  const fields = checkSelection(options.fields ?? "name", "fields");
  const maxRestarts = options.maxRestarts ?? 3;
  return walk<TItem>(client, id, pageSize, fields, maxRestarts, options);
}

async function* walk<TItem extends Item>(
  client: GraphQLRequester,
  boardId: string,
  pageSize: number,
  fields: string,
  maxRestarts: number,
  options: PaginateItemsOptions,
): AsyncGenerator<TItem, void, undefined> {
  const first = itemsPageDocument(fields);
  const next = nextItemsPageDocument(fields);
  const requestOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
  };
  const yielded = new Set<string>();
  const now = options.now ?? Date.now;
  let fruitlessRestarts = 0;
  while (true) {
    const issuedAt = now();
    const data = await client.request<
      { boards: ({ items_page: ItemsPage<TItem> } | null)[] | null }
    >(first, {
      boardIds: [boardId],
      limit: pageSize,
      ...(options.queryParams ? { queryParams: options.queryParams } : {}),
    }, requestOptions);
    const board = data.boards?.[0];
    if (!board) {
      throw new NotFoundError(
        `Cannot list items: board '${boardId}' does not exist or is not visible`,
      );
    }
    let page: ItemsPage<TItem> = board.items_page;
    let expired: MondayApiError | undefined;
    while (true) {
      for (const item of page.items) {
        const key = String(item.id);
        if (yielded.has(key)) continue;
        options.signal?.throwIfAborted();
        yielded.add(key);
        fruitlessRestarts = 0;
        yield item;
      }
      if (!page.cursor) return;
      options.signal?.throwIfAborted();
      try {
        const more = await client.request<
          { next_items_page: ItemsPage<TItem> }
        >(next, { cursor: page.cursor, limit: pageSize }, requestOptions);
        page = more.next_items_page;
      } catch (error) {
        if (!isCursorExpiry(error, now() - issuedAt)) throw error;
        expired = error;
        break;
      }
    }
    if (++fruitlessRestarts > maxRestarts) throw expired;
  }
}
