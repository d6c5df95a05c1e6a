/**
 * The SQLite target, through Deno's built-in `node:sqlite`. Types: `TEXT`
 * for ids, text, dates (`YYYY-MM-DD`), timestamps (ISO 8601 UTC) and JSON;
 * `REAL` for numbers; `INTEGER` 0/1 for booleans.
 *
 * @module
 */

import type {
  AccountPatch,
  BoardPatch,
  BoardSyncState,
  BoardWriter,
  Cell,
  ItemRows,
  QueryOptions,
  QueryResult,
  SqlType,
  StoredValue,
  SyncTarget,
  TableSpec,
} from "./target.ts";
import { BOARD_TABLES, NORMALIZED } from "./_model.ts";

/** Options of {@linkcode openSqliteTarget}. */
export interface OpenSqliteTargetOptions {
  /**
   * Open the file read-only (it must exist): every statement is refused
   * from writing.
   *
   * @default {false}
   */
  readOnly?: boolean;
}

const STATE_TABLE = "_mondaykit_sync_state";
const SETTINGS_TABLE = "_mondaykit_settings";

const TYPES: Record<SqlType, string> = {
  text: "TEXT",
  integer: "INTEGER",
  real: "REAL",
  boolean: "INTEGER",
  date: "TEXT",
  timestamp: "TEXT",
  json: "TEXT",
};

type Bindable = string | number | null;
// node:sqlite's statement type, kept structural so no type import is needed.
interface Statement {
  run(...params: Bindable[]): unknown;
  all(...params: Bindable[]): unknown[];
  columns(): { name: string }[];
  setReturnArrays(enabled: boolean): void;
}
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
  readonly isOpen: boolean;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function bind(cell: Cell): Bindable {
  return typeof cell === "boolean" ? (cell ? 1 : 0) : cell;
}

function createSql(table: TableSpec): string {
  const columns = table.columns.map((c) => `${quote(c.name)} ${TYPES[c.type]}`);
  return `CREATE TABLE IF NOT EXISTS ${quote(table.name)} (${
    columns.join(", ")
  }, PRIMARY KEY (${table.primaryKey.map(quote).join(", ")}))`;
}

/** Runs `work` in a transaction begun with `begin`; rolls back if it throws. */
function inTransaction(db: Database, begin: string, work: () => void): void {
  db.exec(begin);
  try {
    work();
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** The page cache while a board is committed (negative: KiB). */
const COMMIT_CACHE_KIB = -32768;

/** Rows per multi-row `INSERT` when staging (one call binds them all). */
const STAGE_BATCH = 64;

/** One prepared `INSERT` of `count` rows of `width` cells, cached. */
class StageInsert {
  #db: Database;
  #head: string;
  #width: number;
  #full: Statement | undefined;
  #params: Bindable[] = [];
  #rows = 0;

  constructor(db: Database, table: string, width: number) {
    this.#db = db;
    this.#head = `INSERT INTO temp.${quote(table)} VALUES `;
    this.#width = width;
  }

  /** Adds one row; a full batch is written at once. */
  add(row: Cell[]): void {
    const params = this.#params;
    for (let i = 0; i < this.#width; i++) params.push(bind(row[i] ?? null));
    if (++this.#rows === STAGE_BATCH) {
      this.#full ??= this.#db.prepare(this.#sql(STAGE_BATCH));
      this.#full.run(...params);
      this.#params = [];
      this.#rows = 0;
    }
  }

  /** Writes the rows left. */
  flush(): void {
    if (this.#rows === 0) return;
    this.#db.prepare(this.#sql(this.#rows)).run(...this.#params);
    this.#params = [];
    this.#rows = 0;
  }

  #sql(rows: number): string {
    const one = `(${new Array(this.#width).fill("?").join(", ")})`;
    return this.#head + new Array(rows).fill(one).join(", ");
  }
}

function upsertSql(table: TableSpec): string {
  const names = table.columns.map((c) => quote(c.name));
  return `INSERT OR REPLACE INTO ${quote(table.name)} (${
    names.join(", ")
  }) VALUES (${names.map(() => "?").join(", ")})`;
}

/** The widths of the normalized tables a writer stages. */
interface StageWidths {
  itemsWidth: number;
  valuesWidth: number;
  updatesWidth: number;
}

/**
 * One board's staged rows: four TEMP tables of the target's connection
 * (`_mk_stage_<n>_items`, `_values`, `_rows`, `_updates`), unindexed, so
 * staging a page is a few multi-row inserts. TEMP tables live in the
 * connection's temporary file: no reader of the database sees them, and a
 * crash or a closed connection leaves nothing behind.
 */
class SqliteStage {
  #db: Database;
  #names: { items: string; values: string; rows: string; updates: string };
  #items: StageInsert;
  #values: StageInsert;
  #rows: StageInsert;
  #updates: StageInsert;
  #rowsWidth: number;
  #done = false;

  constructor(db: Database, n: number, table: TableSpec, widths: StageWidths) {
    this.#db = db;
    const base = `_mk_stage_${n}`;
    this.#names = {
      items: `${base}_items`,
      values: `${base}_values`,
      rows: `${base}_rows`,
      updates: `${base}_updates`,
    };
    this.#rowsWidth = table.columns.length;
    const create = (name: string, width: number) => {
      const columns = Array.from({ length: width }, (_, i) => `c${i}`);
      db.exec(
        `CREATE TEMP TABLE ${quote(name)} (${columns.join(", ")})`,
      );
      return new StageInsert(db, name, width);
    };
    try {
      this.#items = create(this.#names.items, widths.itemsWidth);
      this.#values = create(this.#names.values, widths.valuesWidth);
      this.#rows = create(this.#names.rows, this.#rowsWidth);
      this.#updates = create(this.#names.updates, widths.updatesWidth);
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  writeItems(items: ItemRows[]): void {
    this.#short(() => {
      for (const rows of items) {
        this.#items.add(rows.item);
        for (const value of rows.values) this.#values.add(value);
        this.#rows.add(rows.row);
        if (rows.updates) {
          for (const update of rows.updates) this.#updates.add(update);
        }
      }
      this.#items.flush();
      this.#values.flush();
      this.#rows.flush();
      this.#updates.flush();
    });
  }

  writeUpdates(rows: Cell[][]): void {
    this.#short(() => {
      for (const row of rows) this.#updates.add(row);
      this.#updates.flush();
    });
  }

  /**
   * Copies the staged rows into the board's tables, set-based, in stage
   * order so a later row of the same key wins (inside the commit's
   * transaction, after the board's stored rows were removed).
   */
  copyInto(table: TableSpec, specs: (name: string) => TableSpec): void {
    this.#check();
    if (table.columns.length !== this.#rowsWidth) {
      throw new TypeError(
        `Cannot commit board table '${table.name}': it has ${table.columns.length} columns, ${this.#rowsWidth} were staged`,
      );
    }
    const db = this.#db;
    const names = this.#names;
    // An item moved here from another board takes only its values from here.
    db.exec(
      `DELETE FROM column_values WHERE item_id IN (SELECT c0 FROM temp.${
        quote(names.items)
      })`,
    );
    const copy = (target: TableSpec, stage: string) => {
      const columns = target.columns.map((c) => quote(c.name)).join(", ");
      db.exec(
        `INSERT OR REPLACE INTO ${
          quote(target.name)
        } (${columns}) SELECT * FROM temp.${quote(stage)} ORDER BY rowid`,
      );
    };
    copy(specs("items"), names.items);
    copy(specs("column_values"), names.values);
    copy(table, names.rows);
    copy(specs("updates"), names.updates);
  }

  /** Drops the staging tables (once; nothing if the connection closed). */
  drop(): void {
    if (this.#done) return;
    this.#done = true;
    if (!this.#db.isOpen) return;
    for (const name of Object.values(this.#names)) {
      this.#db.exec(`DROP TABLE IF EXISTS temp.${quote(name)}`);
    }
  }

  #check(): void {
    if (this.#done) {
      throw new TypeError("Cannot stage rows: the board writer is finished");
    }
  }

  /** A short transaction of its own (TEMP tables only: no lock on the file). */
  #short(work: () => void): void {
    this.#check();
    inTransaction(this.#db, "BEGIN", work);
  }
}

class SqliteTarget implements SyncTarget {
  readonly kind = "sqlite" as const;
  readonly label: string;
  #db: Database;
  #readOnly: boolean;
  #specs = new Map<string, TableSpec>();
  /** Staging tables made so far (each writer's are numbered). */
  #stages = 0;

  constructor(db: Database, label: string, readOnly: boolean) {
    this.#db = db;
    this.label = label;
    this.#readOnly = readOnly;
    for (const spec of NORMALIZED) this.#specs.set(spec.name, spec);
  }

  prepare(specs: TableSpec[]): Promise<void> {
    this.#transaction(() => {
      for (const spec of specs) {
        this.#specs.set(spec.name, spec);
        this.#db.exec(createSql(spec));
      }
      this.#db.exec(
        `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (board_id TEXT PRIMARY KEY, log_mark TEXT, full_at TEXT NOT NULL, synced_at TEXT NOT NULL, table_signature TEXT NOT NULL)`,
      );
      this.#db.exec(
        `CREATE TABLE IF NOT EXISTS ${SETTINGS_TABLE} (key TEXT PRIMARY KEY, value TEXT)`,
      );
      this.#db.exec(
        `CREATE INDEX IF NOT EXISTS items_board_id ON items (board_id)`,
      );
      this.#db.exec(
        `CREATE INDEX IF NOT EXISTS column_values_board_id ON column_values (board_id)`,
      );
      this.#db.exec(
        `CREATE INDEX IF NOT EXISTS updates_item_id ON updates (item_id)`,
      );
    });
    return Promise.resolve();
  }

  readStates(): Promise<Map<string, BoardSyncState>> {
    const states = new Map<string, BoardSyncState>();
    const exists = this.#db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
    ).all(STATE_TABLE);
    if (exists.length === 0) return Promise.resolve(states);
    const rows = this.#db.prepare(
      `SELECT board_id, log_mark, full_at, synced_at, table_signature FROM ${STATE_TABLE}`,
    ).all() as Record<string, string | null>[];
    for (const row of rows) {
      states.set(row.board_id!, {
        boardId: row.board_id!,
        logMark: row.log_mark ?? null,
        fullAt: row.full_at!,
        syncedAt: row.synced_at!,
        tableSignature: row.table_signature!,
      });
    }
    return Promise.resolve(states);
  }

  readValues(types: string[]): Promise<StoredValue[]> {
    if (types.length === 0) return Promise.resolve([]);
    const rows = this.#db.prepare(
      `SELECT item_id, board_id, column_id, value FROM column_values WHERE value IS NOT NULL AND type IN (${
        types.map(() => "?").join(", ")
      })`,
    ).all(...types) as Record<string, string | null>[];
    return Promise.resolve(rows.map((r) => ({
      itemId: String(r.item_id),
      boardId: String(r.board_id),
      columnId: String(r.column_id),
      value: r.value ?? null,
    })));
  }

  applyBoard(patch: BoardPatch): Promise<void> {
    this.#transaction(() => {
      this.#applyPatch(patch);
      this.#writeState(patch);
    });
    return Promise.resolve();
  }

  beginBoard(boardId: string, table: TableSpec): Promise<BoardWriter> {
    if (this.#readOnly) {
      return Promise.reject(
        new TypeError(
          `Cannot write board '${boardId}': the target is read-only`,
        ),
      );
    }
    const stage = new SqliteStage(this.#db, ++this.#stages, table, {
      itemsWidth: this.#spec("items").columns.length,
      valuesWidth: this.#spec("column_values").columns.length,
      updatesWidth: this.#spec("updates").columns.length,
    });
    return Promise.resolve({
      writeItems: (items: ItemRows[]) => {
        try {
          stage.writeItems(items);
          return Promise.resolve();
        } catch (error) {
          return Promise.reject(error);
        }
      },
      writeUpdates: (rows: Cell[][]) => {
        try {
          stage.writeUpdates(rows);
          return Promise.resolve();
        } catch (error) {
          return Promise.reject(error);
        }
      },
      commit: (patch: BoardPatch) => {
        try {
          if (!patch.table) {
            throw new TypeError(
              `Cannot commit board '${boardId}': the patch has no table`,
            );
          }
          const table = patch.table;
          // A board's rows go into big indexes: a larger page cache for the
          // copy only (SQLite's 2 MB default makes it re-read index pages).
          this.#db.exec(`PRAGMA cache_size = ${COMMIT_CACHE_KIB}`);
          try {
            this.#transaction(() => {
              this.#applyPatch(patch);
              stage.copyInto(table, (name) => this.#spec(name));
              this.#writeState(patch);
            });
          } finally {
            this.#db.exec("PRAGMA cache_size = -2000");
          }
          return Promise.resolve();
        } catch (error) {
          return Promise.reject(error);
        } finally {
          stage.drop();
        }
      },
      abort: () => {
        stage.drop();
        return Promise.resolve();
      },
    });
  }

  /** A board patch's rows, without its state (inside a transaction). */
  #applyPatch(patch: BoardPatch): void {
    const db = this.#db;
    const id = patch.boardId;
    const tableName = `board_${id}`;
    this.#upsert("boards", [patch.board]);
    if (patch.mode !== "incremental") {
      for (const name of ["updates", "column_values", "items"]) {
        db.prepare(`DELETE FROM ${quote(name)} WHERE board_id = ?`).run(id);
      }
      db.exec(`DROP TABLE IF EXISTS ${quote(tableName)}`);
    }
    for (const name of ["groups", "columns"]) {
      db.prepare(`DELETE FROM ${quote(name)} WHERE board_id = ?`).run(id);
    }
    if (patch.mode !== "inactive") {
      this.#upsert("groups", patch.groups);
      this.#upsert("columns", patch.columns);
    }
    if (patch.table) {
      if (patch.mode === "full") db.exec(createSql(patch.table));
      const removeValues = db.prepare(
        "DELETE FROM column_values WHERE item_id = ? AND board_id = ?",
      );
      const removeItem = db.prepare(
        "DELETE FROM items WHERE id = ? AND board_id = ?",
      );
      const removeRow = db.prepare(
        `DELETE FROM ${quote(tableName)} WHERE id = ?`,
      );
      const removeUpdates = db.prepare(
        "DELETE FROM updates WHERE item_id = ? AND board_id = ?",
      );
      for (const itemId of patch.removedItemIds) {
        removeUpdates.run(itemId, id);
        removeValues.run(itemId, id);
        removeItem.run(itemId, id);
        removeRow.run(itemId);
      }
      const clearValues = db.prepare(
        "DELETE FROM column_values WHERE item_id = ?",
      );
      const item = db.prepare(upsertSql(this.#spec("items")));
      const value = db.prepare(upsertSql(this.#spec("column_values")));
      const row = db.prepare(upsertSql(patch.table));
      const clearUpdates = db.prepare(
        "DELETE FROM updates WHERE item_id = ?",
      );
      const update = db.prepare(upsertSql(this.#spec("updates")));
      for (const rows of patch.items) {
        item.run(...rows.item.map(bind));
        clearValues.run(rows.id);
        for (const v of rows.values) value.run(...v.map(bind));
        row.run(...rows.row.map(bind));
        if (rows.updates) {
          clearUpdates.run(rows.id);
          for (const u of rows.updates) update.run(...u.map(bind));
        }
      }
      for (const u of patch.updates) update.run(...u.map(bind));
    }
  }

  /** A board patch's state (inside the patch's transaction). */
  #writeState(patch: BoardPatch): void {
    const db = this.#db;
    if (patch.state) {
      const s = patch.state;
      db.prepare(
        `INSERT OR REPLACE INTO ${STATE_TABLE} (board_id, log_mark, full_at, synced_at, table_signature) VALUES (?, ?, ?, ?, ?)`,
      ).run(s.boardId, s.logMark, s.fullAt, s.syncedAt, s.tableSignature);
    } else {
      db.prepare(`DELETE FROM ${STATE_TABLE} WHERE board_id = ?`).run(
        patch.boardId,
      );
    }
  }

  applyAccount(patch: AccountPatch): Promise<void> {
    this.#transaction(() => {
      for (const [name, rows] of Object.entries(patch.tables)) {
        if (BOARD_TABLES.includes(name)) {
          throw new TypeError(`Cannot replace per-board table '${name}'`);
        }
        this.#db.exec(`DELETE FROM ${quote(this.#spec(name).name)}`);
        this.#upsert(name, rows);
      }
    });
    return Promise.resolve();
  }

  appendRows(
    table: string,
    rows: Cell[][],
    setting?: { key: string; value: string | null },
  ): Promise<void> {
    this.#transaction(() => {
      this.#upsert(table, rows);
      if (setting) {
        this.#db.prepare(
          `INSERT OR REPLACE INTO ${SETTINGS_TABLE} (key, value) VALUES (?, ?)`,
        ).run(setting.key, setting.value);
      }
    });
    return Promise.resolve();
  }

  trimRows(table: string, column: string, after: number): Promise<number> {
    const name = quote(this.#spec(table).name);
    let max = 0;
    this.#transaction(() => {
      this.#db.prepare(`DELETE FROM ${name} WHERE ${quote(column)} > ?`).run(
        after,
      );
      const rows = this.#db.prepare(
        `SELECT coalesce(max(${quote(column)}), 0) AS m FROM ${name}`,
      ).all() as { m: number }[];
      max = Number(rows[0]?.m ?? 0);
    });
    return Promise.resolve(max);
  }

  readSetting(key: string): Promise<string | undefined> {
    const exists = this.#db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
    ).all(SETTINGS_TABLE);
    if (exists.length === 0) return Promise.resolve(undefined);
    const rows = this.#db.prepare(
      `SELECT value FROM ${SETTINGS_TABLE} WHERE key = ?`,
    ).all(key) as { value: string | null }[];
    return Promise.resolve(rows[0]?.value ?? undefined);
  }

  query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const readOnly = options.readOnly ?? true;
    const db = this.#db;
    if (readOnly && !this.#readOnly) db.exec("PRAGMA query_only = ON");
    try {
      const statement = db.prepare(sql);
      const columns = statement.columns().map((c) => c.name);
      statement.setReturnArrays(true);
      const rows = statement.all(
        ...(options.params ?? []).map(bind),
      ) as unknown[][];
      return Promise.resolve({ columns, rows });
    } catch (error) {
      return Promise.reject(error);
    } finally {
      if (readOnly && !this.#readOnly) db.exec("PRAGMA query_only = OFF");
    }
  }

  close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #spec(name: string): TableSpec {
    const spec = this.#specs.get(name);
    if (!spec) throw new TypeError(`Unknown table '${name}'`);
    return spec;
  }

  #upsert(name: string, rows: Cell[][]): void {
    if (rows.length === 0) return;
    const statement = this.#db.prepare(upsertSql(this.#spec(name)));
    for (const row of rows) statement.run(...row.map(bind));
  }

  #transaction(work: () => void): void {
    inTransaction(this.#db, "BEGIN IMMEDIATE", work);
  }
}

/**
 * Opens (creating if missing) a SQLite database file as a sync target,
 * through Deno's built-in `node:sqlite`. Writes use one `BEGIN IMMEDIATE`
 * transaction per board, in WAL mode, so readers see each board either
 * before or after. A board read whole is staged page by page in TEMP tables
 * of the connection (`beginBoard`), invisible to readers and gone with the
 * connection, and its commit replaces the board's rows set-based.
 *
 * Permissions: `--allow-read` and `--allow-write` to the file (and its
 * `-wal`/`-shm` companions).
 *
 * @param path The database file (`:memory:` for a throwaway one).
 * @param options Read-only mode.
 * @returns The target. Close it with `close()` or `await using`.
 * @throws {TypeError} If `path` is empty.
 * @throws {Error} If SQLite cannot open the file (e.g. read-only and missing).
 * @example Open, query, close
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSqliteTarget } from "./sqlite_target.ts";
 *
 * await using target = await openSqliteTarget(":memory:");
 * const result = await target.query("SELECT 1 + 1 AS two");
 * assert.deepEqual(result, { columns: ["two"], rows: [[2]] });
 * ```
 */
export async function openSqliteTarget(
  path: string,
  options: OpenSqliteTargetOptions = {},
): Promise<SyncTarget> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("Invalid 'path': expected a SQLite file path");
  }
  const { DatabaseSync } = await import("node:sqlite");
  const readOnly = options.readOnly ?? false;
  if (readOnly && path !== ":memory:") {
    // SQLite would create a missing file; a read-only open must not.
    await Deno.stat(path);
  }
  const db = new DatabaseSync(path, { readOnly }) as unknown as Database;
  try {
    db.exec("PRAGMA busy_timeout = 10000");
    if (!readOnly && path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteTarget(db, path, readOnly);
}
