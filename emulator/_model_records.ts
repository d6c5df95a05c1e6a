/**
 * The records of the emulator's account (users, teams, tags, workspaces,
 * boards, groups, columns, items, updates), its constants, its error, and
 * the small builders the store and the seed share. Apart from `_model.ts` so
 * that the seed and the event recorder can use them without importing the
 * store that uses them.
 *
 * @module
 */

import {
  type ColumnKind,
  type ColumnRecord,
  defaultSettings,
} from "./_column_values.ts";

export type { CellValue, ColumnKind, ColumnRecord } from "./_column_values.ts";
export { STATUS_LABELS } from "./_column_values.ts";

/** A user of the emulated account. */
export interface UserRecord {
  id: string;
  name: string;
  email: string;
  title: string;
  kind: "admin" | "member" | "guest";
  createdAt: number;
  timeZone: string;
}

/** A team. */
export interface TeamRecord {
  id: string;
  name: string;
  userIds: string[];
  ownerIds: string[];
  createdAt: number;
}

/** A tag. */
export interface TagRecord {
  id: string;
  name: string;
  color: string;
}

/** A workspace. */
export interface WorkspaceRecord {
  id: string;
  name: string;
  kind: "open" | "closed";
  state: "active" | "archived" | "deleted";
  description: string | null;
  createdAt: number;
}

/** An update (a comment on an item). */
export interface UpdateRecord {
  id: string;
  itemId: string;
  boardId: string;
  body: string;
  creatorId: string;
  createdAt: number;
  updatedAt: number;
  deleted: boolean;
}

/** A board group. */
export interface GroupRecord {
  id: string;
  title: string;
  color: string;
  position: string;
  deleted: boolean;
  archived: boolean;
}

/** A file uploaded to a file column. */
export interface AssetRecord {
  id: string;
  name: string;
  extension: string;
  size: number;
  createdAt: number;
  uploadedBy: string;
  itemId: string;
}

/** An item's state, as `Item.state` serves it. */
export type ItemState = "active" | "archived" | "deleted";

/** An item (row). */
export interface ItemRecord {
  id: string;
  /** Index used to compute seeded column values; -1 once values are stored. */
  seedIndex: number;
  /** Hash index of the board whose seed computes its values. */
  seedBoard: number;
  boardId: string;
  groupId: string;
  name: string;
  creatorId: string;
  createdAt: number;
  updatedAt: number;
  state: ItemState;
  /** The parent item of a subitem. */
  parentId?: string;
  /** Subitem ids of a parent item, in creation order. */
  subitemIds?: string[];
  /** Column values set by mutations: column id → value JSON (null = cleared). */
  values?: Map<string, string | null>;
}

/** A board. */
export interface BoardRecord {
  id: string;
  name: string;
  description: string | null;
  kind: "public" | "private" | "share";
  type: "board" | "sub_items_board";
  state: "active" | "archived" | "deleted";
  ownerId: string;
  createdAt: number;
  updatedAt: number;
  workspaceId: string;
  /** Index into the seed hash (creation order). */
  hashIndex: number;
  /** The sub_items_board's parent board. */
  parentBoardId?: string;
  columns: ColumnRecord[];
  groups: GroupRecord[];
  /**
   * Items that were ever on the board, in order. Replaced (not spliced) when
   * an item leaves, so that cursors keep their snapshot; check `boardId` and
   * `state` when reading.
   */
  items: ItemRecord[];
}

/** Options for {@linkcode Model}. */
export interface ModelOptions {
  seed: number;
  boards: number;
  /** Items on the first board. */
  items: number;
  users: number;
  now: number;
  /** Items on every other board (default 5). */
  itemsPerBoard?: number;
  /** Subitems per item on every board (default 0: no subitems boards). */
  subitems?: number;
  /** The emulator clock (activity-log time); defaults to a fixed `now`. */
  clock?: { now(): number };
  /** Activity-log retention in ms (undefined keeps everything). */
  activityLogRetentionMs?: number;
  /** Random source for activity-log ids. */
  random?: () => number;
}

/** Who makes a change, and when. */
export interface Actor {
  userId: string;
  now: number;
}

/** Seeded item ids start here on the first board. */
export const FIRST_ITEM_ID = 1_000_000_001;
/** The account id every record belongs to. */
export const ACCOUNT_ID = "9000001";
/** The main workspace's id. */
export const MAIN_WORKSPACE_ID = "1000001";

const GROUP_COLORS = ["#579bfc", "#00c875", "#e2445c", "#fdab3d", "#a25ddc"];
/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Thrown by model operations; carries a monday error code. */
export class ModelError extends Error {
  /** monday's error code, e.g. `InvalidBoardIdException`. */
  readonly code: string;
  /** Extra data for `extensions.error_data`. */
  readonly data: Record<string, unknown>;
  /** The `status_code` monday reports with it. */
  readonly statusCode: number;

  /**
   * Creates the error.
   *
   * @param code monday's error code.
   * @param message The message.
   * @param options Error data and status code (default 200).
   */
  constructor(
    code: string,
    message: string,
    options: { data?: Record<string, unknown>; statusCode?: number } = {},
  ) {
    super(message);
    this.name = "ModelError";
    this.code = code;
    this.data = options.data ?? {};
    this.statusCode = options.statusCode ?? 200;
  }
}

let lastIsoMs = Number.NaN;
let lastIso = "";

/**
 * ISO 8601 at second precision (`2026-11-01T00:00:00Z`).
 *
 * @param ms Milliseconds since the epoch.
 * @returns The string.
 */
export function isoSeconds(ms: number): string {
  // Cells of one item are rendered one after another: remember the last one.
  if (ms !== lastIsoMs) {
    lastIsoMs = ms;
    lastIso = new Date(ms).toISOString().slice(0, 19) + "Z";
  }
  return lastIso;
}

/**
 * A group record.
 *
 * @param id The id.
 * @param title The title.
 * @param position Its position index.
 * @returns The group.
 */
export function newGroup(
  id: string,
  title: string,
  position: number,
): GroupRecord {
  return {
    id,
    title,
    color: GROUP_COLORS[position % GROUP_COLORS.length]!,
    position: String(65536 * (position + 1)),
    deleted: false,
    archived: false,
  };
}

/**
 * A column record.
 *
 * @param id The id.
 * @param title The title.
 * @param type The kind.
 * @param settings Its settings.
 * @returns The column.
 */
export function newColumn(
  id: string,
  title: string,
  type: ColumnKind,
  settings: Record<string, unknown> = defaultSettings(type),
): ColumnRecord {
  return {
    id,
    title,
    type,
    description: null,
    width: null,
    settings,
    revision: 1,
  };
}

/**
 * The columns of a new (non-empty) board and of the first seeded board.
 *
 * @returns Fresh column records.
 */
export function basicColumns(): ColumnRecord[] {
  return [
    newColumn("name", "Name", "name"),
    newColumn("person", "Person", "people"),
    newColumn("status", "Status", "status"),
    newColumn("date4", "Date", "date"),
    newColumn("numbers", "Numbers", "numbers"),
    newColumn("text", "Text", "text"),
    newColumn("long_text", "Notes", "long_text"),
    newColumn("checkbox", "Checkbox", "checkbox"),
    newColumn("email", "Email", "email"),
    newColumn("files", "Files", "file"),
  ];
}

function stripHtml(body: string): string {
  return body.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
}

/**
 * The text of an update body without its HTML (`text_body`).
 *
 * @param body The HTML body.
 * @returns The text.
 */
export function textBody(body: string): string {
  return stripHtml(body);
}

/** The fields a new board is made from (`Model.addBoard`). */
export interface NewBoardFields {
  name: string;
  kind: BoardRecord["kind"];
  type?: BoardRecord["type"];
  ownerId: string;
  createdAt: number;
  workspaceId: string;
  description?: string | null;
  columns: ColumnRecord[];
  groups: GroupRecord[];
  parentBoardId?: string;
}

/**
 * The part of the store the seed fills (the store implements it; the seed
 * does not import the store).
 */
export interface SeedTarget {
  readonly users: UserRecord[];
  readonly teams: TeamRecord[];
  readonly workspaces: WorkspaceRecord[];
  readonly boards: BoardRecord[];
  readonly createdAt: number;
  addUser(user: UserRecord): void;
  addTag(name: string, color: string): TagRecord;
  addBoard(fields: NewBoardFields): BoardRecord;
  addItem(
    board: BoardRecord,
    fields: Omit<ItemRecord, "id" | "seedBoard" | "boardId" | "state">,
  ): ItemRecord;
  addSubitemsBoard(board: BoardRecord, now: number): BoardRecord;
  addUpdate(item: ItemRecord, body: string, actor: Actor): UpdateRecord;
}
