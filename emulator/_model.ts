/**
 * The emulator's in-memory monday.com account: users, boards, groups,
 * columns and items with column values, seeded deterministically.
 *
 * Items are cheap records; their seeded column values are computed on demand
 * from a hash of (seed, item, column), and only values changed by a mutation
 * are stored, so a board of 100,000 items seeds in milliseconds.
 *
 * @module
 */

import { createRandom, hashInts } from "./_random.ts";

/** Column types the emulator serves. */
export type ColumnKind =
  | "name"
  | "text"
  | "long_text"
  | "status"
  | "numbers"
  | "date"
  | "people"
  | "checkbox"
  | "email"
  | "file";

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

/** A board column. */
export interface ColumnRecord {
  id: string;
  title: string;
  type: ColumnKind;
  description: string | null;
  width: number | null;
  settings: Record<string, unknown>;
}

/** A board group. */
export interface GroupRecord {
  id: string;
  title: string;
  color: string;
  position: string;
  deleted: boolean;
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

/** An item (row). */
export interface ItemRecord {
  id: string;
  /** Index used to compute seeded column values; -1 for created items. */
  seedIndex: number;
  boardId: string;
  groupId: string;
  name: string;
  creatorId: string;
  createdAt: number;
  updatedAt: number;
  deleted: boolean;
  /** Column values set by mutations: column id → value JSON (null = cleared). */
  values?: Map<string, string | null>;
}

/** A board. */
export interface BoardRecord {
  id: string;
  name: string;
  description: string | null;
  kind: "public" | "private" | "share";
  state: "active" | "archived" | "deleted";
  ownerId: string;
  createdAt: number;
  updatedAt: number;
  workspaceId: string;
  columns: ColumnRecord[];
  groups: GroupRecord[];
  items: ItemRecord[];
}

/** Options for {@linkcode Model}. */
export interface ModelOptions {
  seed: number;
  boards: number;
  items: number;
  users: number;
  now: number;
}

/** The status labels every status column carries. */
export const STATUS_LABELS: Record<string, string> = {
  "0": "Working on it",
  "1": "Done",
  "2": "Stuck",
  "5": "",
};

const FIRST_NAMES = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "John",
  "Katherine",
  "Linus",
  "Margaret",
  "Niklaus",
  "Radia",
  "Tim",
  "Ken",
  "Hedy",
];
const LAST_NAMES = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Backus",
  "Johnson",
  "Torvalds",
  "Hamilton",
  "Wirth",
  "Perlman",
  "Berners",
  "Thompson",
  "Lamarr",
];
const TITLES = ["Engineer", "Designer", "Manager", "Analyst", "Director"];
const WORDS = [
  "Plan",
  "Review",
  "Ship",
  "Draft",
  "Fix",
  "Design",
  "Test",
  "Launch",
  "Audit",
  "Migrate",
  "Document",
  "Refactor",
];
const NOUNS = [
  "roadmap",
  "invoice",
  "landing page",
  "API",
  "release",
  "budget",
  "onboarding",
  "report",
  "dashboard",
  "contract",
];
const TEXTS = ["Call back", "Waiting on legal", "Ready", "Blocked", "Q4"];
const GROUP_COLORS = ["#579bfc", "#00c875", "#e2445c", "#fdab3d", "#a25ddc"];

const DAY_MS = 86_400_000;

/** Seeded item ids start here on the first board. */
export const FIRST_ITEM_ID = 1_000_000_001;
const FIRST_BOARD_ID = 5_000_000_001;
const FIRST_USER_ID = 40_000_001;
/** The account id every record belongs to. */
export const ACCOUNT_ID = "9000001";

function defaultColumns(): ColumnRecord[] {
  return [
    column("name", "Name", "name"),
    column("person", "Person", "people"),
    column("status", "Status", "status", { labels: STATUS_LABELS }),
    column("date4", "Date", "date"),
    column("numbers", "Numbers", "numbers"),
    column("text", "Text", "text"),
    column("long_text", "Notes", "long_text"),
    column("checkbox", "Checkbox", "checkbox"),
    column("email", "Email", "email"),
    column("files", "Files", "file"),
  ];
}

function column(
  id: string,
  title: string,
  type: ColumnKind,
  settings: Record<string, unknown> = {},
): ColumnRecord {
  return { id, title, type, description: null, width: null, settings };
}

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

/** A column value as monday serves it: raw JSON string plus display text. */
export interface CellValue {
  value: string | null;
  text: string;
  /** The parsed value (absent when empty). */
  data?: unknown;
}

const EMPTY: CellValue = Object.freeze({ value: null, text: "" });
const STATUS_INDEXES = ["0", "1", "2", "5"];

let lastIsoMs = Number.NaN;
let lastIso = "";

function isoSeconds(ms: number): string {
  // Cells of one item are rendered one after another: remember the last one.
  if (ms !== lastIsoMs) {
    lastIsoMs = ms;
    lastIso = new Date(ms).toISOString().slice(0, 19) + "Z";
  }
  return lastIso;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The in-memory account.
 */
export class Model {
  readonly seed: number;
  readonly users: UserRecord[] = [];
  readonly boards: BoardRecord[] = [];
  readonly assets: Map<string, AssetRecord> = new Map();
  readonly createdAt: number;
  #itemsById = new Map<string, ItemRecord>();
  #usersById = new Map<string, UserRecord>();
  #nextItemId = FIRST_ITEM_ID;
  #nextBoardId = FIRST_BOARD_ID;
  #nextAssetId = 7_000_000_001;
  #dayBase: number;
  #firstBoardId: string;

  /**
   * Seeds the account.
   *
   * @param options Seed, sizes and the emulator's start time.
   */
  constructor(options: ModelOptions) {
    this.seed = options.seed;
    const random = createRandom(options.seed);
    this.createdAt = options.now - 400 * DAY_MS;
    this.#dayBase = Math.floor(options.now / DAY_MS) * DAY_MS;
    for (let i = 0; i < Math.max(1, options.users); i++) {
      const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
      const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]!;
      const id = String(FIRST_USER_ID + i);
      const user: UserRecord = {
        id,
        name: `${first} ${last}`,
        email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
        title: TITLES[Math.floor(random() * TITLES.length)]!,
        kind: i === 0 ? "admin" : i % 7 === 6 ? "guest" : "member",
        createdAt: this.createdAt + i * DAY_MS,
        timeZone: "Etc/UTC",
      };
      this.users.push(user);
      this.#usersById.set(id, user);
    }
    const boardCount = Math.max(1, options.boards);
    const names = ["Emulated Tasks", "Marketing Plan", "Hiring", "Budget"];
    for (let b = 0; b < boardCount; b++) {
      const board = this.#newBoard(
        names[b] ?? `Board ${b + 1}`,
        "public",
        this.users[0]!.id,
        this.createdAt + b * DAY_MS,
        true,
      );
      const count = b === 0 ? Math.max(0, options.items) : 5;
      const groups = board.groups;
      const items = new Array<ItemRecord>(count);
      for (let i = 0; i < count; i++) {
        const h = hashInts(options.seed, b, i);
        const id = String(this.#nextItemId++);
        const createdAt = this.createdAt + Math.floor(i * 60_000);
        const item: ItemRecord = {
          id,
          seedIndex: i,
          boardId: board.id,
          groupId: groups[i % groups.length]!.id,
          name: `${WORDS[h % WORDS.length]} ${
            NOUNS[(h >>> 8) % NOUNS.length]
          } #${i + 1}`,
          creatorId: this.users[(h >>> 16) % this.users.length]!.id,
          createdAt,
          updatedAt: createdAt,
          deleted: false,
        };
        items[i] = item;
        this.#itemsById.set(id, item);
      }
      board.items = items;
    }
    this.#firstBoardId = this.boards[0]!.id;
  }

  #newBoard(
    name: string,
    kind: BoardRecord["kind"],
    ownerId: string,
    createdAt: number,
    seeded: boolean,
  ): BoardRecord {
    const board: BoardRecord = {
      id: String(this.#nextBoardId++),
      name,
      description: seeded ? `Seeded board '${name}'` : null,
      kind,
      state: "active",
      ownerId,
      createdAt,
      updatedAt: createdAt,
      workspaceId: "1000001",
      columns: defaultColumns(),
      groups: seeded
        ? [
          group("topics", "This week", 0),
          group("group_next", "Next week", 1),
          group("group_later", "Later", 2),
        ]
        : [group("topics", "Group Title", 0)],
      items: [],
    };
    this.boards.push(board);
    return board;
  }

  /**
   * Finds a user.
   *
   * @param id The user id.
   * @returns The user or undefined.
   */
  user(id: string): UserRecord | undefined {
    return this.#usersById.get(id);
  }

  /**
   * Finds a board that is not deleted.
   *
   * @param id The board id.
   * @returns The board or undefined.
   */
  board(id: string): BoardRecord | undefined {
    return this.boards.find((b) => b.id === id && b.state !== "deleted");
  }

  /**
   * Finds an item that is not deleted.
   *
   * @param id The item id.
   * @returns The item or undefined.
   */
  item(id: string): ItemRecord | undefined {
    const item = this.#itemsById.get(id);
    return item && !item.deleted ? item : undefined;
  }

  /**
   * Computes a column value of an item.
   *
   * @param item The item.
   * @param column The column.
   * @returns The value JSON and text.
   */
  cell(item: ItemRecord, column: ColumnRecord): CellValue {
    const stored = item.values?.get(column.id);
    if (stored !== undefined) return this.#render(column, stored);
    if (item.seedIndex < 0) return EMPTY;
    return this.#seeded(item, column);
  }

  #seeded(item: ItemRecord, column: ColumnRecord): CellValue {
    const board = item.boardId === this.#firstBoardId
      ? 0
      : this.boards.findIndex((b) => b.id === item.boardId);
    const colIndex = column.id.length * 31 + column.id.charCodeAt(0);
    const h = hashInts(this.seed, board, item.seedIndex, colIndex);
    if (column.type !== "status" && column.type !== "name" && h % 10 === 0) {
      return EMPTY;
    }
    const changedAt = isoSeconds(item.createdAt);
    switch (column.type) {
      case "name":
        return { value: null, text: item.name };
      case "text": {
        const text = TEXTS[h % TEXTS.length]!;
        return { value: `"${text}"`, text, data: text };
      }
      case "long_text": {
        const text = `Note ${item.seedIndex + 1}: ${TEXTS[h % TEXTS.length]}`;
        return {
          value: `{"text":"${text}","changed_at":"${changedAt}"}`,
          text,
          data: { text, changed_at: changedAt },
        };
      }
      case "status": {
        const index = STATUS_INDEXES[h % 4]!;
        return {
          value:
            `{"index":${index},"post_id":null,"changed_at":"${changedAt}"}`,
          text: STATUS_LABELS[index]!,
          data: { index: Number(index), post_id: null, changed_at: changedAt },
        };
      }
      case "numbers": {
        const text = String(h % 1000);
        return { value: `"${text}"`, text, data: text };
      }
      case "date": {
        const date = isoDate(this.#dayBase + ((h % 120) - 60) * DAY_MS);
        return {
          value: `{"date":"${date}","icon":null,"changed_at":"${changedAt}"}`,
          text: date,
          data: { date, icon: null, changed_at: changedAt },
        };
      }
      case "people": {
        const user = this.users[h % this.users.length]!;
        return {
          value:
            `{"personsAndTeams":[{"id":${user.id},"kind":"person"}],"changed_at":"${changedAt}"}`,
          text: user.name,
          data: {
            personsAndTeams: [{ id: Number(user.id), kind: "person" }],
            changed_at: changedAt,
          },
        };
      }
      case "checkbox":
        return h % 2 === 0
          ? {
            value: `{"checked":true,"changed_at":"${changedAt}"}`,
            text: "v",
            data: { checked: true, changed_at: changedAt },
          }
          : EMPTY;
      case "email": {
        const user = this.users[h % this.users.length]!;
        return {
          value: `{"email":"${user.email}","text":"${user.email}"}`,
          text: user.email,
          data: { email: user.email, text: user.email },
        };
      }
      case "file":
        return EMPTY;
    }
  }

  #render(column: ColumnRecord, value: string | null): CellValue {
    if (value === null) return EMPTY;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return { value, text: "" };
    }
    const obj = (parsed ?? {}) as Record<string, unknown>;
    const out = (text: string): CellValue => ({ value, text, data: parsed });
    switch (column.type) {
      case "name":
        return { value: null, text: String(parsed) };
      case "text":
      case "numbers":
        return out(parsed === null ? "" : String(parsed));
      case "long_text":
        return out(String(obj.text ?? ""));
      case "status":
        return out(STATUS_LABELS[String(obj.index)] ?? "");
      case "date":
        return out(
          obj.time ? `${obj.date} ${obj.time}` : String(obj.date ?? ""),
        );
      case "people": {
        const list = (obj.personsAndTeams ?? []) as { id: number }[];
        return out(
          list.map((p) => this.user(String(p.id))?.name ?? "")
            .filter((n) => n).join(", "),
        );
      }
      case "checkbox":
        return out(obj.checked ? "v" : "");
      case "email":
        return out(String(obj.text ?? obj.email ?? ""));
      case "file": {
        const files = (obj.files ?? []) as { assetId: number }[];
        return out(
          files.map((f) => this.assetUrl(String(f.assetId))).join(", "),
        );
      }
    }
  }

  /**
   * The URL an asset is served from.
   *
   * @param id The asset id.
   * @returns The URL.
   */
  assetUrl(id: string): string {
    return `https://emulated.monday.com/protected_static/${ACCOUNT_ID}/resources/${id}/${
      encodeURIComponent(this.assets.get(id)?.name ?? "file")
    }`;
  }

  /**
   * Finds a board or throws monday's error.
   *
   * @param id The board id.
   * @returns The board.
   * @throws {ModelError} `InvalidBoardIdException` if there is none.
   */
  requireBoard(id: string): BoardRecord {
    const board = this.board(id);
    if (!board) {
      throw new ModelError(
        "InvalidBoardIdException",
        "Board not found",
        { data: { board_id: Number(id) || id } },
      );
    }
    return board;
  }

  /**
   * Finds an item or throws monday's error.
   *
   * @param id The item id.
   * @param board When given, the item must be on this board.
   * @returns The item.
   * @throws {ModelError} `InvalidItemIdException` if there is none.
   */
  requireItem(id: string | undefined | null, board?: BoardRecord): ItemRecord {
    const item = id ? this.item(id) : undefined;
    if (!item || (board && item.boardId !== board.id)) {
      throw new ModelError(
        "InvalidItemIdException",
        "Item not found in board",
        { data: { item_id: Number(id) || id } },
      );
    }
    return item;
  }

  /**
   * Finds a column or throws monday's error.
   *
   * @param board The board.
   * @param id The column id.
   * @returns The column.
   * @throws {ModelError} `InvalidColumnIdException` if there is none.
   */
  requireColumn(board: BoardRecord, id: string): ColumnRecord {
    const column = board.columns.find((c) => c.id === id);
    if (!column) {
      throw new ModelError(
        "InvalidColumnIdException",
        "This column ID doesn't exist for the board",
        { data: { column_id: id, board_id: Number(board.id) } },
      );
    }
    return column;
  }

  /**
   * Creates an item.
   *
   * @param board The board.
   * @param name The item name (1-255 characters).
   * @param options Group, column values and who creates it.
   * @returns The new item.
   * @throws {ModelError} On a bad name, group or column value.
   */
  createItem(
    board: BoardRecord,
    name: string,
    options: {
      groupId?: string | null;
      columnValues?: unknown;
      userId: string;
      now: number;
    },
  ): ItemRecord {
    checkItemName(name);
    const group = options.groupId
      ? board.groups.find((g) => g.id === options.groupId && !g.deleted)
      : board.groups.find((g) => !g.deleted);
    if (!group) {
      throw new ModelError(
        "InvalidGroupIdException",
        "Group not found",
        { data: { group_id: options.groupId ?? null } },
      );
    }
    const values = options.columnValues === undefined ||
        options.columnValues === null
      ? undefined
      : this.#prepareValues(board, options.columnValues);
    const item: ItemRecord = {
      id: String(this.#nextItemId++),
      seedIndex: -1,
      boardId: board.id,
      groupId: group.id,
      name,
      creatorId: options.userId,
      createdAt: options.now,
      updatedAt: options.now,
      deleted: false,
    };
    if (values) item.values = values;
    if (values?.has("name")) {
      item.name = JSON.parse(values.get("name") ?? '""');
      values.delete("name");
    }
    board.items.push(item);
    board.updatedAt = options.now;
    this.#itemsById.set(item.id, item);
    return item;
  }

  /**
   * Sets several column values of an item (all or nothing).
   *
   * @param board The board.
   * @param item The item.
   * @param columnValues `{column_id: value}` as an object or a JSON string.
   * @param now The emulator time.
   * @throws {ModelError} On a bad column id or value.
   */
  setValues(
    board: BoardRecord,
    item: ItemRecord,
    columnValues: unknown,
    now: number,
  ): void {
    const values = this.#prepareValues(board, columnValues);
    for (const [id, value] of values) {
      if (id === "name") {
        const name = JSON.parse(value ?? '""');
        checkItemName(name);
        item.name = name;
        continue;
      }
      (item.values ??= new Map()).set(id, value);
    }
    item.updatedAt = now;
  }

  /**
   * Sets one column from a simple string value (`change_simple_column_value`).
   *
   * @param board The board.
   * @param item The item.
   * @param column The column.
   * @param text The simple value, or null to clear.
   * @param now The emulator time.
   * @throws {ModelError} On a value the column cannot hold.
   */
  setSimple(
    board: BoardRecord,
    item: ItemRecord,
    column: ColumnRecord,
    text: string | null,
    now: number,
  ): void {
    if (column.type === "name") {
      checkItemName(text ?? "");
      item.name = text ?? "";
    } else {
      (item.values ??= new Map()).set(
        column.id,
        text === null || text === "" ? null : this.#normalize(column, text),
      );
    }
    item.updatedAt = now;
    board.updatedAt = now;
  }

  #prepareValues(
    board: BoardRecord,
    columnValues: unknown,
  ): Map<string, string | null> {
    let parsed = columnValues;
    if (typeof parsed === "string") {
      try {
        parsed = JSON.parse(parsed);
      } catch {
        throw new ModelError(
          "InvalidArgumentException",
          "column_values is not a valid JSON object",
          { data: {} },
        );
      }
    }
    if (
      parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
    ) {
      throw new ModelError(
        "InvalidArgumentException",
        "column_values must be a JSON object of column id to value",
      );
    }
    const out = new Map<string, string | null>();
    for (const [id, raw] of Object.entries(parsed)) {
      const column = this.requireColumn(board, id);
      if (column.type === "name") {
        const name = typeof raw === "string" ? raw : String(raw ?? "");
        checkItemName(name);
        out.set("name", JSON.stringify(name));
        continue;
      }
      out.set(id, this.#normalize(column, raw));
    }
    return out;
  }

  /**
   * Normalizes a value given to a mutation into the stored value JSON.
   *
   * @param column The column.
   * @param raw The value as given (string, JSON string, or object).
   * @returns The value JSON, or null for a cleared value.
   * @throws {ModelError} `ColumnValueException` on a value the column cannot hold.
   */
  normalizeValue(column: ColumnRecord, raw: unknown): string | null {
    let value = raw;
    if (typeof value === "string" && column.type !== "text") {
      const trimmed = value.trim();
      if (trimmed.startsWith("{") || trimmed.startsWith('"')) {
        try {
          value = JSON.parse(trimmed);
        } catch {
          // a plain string
        }
      }
    } else if (typeof value === "string" && value.startsWith('"')) {
      try {
        value = JSON.parse(value);
      } catch {
        // a plain string
      }
    }
    return this.#normalize(column, value);
  }

  #normalize(column: ColumnRecord, raw: unknown): string | null {
    if (raw === null || raw === undefined || raw === "") return null;
    const obj = typeof raw === "object" ? raw as Record<string, unknown> : {};
    const bad = (why: string): never => {
      throw new ModelError(
        "ColumnValueException",
        `invalid value for column '${column.id}': ${why}`,
        { data: { column_id: column.id, column_type: column.type } },
      );
    };
    switch (column.type) {
      case "name":
      case "text":
        return JSON.stringify(
          typeof raw === "object" ? JSON.stringify(raw) : String(raw),
        );
      case "long_text":
        return JSON.stringify({
          text: typeof raw === "object" ? String(obj.text ?? "") : String(raw),
        });
      case "numbers": {
        const text = typeof raw === "object" ? "" : String(raw).trim();
        if (text === "" || !Number.isFinite(Number(text))) {
          bad(`'${text}' is not a number`);
        }
        return JSON.stringify(text);
      }
      case "status": {
        let index: string | undefined;
        if (typeof raw === "object") {
          if (obj.index !== undefined) index = String(obj.index);
          else if (obj.label !== undefined) {
            index = Object.entries(STATUS_LABELS).find(([, l]) =>
              l === String(obj.label)
            )?.[0];
            if (index === undefined) {
              bad(`label '${String(obj.label)}' does not exist`);
            }
          }
        } else {
          const text = String(raw);
          index = Object.entries(STATUS_LABELS).find(([, l]) => l === text)
            ?.[0] ?? (STATUS_LABELS[text] !== undefined ? text : undefined);
          if (index === undefined) bad(`label '${text}' does not exist`);
        }
        if (index === undefined || STATUS_LABELS[index] === undefined) {
          bad(`index '${index}' does not exist`);
        }
        return JSON.stringify({ index: Number(index), post_id: null });
      }
      case "date": {
        const date = typeof raw === "object"
          ? String(obj.date ?? "")
          : String(raw).split(" ")[0]!;
        const time = typeof raw === "object"
          ? obj.time
          : String(raw).split(" ")[1];
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || isNaN(Date.parse(date))) {
          bad(`'${date}' is not a date (YYYY-MM-DD)`);
        }
        return JSON.stringify(
          time
            ? { date, time: String(time), icon: null }
            : { date, icon: null },
        );
      }
      case "people": {
        let ids: string[] = [];
        if (typeof raw === "object") {
          const list = (obj.personsAndTeams ?? obj.ids ?? []) as unknown[];
          ids = list.map((p) =>
            typeof p === "object" && p !== null
              ? String((p as { id: unknown }).id)
              : String(p)
          );
        } else ids = String(raw).split(",").map((s) => s.trim());
        for (const id of ids) {
          if (!this.user(id)) bad(`user '${id}' does not exist`);
        }
        return JSON.stringify({
          personsAndTeams: ids.map((id) => ({
            id: Number(id),
            kind: "person",
          })),
        });
      }
      case "checkbox": {
        const checked = typeof raw === "object"
          ? String(obj.checked) === "true"
          : String(raw) === "true" || String(raw) === "v";
        return checked ? JSON.stringify({ checked: true }) : null;
      }
      case "email": {
        const email = typeof raw === "object"
          ? String(obj.email ?? "")
          : String(raw).split(" ")[0]!;
        if (!email.includes("@")) bad(`'${email}' is not an email address`);
        const text = typeof raw === "object"
          ? String(obj.text ?? email)
          : email;
        return JSON.stringify({ email, text });
      }
      case "file":
        return bad("files can only be added with add_file_to_column");
    }
  }

  /**
   * Deletes an item.
   *
   * @param item The item.
   * @param now The emulator time.
   */
  deleteItem(item: ItemRecord, now: number): void {
    item.deleted = true;
    item.updatedAt = now;
  }

  /**
   * Creates a board with the default columns and one group.
   *
   * @param name The board name.
   * @param kind Public, private or share.
   * @param options Description, owner and time.
   * @returns The board.
   * @throws {ModelError} `CreateBoardException` on an empty name.
   */
  createBoard(
    name: string,
    kind: BoardRecord["kind"],
    options: { description?: string | null; ownerId: string; now: number },
  ): BoardRecord {
    if (name.trim() === "") {
      throw new ModelError(
        "CreateBoardException",
        "Board name can't be blank",
      );
    }
    const board = this.#newBoard(
      name,
      kind,
      options.ownerId,
      options.now,
      false,
    );
    board.description = options.description ?? null;
    return board;
  }

  /**
   * Adds an uploaded file to an item's file column.
   *
   * @param item The item.
   * @param column The file column.
   * @param file The file's name and size.
   * @param options Who uploads it and when.
   * @returns The new asset.
   * @throws {ModelError} `ColumnValueException` if the column is not a file column.
   */
  addFile(
    item: ItemRecord,
    column: ColumnRecord,
    file: { name: string; size: number },
    options: { userId: string; now: number },
  ): AssetRecord {
    if (column.type !== "file") {
      throw new ModelError(
        "ColumnValueException",
        `Column '${column.id}' is not a file column`,
        { data: { column_id: column.id, column_type: column.type } },
      );
    }
    const dot = file.name.lastIndexOf(".");
    const asset: AssetRecord = {
      id: String(this.#nextAssetId++),
      name: file.name,
      extension: dot > 0 ? file.name.slice(dot + 1).toLowerCase() : "",
      size: file.size,
      createdAt: options.now,
      uploadedBy: options.userId,
      itemId: item.id,
    };
    this.assets.set(asset.id, asset);
    const current = this.cell(item, column).value;
    const files = current
      ? ((JSON.parse(current) as { files?: unknown[] }).files ?? [])
      : [];
    files.push({
      name: asset.name,
      assetId: Number(asset.id),
      isImage: String(/^(png|jpe?g|gif|webp|svg)$/.test(asset.extension)),
      fileType: "ASSET",
      createdAt: options.now,
      createdBy: options.userId,
    });
    (item.values ??= new Map()).set(column.id, JSON.stringify({ files }));
    item.updatedAt = options.now;
    return asset;
  }
}

function group(id: string, title: string, position: number): GroupRecord {
  return {
    id,
    title,
    color: GROUP_COLORS[position % GROUP_COLORS.length]!,
    position: String(65536 * (position + 1)),
    deleted: false,
  };
}

function checkItemName(name: string): void {
  if (name.length < 1 || name.length > 255) {
    throw new ModelError(
      "ItemNameTooLongException",
      "Item name must be between 1 and 255 characters long",
      { data: { length: name.length } },
    );
  }
}
