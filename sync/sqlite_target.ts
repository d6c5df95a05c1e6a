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
  Cell,
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

function upsertSql(table: TableSpec): string {
  const names = table.columns.map((c) => quote(c.name));
  return `INSERT OR REPLACE INTO ${quote(table.name)} (${
    names.join(", ")
  }) VALUES (${names.map(() => "?").join(", ")})`;
}

class SqliteTarget implements SyncTarget {
  readonly kind = "sqlite" as const;
  readonly label: string;
  #db: Database;
  #readOnly: boolean;
  #specs = new Map<string, TableSpec>();

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
    const db = this.#db;
    const id = patch.boardId;
    const tableName = `board_${id}`;
    this.#transaction(() => {
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
      if (patch.state) {
        const s = patch.state;
        db.prepare(
          `INSERT OR REPLACE INTO ${STATE_TABLE} (board_id, log_mark, full_at, synced_at, table_signature) VALUES (?, ?, ?, ?, ?)`,
        ).run(s.boardId, s.logMark, s.fullAt, s.syncedAt, s.tableSignature);
      } else {
        db.prepare(`DELETE FROM ${STATE_TABLE} WHERE board_id = ?`).run(id);
      }
    });
    return Promise.resolve();
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
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      work();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}

/**
 * Opens (creating if missing) a SQLite database file as a sync target,
 * through Deno's built-in `node:sqlite`. Writes use one `BEGIN IMMEDIATE`
 * transaction per board, in WAL mode, so readers see each board either
 * before or after.
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
