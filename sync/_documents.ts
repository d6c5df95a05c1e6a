/**
 * The GraphQL documents the sync sends. Each is valid against monday's
 * schema (tests/sync/documents_test.ts proves it).
 *
 * @module
 */

import { DISPLAY_TYPES } from "./_model.ts";

/**
 * Asked with every page: its exact cost, so the client's scheduler admits
 * the pages that follow by what they cost, not by a guess (2 points).
 */
const COST = "complexity { query }";

/** Boards are listed this many per page. */
export const BOARDS_PAGE = 100;
/** Boards whose structure and logs are read in one request. */
export const STRUCTURE_BATCH = 25;
/** Activity logs per page (monday's maximum). */
export const LOGS_PAGE = 1000;
/** The most activity logs monday returns for one query. */
export const LOGS_CAP = 10_000;
/** Items re-read by id per request (monday's maximum). */
export const IDS_BATCH = 100;
/** Items per page of a full read (monday's maximum). */
export const ITEMS_PAGE = 500;
/** Users per page. */
export const USERS_PAGE = 500;

/** Every board of the account, in every state, one page. */
export const BOARDS_DOCUMENT =
  `query SyncBoards($limit: Int!, $page: Int!) { boards(limit: $limit, page: $page, state: all) { id name description state board_kind type workspace_id items_count updated_at } }`;

/** The account's users, one page. */
export const USERS_DOCUMENT =
  `query SyncUsers($limit: Int!, $page: Int!) { users(limit: $limit, page: $page) { id name email title kind status created_at } }`;

/** The account's workspaces, every state, one page. */
export const WORKSPACES_DOCUMENT =
  `query SyncWorkspaces($limit: Int!, $page: Int!) { workspaces(limit: $limit, page: $page, state: all) { id name kind state description created_at } }`;

/** Workspaces per page. */
export const WORKSPACES_PAGE = 100;

/** The account's teams and their members, and its public tags. */
export const TEAMS_TAGS_DOCUMENT =
  `query SyncTeamsTags { teams { id name is_guest created_at users { id } } tags { id name color } }`;

const STRUCTURE =
  "id groups { id title color position } columns { id title type description settings }";

/** Boards' groups and columns, and their activity logs since a time. */
export const STRUCTURE_LOGS_DOCUMENT =
  `query SyncStructure($ids: [ID!], $from: ISO8601DateTime, $limit: Int!, $page: Int!) { boards(ids: $ids, limit: ${STRUCTURE_BATCH}) { ${STRUCTURE} activity_logs(from: $from, limit: $limit, page: $page) { id event entity created_at data } } }`;

/** More activity logs of one board. */
export const LOGS_DOCUMENT =
  `query SyncLogs($ids: [ID!], $from: ISO8601DateTime, $limit: Int!, $page: Int!) { boards(ids: $ids) { id activity_logs(from: $from, limit: $limit, page: $page) { id event entity created_at data } } }`;

/** An update's selection. */
export const UPDATE_FIELDS =
  "id item_id creator_id body text_body created_at updated_at";

/** Updates per page (monday's maximum). */
export const UPDATES_PAGE = 100;

/** One page of a board's updates. */
export const BOARD_UPDATES_DOCUMENT =
  `query SyncBoardUpdates($ids: [ID!], $limit: Int!, $page: Int!) { boards(ids: $ids) { updates(limit: $limit, page: $page) { ${UPDATE_FIELDS} } } }`;

/** One page of an item's updates. */
export const ITEM_UPDATES_DOCUMENT =
  `query SyncItemUpdates($ids: [ID!], $limit: Int!, $page: Int!) { items(ids: $ids) { id updates(limit: $limit, page: $page) { ${UPDATE_FIELDS} } } }`;

/**
 * The selection of an item, with display values for the types named, and
 * its first page of updates when asked. A value's `type` is not asked for:
 * its column's type (from the board's structure) is the same, and leaving
 * it out makes a 500-item page about an eighth smaller.
 */
export function itemFields(
  displayTypes: Iterable<string>,
  updates = false,
): string {
  const fragments = [...new Set(displayTypes)].filter((t) => t in DISPLAY_TYPES)
    .sort().map((t) => ` ... on ${DISPLAY_TYPES[t]} { display_value }`).join(
      "",
    );
  return `id name state created_at updated_at creator_id group { id } board { id } parent_item { id } column_values { id text value${fragments} }${
    updates ? ` updates(limit: ${UPDATES_PAGE}) { ${UPDATE_FIELDS} }` : ""
  }`;
}

/** The first page of one group's items. */
export function groupItemsDocument(fields: string): string {
  return `query SyncGroupItems($board: [ID!], $group: [String], $limit: Int!) { boards(ids: $board) { groups(ids: $group) { id items_page(limit: $limit) { cursor items { ${fields} } } } } ${COST} }`;
}

/** The next page of an items cursor. */
export function nextItemsDocument(fields: string): string {
  return `query SyncNextItems($cursor: String!, $limit: Int!) { next_items_page(cursor: $cursor, limit: $limit) { cursor items { ${fields} } } ${COST} }`;
}

/** Items by id (in any state). */
export function itemsByIdDocument(fields: string): string {
  return `query SyncItems($ids: [ID!], $limit: Int!) { items(ids: $ids, limit: $limit) { ${fields} } ${COST} }`;
}

/** Sends one GraphQL request of the sync (checking cancellation, counting it). */
export type SyncRequest = <T>(
  document: string,
  variables: Record<string, unknown>,
) => Promise<T>;
