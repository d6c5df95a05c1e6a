/**
 * The emulator's in-memory monday.com account (the store): users, teams,
 * tags, workspaces, boards, groups, columns, items with column values and
 * updates, and the changes a user can make to them. Every change records
 * monday's activity-log event(s) on its board.
 *
 * Items are cheap records; their seeded column values are computed on demand
 * from a hash of (seed, board, item, column) by the codec
 * (`_column_values.ts`), and only values changed by a mutation are stored,
 * so a board of 100,000 items seeds in milliseconds. Seeding lives in
 * `_seed.ts`.
 *
 * @module
 */

import { ActivityLog } from "./_activity_log.ts";
import {
  type CellValue,
  type CodecLookups,
  type ColumnKind,
  type ColumnRecord,
  ColumnValueError,
  emptyCell,
  LEGACY_COLUMN_TYPES,
  normalizeCell,
  parseInput,
  READ_ONLY_KINDS,
  renderCell,
  seededCell,
} from "./_column_values.ts";
import { logValue, pulseEvent } from "./_model_events.ts";
import { hashInts } from "./_random.ts";
import { seedAccount } from "./_seed.ts";
import {
  ACCOUNT_ID,
  type Actor,
  type AssetRecord,
  type BoardRecord,
  DAY_MS,
  FIRST_ITEM_ID,
  type GroupRecord,
  isoSeconds,
  type ItemRecord,
  type ItemState,
  ModelError,
  type ModelOptions,
  type NewBoardFields,
  newColumn,
  newGroup,
  type TagRecord,
  type TeamRecord,
  textBody,
  type UpdateRecord,
  type UserRecord,
  type WorkspaceRecord,
} from "./_model_records.ts";

export * from "./_model_records.ts";

/**
 * The in-memory account.
 */
export class Model {
  readonly seed: number;
  readonly users: UserRecord[] = [];
  readonly teams: TeamRecord[] = [];
  readonly tags: TagRecord[] = [];
  readonly workspaces: WorkspaceRecord[] = [];
  readonly boards: BoardRecord[] = [];
  readonly updates: UpdateRecord[] = [];
  readonly assets: Map<string, AssetRecord> = new Map();
  readonly createdAt: number;
  /** Start of the emulator's first day (seeded dates spread around it). */
  readonly dayBase: number;
  /** The boards' activity logs. */
  readonly log: ActivityLog;
  #itemsById = new Map<string, ItemRecord>();
  #usersById = new Map<string, UserRecord>();
  #tagsById = new Map<string, TagRecord>();
  #nextItemId = FIRST_ITEM_ID;
  #nextBoardId = 5_000_000_001;
  #nextAssetId = 7_000_000_001;
  #nextUpdateId = 3_000_000_001;
  #nextTagId = 19_038_090;
  #seq = 0;
  #ticker: ((now: number) => void) | undefined;
  /** Name and id lookups for the codec. */
  readonly lookups: CodecLookups;
  /** Seeded board-relation targets per board, fixed on first use. */
  #linkable = new Map<string, readonly { id: string }[]>();

  /**
   * Seeds the account.
   *
   * @param options Seed, sizes and the emulator's start time.
   */
  constructor(options: ModelOptions) {
    this.seed = options.seed;
    this.createdAt = options.now - 400 * DAY_MS;
    this.dayBase = Math.floor(options.now / DAY_MS) * DAY_MS;
    const start = options.now;
    this.log = new ActivityLog({
      now: options.clock ? () => options.clock!.now() : () => start,
      random: options.random ?? (() => 0.5),
      retentionMs: options.activityLogRetentionMs,
    });
    this.lookups = {
      userName: (id) => this.#usersById.get(id)?.name,
      tagName: (id) => this.#tagsById.get(id)?.name,
      assetUrl: (id) => this.assetUrl(id),
      itemExists: (id) => this.item(id) !== undefined,
    };
    seedAccount(this, options);
  }

  // ------------------------------------------------------------ registration

  /**
   * Adds a user (seeding).
   *
   * @param user The user.
   */
  addUser(user: UserRecord): void {
    this.users.push(user);
    this.#usersById.set(user.id, user);
  }

  /**
   * Adds a tag (seeding and `create_or_get_tag`).
   *
   * @param name The name.
   * @param color Its color.
   * @returns The tag.
   */
  addTag(name: string, color: string): TagRecord {
    const tag = { id: String(this.#nextTagId++), name, color };
    this.tags.push(tag);
    this.#tagsById.set(tag.id, tag);
    return tag;
  }

  /**
   * Finds a tag.
   *
   * @param id The tag id.
   * @returns The tag or undefined.
   */
  tag(id: string): TagRecord | undefined {
    return this.#tagsById.get(id);
  }

  /**
   * Creates a board record with columns and groups (seeding and mutations).
   *
   * @param fields Name, kind, type, owner, time, workspace, columns, groups.
   * @returns The board.
   */
  addBoard(fields: NewBoardFields): BoardRecord {
    const board: BoardRecord = {
      id: String(this.#nextBoardId++),
      name: fields.name,
      description: fields.description ?? null,
      kind: fields.kind,
      type: fields.type ?? "board",
      state: "active",
      ownerId: fields.ownerId,
      createdAt: fields.createdAt,
      updatedAt: fields.createdAt,
      workspaceId: fields.workspaceId,
      hashIndex: this.boards.length,
      columns: fields.columns,
      groups: fields.groups,
      items: [],
    };
    if (fields.parentBoardId) board.parentBoardId = fields.parentBoardId;
    this.boards.push(board);
    return board;
  }

  /**
   * Registers a new item record on its board (seeding and mutations).
   *
   * @param board The board.
   * @param fields The item's fields (the id is assigned here).
   * @returns The item.
   */
  addItem(
    board: BoardRecord,
    fields: Omit<ItemRecord, "id" | "seedBoard" | "boardId" | "state">,
  ): ItemRecord {
    const item: ItemRecord = {
      ...fields,
      id: String(this.#nextItemId++),
      seedBoard: board.hashIndex,
      boardId: board.id,
      state: "active",
    };
    board.items.push(item);
    this.#itemsById.set(item.id, item);
    return item;
  }

  /**
   * Adds an update record (seeding and `create_update`).
   *
   * @param item The item.
   * @param body The HTML body.
   * @param actor Who writes it and when.
   * @returns The update.
   */
  addUpdate(item: ItemRecord, body: string, actor: Actor): UpdateRecord {
    const update: UpdateRecord = {
      id: String(this.#nextUpdateId++),
      itemId: item.id,
      boardId: item.boardId,
      body,
      creatorId: actor.userId,
      createdAt: actor.now,
      updatedAt: actor.now,
      deleted: false,
    };
    this.updates.push(update);
    return update;
  }

  /**
   * Sets what runs before each read or change at a time (background
   * activity catching up to the clock).
   *
   * @param ticker The hook.
   */
  setTicker(ticker: (now: number) => void): void {
    this.#ticker = ticker;
  }

  /**
   * Brings the model up to `now` (runs the ticker, if any).
   *
   * @param now The emulator clock's now.
   */
  tick(now: number): void {
    this.#ticker?.(now);
  }

  /**
   * The next number of a per-model sequence (new group and column ids).
   *
   * @returns A number, 1 and up.
   */
  nextSeq(): number {
    return ++this.#seq;
  }

  // ------------------------------------------------------------ lookups

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
   * Finds a board in any state.
   *
   * @param id The board id.
   * @returns The board or undefined.
   */
  anyBoard(id: string): BoardRecord | undefined {
    return this.boards.find((b) => b.id === id);
  }

  /**
   * Finds an active item.
   *
   * @param id The item id.
   * @returns The item or undefined.
   */
  item(id: string): ItemRecord | undefined {
    const item = this.#itemsById.get(id);
    return item && item.state === "active" ? item : undefined;
  }

  /**
   * Finds an item in any state (root `items(ids)` returns archived and
   * deleted items with their state).
   *
   * @param id The item id.
   * @returns The item or undefined.
   */
  anyItem(id: string): ItemRecord | undefined {
    return this.#itemsById.get(id);
  }

  /**
   * Whether an item shows on a board: active and still on it.
   *
   * @param board The board.
   * @param item The item.
   * @returns True if it does.
   */
  onBoard(board: BoardRecord, item: ItemRecord): boolean {
    return item.state === "active" && item.boardId === board.id;
  }

  /**
   * The subitems board of a board, if it has one.
   *
   * @param board The parent board.
   * @returns The sub_items_board or undefined.
   */
  subitemsBoard(board: BoardRecord): BoardRecord | undefined {
    const column = board.columns.find((c) => c.type === "subtasks");
    const id = (column?.settings.boardIds as number[] | undefined)?.[0];
    return id === undefined ? undefined : this.anyBoard(String(id));
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
    if (stored !== undefined) return renderCell(column, stored, this.lookups);
    if (column.type === "name") return { value: null, text: item.name };
    if (item.seedIndex < 0) return emptyCell(column.type);
    return this.#seeded(item, column);
  }

  #seeded(item: ItemRecord, column: ColumnRecord): CellValue {
    const colIndex = column.id.length * 31 + column.id.charCodeAt(0);
    const hash = hashInts(this.seed, item.seedBoard, item.seedIndex, colIndex);
    let linkable: readonly { id: string }[] = [];
    if (column.type === "board_relation") {
      const target = this.board(
        String((column.settings.boardIds as number[] | undefined)?.[0]),
      );
      // Fixed on first use: a seeded link must not move when items are
      // created, moved or deleted (monday links by id, and logs no change).
      if (target && !this.#linkable.has(target.id)) {
        this.#linkable.set(target.id, target.items.slice(0, 50));
      }
      linkable = target ? this.#linkable.get(target.id)! : [];
    }
    return seededCell(column, {
      hash,
      index: item.seedIndex,
      changedAt: isoSeconds(item.createdAt),
      dayBase: this.dayBase,
      users: this.users,
      tags: this.tags,
      linkable,
    });
  }

  /**
   * The `display_value` of a mirror, formula, board-relation or subtasks
   * cell: what monday computes across boards.
   *
   * @param item The item.
   * @param column The column.
   * @returns The display value ("" when empty).
   */
  displayValue(item: ItemRecord, column: ColumnRecord): string {
    switch (column.type) {
      case "board_relation":
        return this.linkedItems(item, column).map((i) => i.name).join(", ");
      case "mirror": {
        const settings = column.settings as {
          relation_column?: Record<string, boolean>;
          displayed_linked_columns?: Record<string, string[]>;
        };
        const relationId = Object.keys(settings.relation_column ?? {})[0];
        const relation = this.#boardOf(item)?.columns.find((c) =>
          c.id === relationId
        );
        if (!relation) return "";
        const mirrored = Object.values(
          settings.displayed_linked_columns ?? {},
        )[0]?.[0];
        return this.linkedItems(item, relation).flatMap((linked) => {
          const board = this.board(linked.boardId);
          const source = board?.columns.find((c) => c.id === mirrored);
          const text = source ? this.cell(linked, source).text : "";
          return text ? [text] : [];
        }).join(", ");
      }
      case "formula": {
        // The emulator evaluates formulas of the form {column}*factor.
        const match = /^\{(\w+)\}\s*\*\s*([\d.]+)$/.exec(
          String(column.settings.formula ?? ""),
        );
        const source = match &&
          this.#boardOf(item)?.columns.find((c) => c.id === match[1]);
        const text = source ? this.cell(item, source).text : "";
        if (text === null || text === "" || !Number.isFinite(Number(text))) {
          return "";
        }
        return String(Number(text) * Number(match![2]));
      }
      case "subtasks":
        return this.subitems(item).map((s) => s.name).join(", ");
      default:
        return this.cell(item, column).text ?? "";
    }
  }

  /**
   * The items a board-relation cell links to (active ones).
   *
   * @param item The item.
   * @param column The board-relation column.
   * @returns The linked items.
   */
  linkedItems(item: ItemRecord, column: ColumnRecord): ItemRecord[] {
    const cell = this.cell(item, column);
    const links =
      (cell.data as { linkedPulseIds?: { linkedPulseId: number }[] })
        ?.linkedPulseIds ?? [];
    return links.flatMap((l) => {
      const linked = this.item(String(l.linkedPulseId));
      return linked ? [linked] : [];
    });
  }

  /**
   * The active subitems of an item.
   *
   * @param item The parent item.
   * @returns Its subitems.
   */
  subitems(item: ItemRecord): ItemRecord[] {
    return (item.subitemIds ?? []).flatMap((id) => {
      const sub = this.item(id);
      return sub ? [sub] : [];
    });
  }

  #boardOf(item: ItemRecord): BoardRecord | undefined {
    return this.anyBoard(item.boardId);
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

  // ------------------------------------------------------------ require

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
   * Finds an active item or throws monday's error.
   *
   * @param id The item id.
   * @param board When given, the item must be on this board.
   * @returns The item.
   * @throws {ModelError} `InvalidItemIdException` if there is none.
   */
  requireItem(id: string | undefined | null, board?: BoardRecord): ItemRecord {
    const item = id ? this.item(String(id)) : undefined;
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
   * Finds a visible group or throws monday's error.
   *
   * @param board The board.
   * @param id The group id.
   * @returns The group.
   * @throws {ModelError} `InvalidGroupIdException` if there is none.
   */
  requireGroup(board: BoardRecord, id: string): GroupRecord {
    const group = board.groups.find((g) =>
      g.id === id && !g.deleted && !g.archived
    );
    if (!group) {
      throw new ModelError(
        "InvalidGroupIdException",
        "Group not found",
        { data: { group_id: id, board_id: Number(board.id) } },
      );
    }
    return group;
  }

  // ------------------------------------------------------------ items

  /**
   * Creates an item.
   *
   * @param board The board.
   * @param name The item name (1-255 characters).
   * @param options Group, column values, who creates it and when, and the
   * parent of a subitem.
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
      parent?: ItemRecord;
    },
  ): ItemRecord {
    checkItemName(name);
    const group = options.groupId
      ? this.requireGroup(board, options.groupId)
      : board.groups.find((g) => !g.deleted && !g.archived);
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
    let itemName = name;
    if (values?.has("name")) {
      itemName = JSON.parse(values.get("name") ?? '""');
      values.delete("name");
    }
    const item = this.addItem(board, {
      seedIndex: -1,
      groupId: group.id,
      name: itemName,
      creatorId: options.userId,
      createdAt: options.now,
      updatedAt: options.now,
    });
    if (values && values.size > 0) {
      for (const [id, value] of values) {
        const column = board.columns.find((c) => c.id === id);
        if (column) {
          values.set(id, stampChangedAt(column, value, options.now));
        }
      }
      item.values = values;
    }
    if (options.parent) {
      item.parentId = options.parent.id;
      (options.parent.subitemIds ??= []).push(item.id);
    }
    board.updatedAt = options.now;
    const columnValues: Record<string, unknown> = {};
    for (const [id, value] of values ?? []) {
      columnValues[id] = value === null ? null : JSON.parse(value);
    }
    pulseEvent(this, board, item, "create_pulse", options, {
      group_name: group.title,
      group_color: group.color,
      column_values_json: JSON.stringify(columnValues),
    });
    return item;
  }

  /**
   * Creates a subitem under an item, creating the parent board's subitems
   * board (and its `subitems` column) on the first one, as monday does.
   *
   * @param parent The parent item.
   * @param name The subitem name.
   * @param options Column values, who creates it and when.
   * @returns The subitem.
   * @throws {ModelError} On a bad name or value, or a parent that is itself a subitem.
   */
  createSubitem(
    parent: ItemRecord,
    name: string,
    options: { columnValues?: unknown; userId: string; now: number },
  ): ItemRecord {
    if (parent.parentId) {
      throw new ModelError(
        "InvalidArgumentException",
        "A subitem cannot have subitems on a classic board",
        { data: { parent_item_id: Number(parent.id) } },
      );
    }
    const board = this.requireBoard(parent.boardId);
    const sub = this.subitemsBoard(board) ??
      this.addSubitemsBoard(board, options.now);
    const item = this.createItem(sub, name, { ...options, parent });
    board.updatedAt = options.now;
    return item;
  }

  /**
   * Adds the subitems board of a board and the board's `subitems` column.
   *
   * @param board The parent board.
   * @param now When.
   * @returns The sub_items_board.
   */
  addSubitemsBoard(board: BoardRecord, now: number): BoardRecord {
    const sub = this.addBoard({
      name: `Subitems of ${board.name}`,
      kind: board.kind,
      type: "sub_items_board",
      ownerId: board.ownerId,
      createdAt: now,
      workspaceId: board.workspaceId,
      columns: [
        newColumn("name", "Name", "name"),
        newColumn("person", "Owner", "people"),
        newColumn("status", "Status", "status"),
        newColumn("date0", "Date", "date"),
      ],
      groups: [newGroup("topics", "Subitems", 0)],
      parentBoardId: board.id,
    });
    board.columns.push(
      newColumn("subitems", "Subitems", "subtasks", {
        allowMultipleItems: true,
        itemTypeName: "column.subtasks.title",
        displayType: "BOARD_INLINE",
        boardIds: [Number(sub.id)],
      }),
    );
    return sub;
  }

  /**
   * Sets several column values of an item (all or nothing). `name` renames.
   *
   * @param board The board.
   * @param item The item.
   * @param columnValues `{column_id: value}` as an object or a JSON string.
   * @param now The emulator time.
   * @param userId Who changes it (default: the board owner).
   * @throws {ModelError} On a bad column id or value.
   */
  setValues(
    board: BoardRecord,
    item: ItemRecord,
    columnValues: unknown,
    now: number,
    userId: string = board.ownerId,
  ): void {
    const values = this.#prepareValues(board, columnValues);
    const actor = { userId, now };
    for (const [id, value] of values) {
      if (id === "name") {
        this.#rename(board, item, JSON.parse(value ?? '""'), actor);
        continue;
      }
      this.#store(board, item, this.requireColumn(board, id), value, actor);
    }
    item.updatedAt = now;
    board.updatedAt = now;
  }

  /**
   * Sets one column from a simple string value (`change_simple_column_value`).
   *
   * @param board The board.
   * @param item The item.
   * @param column The column.
   * @param text The simple value, or null to clear.
   * @param now The emulator time.
   * @param userId Who changes it (default: the board owner).
   * @throws {ModelError} On a value the column cannot hold.
   */
  setSimple(
    board: BoardRecord,
    item: ItemRecord,
    column: ColumnRecord,
    text: string | null,
    now: number,
    userId: string = board.ownerId,
  ): void {
    const actor = { userId, now };
    if (column.type === "name") this.#rename(board, item, text ?? "", actor);
    else {
      this.#store(
        board,
        item,
        column,
        text === null || text === "" ? null : this.#normalize(column, text),
        actor,
      );
    }
    item.updatedAt = now;
    board.updatedAt = now;
  }

  #rename(
    board: BoardRecord,
    item: ItemRecord,
    name: string,
    actor: Actor,
  ): void {
    checkItemName(name);
    if (name === item.name) return;
    const previous = item.name;
    item.name = name;
    pulseEvent(this, board, item, "update_name", actor, {
      value: { name },
      previous_value: { name: previous },
    });
  }

  #store(
    board: BoardRecord,
    item: ItemRecord,
    column: ColumnRecord,
    value: string | null,
    actor: Actor,
  ): void {
    const before = this.cell(item, column);
    const previous = item.values?.get(column.id);
    (item.values ??= new Map()).set(
      column.id,
      stampChangedAt(column, value, actor.now),
    );
    const after = this.cell(item, column);
    if (
      JSON.stringify(logValue(column, before)) ===
        JSON.stringify(logValue(column, after))
    ) {
      // Unchanged: keep the old value and its changed_at, log nothing.
      if (previous === undefined) item.values.delete(column.id);
      else item.values.set(column.id, previous);
      return;
    }
    pulseEvent(this, board, item, "update_column_value", actor, {
      column_id: column.id,
      column_type: LEGACY_COLUMN_TYPES[column.type],
      column_title: column.title,
      value: logValue(column, after),
      previous_value: logValue(column, before),
      is_column_with_hide_permissions: false,
    }, column.id);
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
    return this.#normalize(column, parseInput(column, raw));
  }

  #normalize(column: ColumnRecord, raw: unknown): string | null {
    try {
      return normalizeCell(column, raw, this.lookups);
    } catch (error) {
      if (error instanceof ColumnValueError) {
        throw new ModelError("ColumnValueException", error.message, {
          data: { column_id: column.id, column_type: column.type },
        });
      }
      throw error;
    }
  }

  /**
   * Duplicates an item below it in its group: same name with " (copy)",
   * same values, optionally its updates. Like monday, the copy keeps the
   * original's `updated_at` (SYNC-FACTS §1: duplicates can carry an old
   * stamp, so an `updated_at` watermark misses them) and the log records
   * `batch_duplicate_pulses`.
   *
   * @param item The item.
   * @param options Copy the updates too, who and when.
   * @returns The copy.
   */
  duplicateItem(
    item: ItemRecord,
    options: Actor & { withUpdates?: boolean },
  ): ItemRecord {
    const board = this.requireBoard(item.boardId);
    const values = new Map<string, string | null>();
    for (const column of board.columns) {
      if (column.type === "name" || READ_ONLY_KINDS.has(column.type)) continue;
      const value = this.cell(item, column).value;
      if (value !== null) values.set(column.id, value);
    }
    const name = `${item.name} (copy)`.slice(0, 255);
    const copy = this.addItem(board, {
      seedIndex: -1,
      groupId: item.groupId,
      name,
      creatorId: options.userId,
      createdAt: options.now,
      updatedAt: item.updatedAt,
    });
    if (values.size > 0) copy.values = values;
    if (options.withUpdates) {
      for (const update of this.updates.filter((u) => u.itemId === item.id)) {
        if (update.deleted) continue;
        const clone = this.addUpdate(copy, update.body, {
          userId: update.creatorId,
          now: update.createdAt,
        });
        clone.updatedAt = update.updatedAt;
      }
    }
    board.updatedAt = options.now;
    pulseEvent(this, board, item, "batch_duplicate_pulses", options, {
      pulse_ids: [Number(item.id)],
      duplicated_pulse_ids: [Number(copy.id)],
    });
    return copy;
  }

  /**
   * Archives an item (and its subitems).
   *
   * @param item The item.
   * @param actor Who and when.
   */
  archiveItem(item: ItemRecord, actor: Actor): void {
    this.setItemState(item, "archived", "archive_pulse", actor);
  }

  /**
   * Deletes an item (and its subitems).
   *
   * @param item The item.
   * @param now The emulator time.
   * @param userId Who deletes it (default: the item's creator).
   */
  deleteItem(item: ItemRecord, now: number, userId = item.creatorId): void {
    this.setItemState(item, "deleted", "delete_pulse", { userId, now });
  }

  /**
   * Restores an archived or deleted item (monday's UI "restore"; the API has
   * no mutation for it).
   *
   * @param item The item.
   * @param actor Who and when.
   * @throws {ModelError} `InvalidItemIdException` if it is active or its board is gone.
   */
  restoreItem(item: ItemRecord, actor: Actor): void {
    const board = this.board(item.boardId);
    if (item.state === "active" || !board) {
      throw new ModelError(
        "InvalidItemIdException",
        "Only an archived or deleted item on an existing board can be restored",
        { data: { item_id: Number(item.id) } },
      );
    }
    if (!board.groups.some((g) => g.id === item.groupId && !g.deleted)) {
      item.groupId = board.groups.find((g) => !g.deleted)?.id ?? item.groupId;
    }
    this.setItemState(item, "active", "restore_pulse", actor);
  }

  /**
   * Sets an item's state (and its subitems'), logging `event`.
   *
   * @param item The item.
   * @param state The new state.
   * @param event The activity-log event.
   * @param actor Who and when.
   */
  setItemState(
    item: ItemRecord,
    state: ItemState,
    event: string,
    actor: Actor,
  ): void {
    const board = this.anyBoard(item.boardId)!;
    if (item.state === state) return;
    const from = item.state;
    item.state = state;
    item.updatedAt = actor.now;
    board.updatedAt = actor.now;
    pulseEvent(this, board, item, event, actor, {});
    for (const id of item.subitemIds ?? []) {
      const sub = this.#itemsById.get(id);
      if (sub && sub.state === from) {
        this.setItemState(sub, state, event, actor);
      }
    }
  }

  /**
   * Moves an item to another group of its board.
   *
   * @param item The item.
   * @param groupId The target group.
   * @param actor Who and when.
   * @throws {ModelError} `InvalidGroupIdException` for an unknown group.
   */
  moveToGroup(item: ItemRecord, groupId: string, actor: Actor): void {
    const board = this.requireBoard(item.boardId);
    const target = this.requireGroup(board, groupId);
    if (target.id === item.groupId) return;
    const source = board.groups.find((g) => g.id === item.groupId);
    item.groupId = target.id;
    item.updatedAt = actor.now;
    board.updatedAt = actor.now;
    const data = {
      source_group: source
        ? { id: source.id, title: source.title, color: source.color }
        : null,
      dest_group: { id: target.id, title: target.title, color: target.color },
    };
    pulseEvent(
      this,
      board,
      item,
      "move_pulse_from_group",
      actor,
      data,
      undefined,
      [
        source?.id ?? "",
        target.id,
      ],
    );
    pulseEvent(
      this,
      board,
      item,
      "move_pulse_into_group",
      actor,
      data,
      undefined,
      [
        source?.id ?? "",
        target.id,
      ],
    );
  }

  /**
   * Moves an item (and its subitems' parent link) to another board: values
   * of columns with the same id carry over, unless `columnsMapping` maps
   * them (`{source, target}`; a null target drops the value).
   *
   * @param item The item.
   * @param target The target board.
   * @param groupId The target group.
   * @param options Column mapping, who and when.
   * @throws {ModelError} On an unknown group or column.
   */
  moveToBoard(
    item: ItemRecord,
    target: BoardRecord,
    groupId: string,
    options: Actor & {
      columnsMapping?: { source: string; target: string | null }[];
    },
  ): void {
    const source = this.requireBoard(item.boardId);
    const group = this.requireGroup(target, groupId);
    if (
      source.type === "sub_items_board" || target.type === "sub_items_board"
    ) {
      throw new ModelError(
        "InvalidArgumentException",
        "Subitems cannot be moved between boards with move_item_to_board",
        { data: { item_id: Number(item.id) } },
      );
    }
    const mapping = new Map<string, string | null>();
    for (const m of options.columnsMapping ?? []) {
      this.requireColumn(source, m.source);
      if (m.target !== null) this.requireColumn(target, m.target);
      mapping.set(m.source, m.target);
    }
    const values = new Map<string, string | null>();
    for (const column of source.columns) {
      if (column.type === "name" || READ_ONLY_KINDS.has(column.type)) continue;
      const to = mapping.has(column.id) ? mapping.get(column.id)! : column.id;
      const targetColumn = to === null
        ? undefined
        : target.columns.find((c) => c.id === to && c.type === column.type);
      if (!targetColumn) continue;
      const value = this.cell(item, column).value;
      if (value !== null) values.set(targetColumn.id, value);
    }
    const sourceGroup = item.groupId;
    item.values = values;
    item.seedIndex = -1;
    source.items = source.items.filter((i) => i !== item);
    item.boardId = target.id;
    item.groupId = group.id;
    target.items.push(item);
    item.updatedAt = options.now;
    source.updatedAt = options.now;
    target.updatedAt = options.now;
    const data = {
      source_board: { id: Number(source.id), name: source.name },
      dest_board: { id: Number(target.id), name: target.name },
      source_group_id: sourceGroup,
      dest_group_id: group.id,
    };
    pulseEvent(
      this,
      source,
      item,
      "move_pulse_from_board",
      options,
      data,
      undefined,
      [
        sourceGroup,
      ],
    );
    pulseEvent(this, target, item, "move_pulse_into_board", options, data);
  }

  /**
   * Writes an update on an item.
   *
   * @param item The item.
   * @param body The HTML body.
   * @param actor Who and when.
   * @returns The update.
   * @throws {ModelError} `InvalidArgumentException` for an empty body.
   */
  createUpdate(item: ItemRecord, body: string, actor: Actor): UpdateRecord {
    if (body.trim() === "") {
      throw new ModelError(
        "InvalidArgumentException",
        "An update's body cannot be empty",
        { data: { argument: "body" } },
      );
    }
    const update = this.addUpdate(item, body, actor);
    const board = this.anyBoard(item.boardId)!;
    item.updatedAt = actor.now;
    board.updatedAt = actor.now;
    pulseEvent(this, board, item, "create_update", actor, {
      update_id: Number(update.id),
      body: textBody(body),
    });
    return update;
  }

  /**
   * Deletes an update.
   *
   * @param update The update.
   * @param actor Who and when.
   */
  deleteUpdate(update: UpdateRecord, actor: Actor): void {
    update.deleted = true;
    update.updatedAt = actor.now;
    const item = this.#itemsById.get(update.itemId);
    const board = this.anyBoard(update.boardId);
    if (item && board) {
      pulseEvent(this, board, item, "delete_update", actor, {
        update_id: Number(update.id),
      });
    }
  }

  /**
   * Finds an update that is not deleted.
   *
   * @param id The update id.
   * @returns The update.
   * @throws {ModelError} `ResourceNotFoundException` if there is none.
   */
  requireUpdate(id: string): UpdateRecord {
    const update = this.updates.find((u) => u.id === id && !u.deleted);
    if (!update) {
      throw new ModelError(
        "ResourceNotFoundException",
        `Update '${id}' not found`,
        { data: { update_id: Number(id) || id } },
      );
    }
    return update;
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
    const board = this.anyBoard(item.boardId);
    if (board) {
      board.updatedAt = options.now;
      pulseEvent(this, board, item, "add_file", options, {
        column_id: column.id,
        asset_id: Number(asset.id),
        file_name: asset.name,
      }, column.id);
    }
    return asset;
  }
}

/** Kinds whose raw value carries `changed_at` (SYNC-FACTS §5). */
const STAMPED = new Set<ColumnKind>([
  "status",
  "long_text",
  "date",
  "people",
  "checkbox",
  "dropdown",
  "timeline",
  "link",
  "board_relation",
]);

/**
 * Adds `changed_at` (ISO with milliseconds) to a stored object value, as
 * monday's raw values carry it.
 */
function stampChangedAt(
  column: ColumnRecord,
  value: string | null,
  now: number,
): string | null {
  if (value === null || !STAMPED.has(column.type)) return value;
  const parsed = JSON.parse(value);
  if (parsed === null || typeof parsed !== "object") return value;
  return JSON.stringify({
    ...parsed,
    changed_at: new Date(now).toISOString(),
  });
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
