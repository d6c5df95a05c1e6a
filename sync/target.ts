/**
 * What a sync target is: the one interface the sync engine writes through.
 * Each adapter (SQLite, PostgreSQL) implements it in its own SQL dialect; the
 * engine never writes SQL itself.
 *
 * @module
 */

/**
 * The logical column types of the mirror. Each adapter maps them to its own
 * SQL types (see docs/tables.md): `text`, `real` (a double), `boolean`,
 * `date` (a calendar day), `timestamp` (UTC instant) and `json`.
 */
export type SqlType =
  | "text"
  | "integer"
  | "real"
  | "boolean"
  | "date"
  | "timestamp"
  | "json";

/** One column of a table the sync writes. */
export interface TableColumn {
  /** The SQL name (snake_case, SQL-safe). */
  name: string;
  /** The logical type. */
  type: SqlType;
}

/** A table the sync writes: its name, columns and primary key. */
export interface TableSpec {
  /** The table's SQL name. */
  name: string;
  /** Its columns, in order. */
  columns: TableColumn[];
  /** The primary key's column names. */
  primaryKey: string[];
}

/** A cell the sync writes: a string, number, boolean or `null`. */
export type Cell = string | number | boolean | null;

/** One item's rows, in the order of their tables' columns. */
export interface ItemRows {
  /** The item's id. */
  id: string;
  /** Its row in `items`. */
  item: Cell[];
  /** Its rows in `column_values`. */
  values: Cell[][];
  /** Its row in the board's own table. */
  row: Cell[];
  /**
   * Its rows in `updates` (replacing the stored ones), or `undefined` to
   * leave them (a whole read writes the board's updates in
   * {@linkcode BoardPatch.updates}).
   */
  updates?: Cell[][];
}

/** The sync state a target keeps per board, in the same transaction. */
export interface BoardSyncState {
  /** The board's id. */
  boardId: string;
  /**
   * The newest activity-log time seen before the last read began (monday's
   * 17-digit string, 100 ns units), or `null` when the board had no logs.
   */
  logMark: string | null;
  /** When the board was last read whole (ISO 8601). */
  fullAt: string;
  /** When the board was last synced (ISO 8601). */
  syncedAt: string;
  /** A fingerprint of the board's table definition. */
  tableSignature: string;
}

/**
 * The changes of one board, applied by a target in one transaction: the
 * board row and its structure always, then either the whole board (`full`),
 * some items (`incremental`), or nothing but the board row (`inactive`: an
 * archived or deleted board keeps only its `boards` row).
 */
export interface BoardPatch {
  /** The board's id. */
  boardId: string;
  /** How to apply it. */
  mode: "full" | "incremental" | "inactive";
  /** The board's row in `boards`. */
  board: Cell[];
  /** The board's rows in `groups` (replacing the stored ones). */
  groups: Cell[][];
  /** The board's rows in `columns` (replacing the stored ones). */
  columns: Cell[][];
  /** The board's own table, or `null` when `inactive`. */
  table: TableSpec | null;
  /** Items to write (all of them when `full`). */
  items: ItemRows[];
  /** The board's rows in `updates` (`full` only). */
  updates: Cell[][];
  /** Items to remove from this board (incremental only). */
  removedItemIds: string[];
  /** The state to store with the changes, or `null` to forget it. */
  state: BoardSyncState | null;
}

/**
 * A board read whole, written while it is read: staged rows are invisible to
 * readers of the mirror until {@linkcode BoardWriter.commit} replaces the
 * board's rows with them in one transaction. {@linkcode BoardWriter.abort}
 * (or a crash) leaves the stored board as it was, so a whole read never
 * holds a whole board in memory and never leaves it half-written.
 */
export interface BoardWriter {
  /**
   * Stages item rows; a later row with the same item id replaces an earlier
   * one (the last read of an item wins).
   *
   * @param items The rows of some of the board's items.
   */
  writeItems(items: ItemRows[]): Promise<void>;
  /**
   * Stages rows of `updates` (a later row with the same id replaces an
   * earlier one).
   *
   * @param rows The rows, in the order of the `updates` table's columns.
   */
  writeUpdates(rows: Cell[][]): Promise<void>;
  /**
   * In one transaction: removes the board's stored items, values, updates
   * and table rows, writes the staged ones, and applies the patch (its board
   * row, groups, columns, table, state, and any `items`/`updates` it carries,
   * usually none). `patch.mode` is `"full"`. The writer is finished after.
   *
   * @param patch The board's structure and state.
   */
  commit(patch: BoardPatch): Promise<void>;
  /**
   * Drops the staged rows; the stored board stays as it was. Does nothing
   * after `commit` or a previous `abort`.
   */
  abort(): Promise<void>;
}

/** Account-wide rows, each table replaced whole in one transaction. */
export interface AccountPatch {
  /** Rows by normalized table name (e.g. `users`). */
  tables: Record<string, Cell[][]>;
}

/** A stored column value, as {@linkcode SyncTarget.readValues} returns it. */
export interface StoredValue {
  /** The item's id. */
  itemId: string;
  /** Its board's id. */
  boardId: string;
  /** The column's id. */
  columnId: string;
  /** monday's raw value JSON, or `null`. */
  value: string | null;
}

/** The result of a query. */
export interface QueryResult {
  /** The column names, in order. */
  columns: string[];
  /** The rows, one value per column. */
  rows: unknown[][];
}

/** Options of {@linkcode SyncTarget.query}. */
export interface QueryOptions {
  /**
   * Run the statement read-only (SQLite opened read-only, PostgreSQL in a
   * read-only transaction).
   *
   * @default {true}
   */
  readOnly?: boolean;
  /** Parameters bound to `?` (SQLite) or `$1…` (PostgreSQL) placeholders. */
  params?: Cell[];
}

/**
 * A database the sync writes to. Open one with `openSqliteTarget`,
 * `openPostgresTarget` or `openTarget`; close it with `close()` or
 * `await using`.
 */
export interface SyncTarget {
  /** Which adapter this is. */
  readonly kind: "sqlite" | "postgres";
  /** Where it points, with any password masked. */
  readonly label: string;
  /**
   * Creates the normalized tables and the sync-state table if missing.
   *
   * @param specs The normalized tables.
   */
  prepare(specs: TableSpec[]): Promise<void>;
  /** Reads the stored sync state of every board. */
  readStates(): Promise<Map<string, BoardSyncState>>;
  /**
   * Reads the stored values of the columns of the given types (used to find
   * the items whose board-relation links point at changed items).
   *
   * @param types Column types, e.g. `board_relation`.
   */
  readValues(types: string[]): Promise<StoredValue[]>;
  /**
   * Applies one board's changes and its state in one transaction.
   *
   * @param patch The changes.
   */
  applyBoard(patch: BoardPatch): Promise<void>;
  /**
   * Begins a board's whole read, written as it is read (see
   * {@linkcode BoardWriter}). Several writers may be open at once, one per
   * board. A target without it gets whole boards through `applyBoard`.
   *
   * @param boardId The board.
   * @param table The board's own table.
   */
  beginBoard?(boardId: string, table: TableSpec): Promise<BoardWriter>;
  /**
   * Replaces account-wide tables in one transaction.
   *
   * @param patch The rows.
   */
  applyAccount(patch: AccountPatch): Promise<void>;
  /**
   * Writes rows (replacing those with the same primary key) and, in the same
   * transaction, a keyed setting of the sync's own.
   *
   * @param table The normalized table, e.g. `audit_logs`.
   * @param rows The rows.
   * @param setting A setting to store with them.
   */
  appendRows(
    table: string,
    rows: Cell[][],
    setting?: { key: string; value: string | null },
  ): Promise<void>;
  /**
   * Removes the rows whose integer `column` is above `after` and returns the
   * highest value left (0 when none): how an appending writer rewinds to
   * its last acknowledged batch.
   *
   * @param table The normalized table.
   * @param column An integer column.
   * @param after Keep rows up to this value.
   */
  trimRows(table: string, column: string, after: number): Promise<number>;
  /**
   * Reads a keyed setting of the sync's own (e.g. the audit checkpoint).
   *
   * @param key The key.
   */
  readSetting(key: string): Promise<string | undefined>;
  /**
   * Runs one SQL statement and returns its rows.
   *
   * @param sql The statement.
   * @param options Read-only (the default) and parameters.
   */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /** Closes the connection. */
  close(): Promise<void>;
  /** Closes the connection. */
  [Symbol.asyncDispose](): Promise<void>;
}
