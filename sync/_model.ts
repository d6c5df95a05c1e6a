/**
 * The table model: the normalized tables, the typed table of each board
 * (named `board_<id>`, one column per board column, typed by monday's column
 * type), and the conversion of monday's JSON into rows. No SQL here: the
 * adapters turn these specs into their dialect.
 *
 * Ids are kept as text everywhere: monday's `ID` scalar is a string and ids
 * may exceed 2^53.
 *
 * @module
 */

import type {
  Cell,
  ItemRows,
  SqlType,
  TableColumn,
  TableSpec,
} from "./target.ts";

function spec(
  name: string,
  columns: [string, SqlType][],
  primaryKey: string[],
): TableSpec {
  return {
    name,
    columns: columns.map(([n, type]) => ({ name: n, type })),
    primaryKey,
  };
}

/** `boards`: one row per board the account shows (every state). */
export const BOARDS: TableSpec = spec("boards", [
  ["id", "text"],
  ["name", "text"],
  ["description", "text"],
  ["state", "text"],
  ["board_kind", "text"],
  ["type", "text"],
  ["workspace_id", "text"],
  ["items_count", "integer"],
  ["updated_at", "timestamp"],
  ["table_name", "text"],
], ["id"]);

/** `groups`: the groups of each active board. */
export const GROUPS: TableSpec = spec("groups", [
  ["board_id", "text"],
  ["id", "text"],
  ["title", "text"],
  ["color", "text"],
  ["position", "text"],
], ["board_id", "id"]);

/** `columns`: the columns of each active board and their SQL names. */
export const COLUMNS: TableSpec = spec("columns", [
  ["board_id", "text"],
  ["id", "text"],
  ["title", "text"],
  ["type", "text"],
  ["description", "text"],
  ["settings", "json"],
  ["position", "integer"],
  ["sql_name", "text"],
], ["board_id", "id"]);

/** `items`: every active item of every active board. */
export const ITEMS: TableSpec = spec("items", [
  ["id", "text"],
  ["board_id", "text"],
  ["group_id", "text"],
  ["parent_item_id", "text"],
  ["name", "text"],
  ["state", "text"],
  ["creator_id", "text"],
  ["created_at", "timestamp"],
  ["updated_at", "timestamp"],
], ["id"]);

/** `column_values`: one row per item and column, as monday gives it. */
export const COLUMN_VALUES: TableSpec = spec("column_values", [
  ["item_id", "text"],
  ["column_id", "text"],
  ["board_id", "text"],
  ["type", "text"],
  ["text", "text"],
  ["value", "json"],
], ["item_id", "column_id"]);

/** `updates`: the updates (comments) on the items of each active board. */
export const UPDATES: TableSpec = spec("updates", [
  ["id", "text"],
  ["item_id", "text"],
  ["board_id", "text"],
  ["creator_id", "text"],
  ["body", "text"],
  ["text_body", "text"],
  ["created_at", "timestamp"],
  ["updated_at", "timestamp"],
], ["id"]);

/** `users`: the account's users (active, pending and inactive). */
export const USERS: TableSpec = spec("users", [
  ["id", "text"],
  ["name", "text"],
  ["email", "text"],
  ["title", "text"],
  ["kind", "text"],
  ["status", "text"],
  ["created_at", "timestamp"],
], ["id"]);

/** `workspaces`: the account's workspaces (every state). */
export const WORKSPACES: TableSpec = spec("workspaces", [
  ["id", "text"],
  ["name", "text"],
  ["kind", "text"],
  ["state", "text"],
  ["description", "text"],
  ["created_at", "timestamp"],
], ["id"]);

/** `teams`: the account's teams. */
export const TEAMS: TableSpec = spec("teams", [
  ["id", "text"],
  ["name", "text"],
  ["is_guest", "boolean"],
  ["created_at", "timestamp"],
], ["id"]);

/** `team_users`: who is in which team. */
export const TEAM_USERS: TableSpec = spec("team_users", [
  ["team_id", "text"],
  ["user_id", "text"],
], ["team_id", "user_id"]);

/** `tags`: the account's public tags. */
export const TAGS: TableSpec = spec("tags", [
  ["id", "text"],
  ["name", "text"],
  ["color", "text"],
], ["id"]);

/**
 * `audit_logs`: the Audit Log API's entries, oldest first (`seq`), each with
 * its id (the SHA-256 of its canonical JSON; identical entries share it),
 * appended by the audit export when an audit source is given.
 */
export const AUDIT_LOGS: TableSpec = spec("audit_logs", [
  ["seq", "integer"],
  ["id", "text"],
  ["timestamp", "timestamp"],
  ["account_id", "text"],
  ["user_id", "text"],
  ["event", "text"],
  ["slug", "text"],
  ["ip_address", "text"],
  ["user_agent", "text"],
  ["client_name", "text"],
  ["client_version", "text"],
  ["os_name", "text"],
  ["os_version", "text"],
  ["device_name", "text"],
  ["device_type", "text"],
  ["activity_metadata", "json"],
], ["seq"]);

/** The normalized tables the sync writes, in creation order. */
export const NORMALIZED: TableSpec[] = [
  BOARDS,
  GROUPS,
  COLUMNS,
  ITEMS,
  COLUMN_VALUES,
  UPDATES,
  USERS,
  WORKSPACES,
  TEAMS,
  TEAM_USERS,
  TAGS,
  AUDIT_LOGS,
];

/** The tables that hold per-board rows (kept in one transaction per board). */
export const BOARD_TABLES: readonly string[] = [
  "boards",
  "groups",
  "columns",
  "items",
  "column_values",
  "updates",
];

/** The tables replaced whole from account-wide lists. */
export const ACCOUNT_TABLES: readonly string[] = [
  "users",
  "workspaces",
  "teams",
  "team_users",
  "tags",
];

/** The fixed leading columns of every board table. */
const BOARD_TABLE_FIXED: TableColumn[] = [
  { name: "id", type: "text" },
  { name: "name", type: "text" },
  { name: "group_id", type: "text" },
  { name: "state", type: "text" },
  { name: "created_at", type: "timestamp" },
  { name: "updated_at", type: "timestamp" },
];

/** A board's column as read from monday. */
export interface MondayColumn {
  id: string;
  title: string;
  type: string;
  description?: string | null;
  settings?: unknown;
}

/** A column value as read from monday. */
export interface MondayValue {
  id: string;
  /** Not asked for by the sync (the column's type is used); kept if given. */
  type?: string;
  text: string | null;
  value: string | null;
  display_value?: string | null;
}

/** An update as read from monday. */
export interface MondayUpdate {
  id: string;
  item_id?: string | null;
  creator_id?: string | null;
  body?: string | null;
  text_body?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
}

/** An update's row in `updates`. */
export function updateRow(update: MondayUpdate, boardId: string): Cell[] {
  return [
    update.id,
    update.item_id ?? null,
    boardId,
    update.creator_id ?? null,
    update.body ?? null,
    update.text_body ?? null,
    update.created_at ?? null,
    update.updated_at ?? null,
  ];
}

/** An item as read from monday. */
export interface MondayItem {
  id: string;
  name: string;
  state?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  creator_id?: string | null;
  group?: { id: string } | null;
  board?: { id: string } | null;
  parent_item?: { id: string } | null;
  column_values: MondayValue[];
  updates?: MondayUpdate[] | null;
}

type Kind =
  | "number"
  | "date"
  | "boolean"
  | "people"
  | "timeline"
  | "display"
  | "text"
  | "skip";

/** Types whose text is empty and whose display value needs a fragment. */
export const DISPLAY_TYPES: Record<string, string> = {
  mirror: "MirrorValue",
  formula: "FormulaValue",
  board_relation: "BoardRelationValue",
  dependency: "DependencyValue",
};

function kindOf(type: string): Kind {
  switch (type) {
    case "name":
    case "subtasks":
      return "skip";
    case "numbers":
    case "rating":
      return "number";
    case "date":
      return "date";
    case "checkbox":
      return "boolean";
    case "people":
      return "people";
    case "timeline":
      return "timeline";
    default:
      return type in DISPLAY_TYPES ? "display" : "text";
  }
}

/** Turns a column title into a snake_case SQL name. */
export function sqlName(title: string): string {
  const base = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "")
    .slice(0, 48);
  if (base === "") return "column";
  return /^[0-9]/.test(base) ? `c_${base}` : base;
}

/** A board's typed table and how each column maps into it. */
export interface BoardTable {
  /** The table's definition. */
  spec: TableSpec;
  /** Column id → its first SQL name (recorded in `columns.sql_name`). */
  sqlNames: Map<string, string>;
  /**
   * Column id → its mappings (one, unless a board repeats an id) and the
   * index of each one's first cell in the board table's row, so an item's
   * values fill its row in one pass.
   */
  slots: Map<string, { kind: Kind; at: number }[]>;
  /** The row of an item without values (each column's empty cells). */
  emptyRow: Cell[];
  /** Column id → its type, for every board column. */
  types: Map<string, string>;
}

/** The name of a board's own table. */
export function boardTableName(boardId: string): string {
  return `board_${boardId}`;
}

/**
 * Builds a board's typed table from its columns: names are made from titles,
 * made unique (`_2`, `_3`…) and kept clear of the fixed columns.
 */
export function boardTable(
  boardId: string,
  columns: MondayColumn[],
  subitems: boolean,
): BoardTable {
  const fixed = subitems
    ? [...BOARD_TABLE_FIXED, { name: "parent_item_id", type: "text" } as const]
    : BOARD_TABLE_FIXED;
  const used = new Set(fixed.map((c) => c.name));
  const unique = (wanted: string): string => {
    let name = wanted;
    for (let n = 2; used.has(name); n++) name = `${wanted}_${n}`;
    used.add(name);
    return name;
  };
  const out: TableColumn[] = [...fixed];
  const sqlNames = new Map<string, string>();
  const slots = new Map<string, { kind: Kind; at: number }[]>();
  const types = new Map<string, string>();
  const emptyRow: Cell[] = fixed.map(() => null);
  for (const column of columns) {
    if (!types.has(column.id)) types.set(column.id, column.type);
    const kind = kindOf(column.type);
    if (kind === "skip") continue;
    const at = out.length;
    const base = sqlName(column.title);
    let names: string[];
    if (kind === "people") {
      const name = unique(base);
      names = [name, unique(`${name}_ids`)];
      out.push({ name: names[0]!, type: "text" }, {
        name: names[1]!,
        type: "text",
      });
    } else if (kind === "timeline") {
      const name = unique(base);
      names = [unique(`${name}_from`), unique(`${name}_to`)];
      out.push({ name: names[0]!, type: "date" }, {
        name: names[1]!,
        type: "date",
      });
    } else {
      names = [unique(base)];
      const type: SqlType = kind === "number"
        ? "real"
        : kind === "date"
        ? "date"
        : kind === "boolean"
        ? "boolean"
        : "text";
      out.push({ name: names[0]!, type });
    }
    sqlNames.set(column.id, names[0]!);
    const slot = slots.get(column.id);
    if (slot) slot.push({ kind, at });
    else slots.set(column.id, [{ kind, at }]);
    // A column without a value: false for a checkbox, else null.
    for (let i = 0; i < names.length; i++) {
      emptyRow.push(kind === "boolean" ? false : null);
    }
  }
  return {
    spec: { name: boardTableName(boardId), columns: out, primaryKey: ["id"] },
    sqlNames,
    slots,
    emptyRow,
    types,
  };
}

/**
 * A stable fingerprint of a board's definition: its table's columns and every
 * board column (those without a table column too, e.g. a new subitems column
 * adds a value to every item).
 */
export function tableSignature(
  table: TableSpec,
  columns: MondayColumn[] = [],
): string {
  return table.columns.map((c) => `${c.name}:${c.type}`).join(",") + "|" +
    columns.map((c) => `${c.id}:${c.type}`).join(",");
}

function parseJson(text: string | null | undefined): unknown {
  if (typeof text !== "string" || text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: unknown): string | null {
  return typeof value === "string" && DAY.test(value) ? value : null;
}

function blank(text: string | null | undefined): string | null {
  return typeof text === "string" && text !== "" ? text : null;
}

/** The text a value shows: its display value where monday gives one. */
export function displayText(value: MondayValue): string | null {
  return blank(value.display_value) ?? blank(value.text);
}

/**
 * Writes one value's cells into `row` from index `at`. `parsed` is its value
 * JSON, parsed once by the caller.
 */
function fill(
  row: Cell[],
  at: number,
  kind: Kind,
  value: MondayValue,
  parsed: unknown,
): void {
  switch (kind) {
    case "number": {
      const text = blank(value.text);
      const number = text === null ? Number.NaN : Number(text);
      row[at] = Number.isFinite(number) ? number : null;
      return;
    }
    case "date":
      row[at] = day(record(parsed).date);
      return;
    case "boolean": {
      const checked = record(parsed).checked;
      row[at] = checked === true || checked === "true";
      return;
    }
    case "people": {
      const entries = record(parsed).personsAndTeams;
      const ids = Array.isArray(entries)
        ? entries.map((e) => String(record(e).id ?? "")).filter((s) => s)
        : [];
      row[at] = blank(value.text);
      row[at + 1] = ids.length ? ids.join(",") : null;
      return;
    }
    case "timeline": {
      const r = record(parsed);
      row[at] = day(r.from);
      row[at + 1] = day(r.to);
      return;
    }
    default:
      row[at] = displayText(value);
  }
}

/**
 * Converts one item into its rows in `items`, `column_values` and its board
 * table. One pass over its values; each value's JSON is parsed once.
 */
export function itemRows(
  item: MondayItem,
  boardId: string,
  table: BoardTable,
): ItemRows {
  const id = item.id;
  const group = item.group?.id ?? null;
  const parent = item.parent_item?.id ?? null;
  const state = item.state ?? "active";
  const created = item.created_at ?? null;
  const updated = item.updated_at ?? null;
  const row = table.emptyRow.slice();
  row[0] = id;
  row[1] = item.name;
  row[2] = group;
  row[3] = state;
  row[4] = created;
  row[5] = updated;
  if (table.spec.columns[6]?.name === "parent_item_id") row[6] = parent;
  const list = item.column_values;
  let values: Cell[][] = new Array(list.length);
  // A column id repeated in one item (monday should not, a server might):
  // one row per column, the last value's, as a primary key demands.
  let seen: Set<string> | undefined = new Set();
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (seen?.has(v.id)) seen = undefined;
    else seen?.add(v.id);
    const raw = v.value;
    const parsed = typeof raw === "string" ? parseJson(raw) : null;
    values[i] = [
      id,
      v.id,
      boardId,
      v.type ?? table.types.get(v.id) ?? null,
      displayText(v),
      parsed !== null ? raw as string : null,
    ];
    // A repeated column id: the last value counts.
    const slots = table.slots.get(v.id);
    if (slots) {
      for (const { kind, at } of slots) fill(row, at, kind, v, parsed);
    }
  }
  if (seen === undefined) {
    const last = new Map(values.map((value) => [value[1] as string, value]));
    values = [...last.values()];
  }
  return {
    id,
    item: [
      id,
      boardId,
      group,
      parent,
      item.name,
      state,
      item.creator_id ?? null,
      created,
      updated,
    ],
    values,
    row,
  };
}

/** Column types whose value links to other items. */
export const LINK_TYPES: string[] = ["board_relation", "dependency"];

/** The item ids a board-relation or dependency value links to. */
export function linkedIds(value: string | null): string[] {
  const parsed = record(parseJson(value));
  const out: string[] = [];
  for (const key of ["linkedPulseIds", "linked_item_ids"]) {
    const list = parsed[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const id = typeof entry === "object" && entry !== null
        ? record(entry).linkedPulseId ?? record(entry).id
        : entry;
      if (
        (typeof id === "number" && Number.isSafeInteger(id)) ||
        (typeof id === "string" && /^\d+$/.test(id))
      ) out.push(String(id));
    }
  }
  return out;
}

/**
 * The boards a link column's settings name (`boardIds`), or `undefined`
 * when they name none (then it may link anywhere).
 */
export function linkedBoards(settings: unknown): string[] | undefined {
  const parsed = record(
    typeof settings === "string" ? parseJson(settings) : settings,
  );
  const ids = parsed.boardIds ?? parsed.boardId;
  const list = Array.isArray(ids) ? ids : ids === undefined ? [] : [ids];
  const out = list.map((id) => String(id)).filter((id) => /^\d+$/.test(id));
  return out.length ? out : undefined;
}
