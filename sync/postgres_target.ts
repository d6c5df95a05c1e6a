/**
 * The PostgreSQL target, through the `postgres` npm driver (loaded only when
 * a PostgreSQL target is opened). Types: `text` for ids and text, `double
 * precision` for numbers, `boolean`, `date`, `timestamptz`, `jsonb`. A board
 * read whole is staged by `COPY` and committed in one transaction
 * (`_pg_writer.ts`); other writes are `unnest` upserts (`_pg_bulk.ts`).
 *
 * @module
 */

import type {
  AccountPatch,
  BoardPatch,
  BoardSyncState,
  BoardWriter,
  Cell,
  QueryOptions,
  QueryResult,
  StoredValue,
  SyncTarget,
  TableSpec,
} from "./target.ts";
import { BOARD_TABLES, NORMALIZED } from "./_model.ts";
import {
  clearBoard,
  createSql,
  type PgClient as Client,
  type PgSql as Sql,
  quote,
  upsertRows as upsert,
} from "./_pg_bulk.ts";
import {
  PgBoardWriter,
  STAGING_LOCK_CLASS,
  STAGING_PREFIX,
  stagingPrefix,
} from "./_pg_writer.ts";

/** Options of {@linkcode openPostgresTarget}. */
export interface OpenPostgresTargetOptions {
  /**
   * Run every `query` in a read-only transaction, and refuse to sync.
   *
   * @default {false}
   */
  readOnly?: boolean;
  /**
   * The most connections open at once in the pool. From the first
   * whole-board writer (`beginBoard`) until `close`, one more connection
   * holds the run's advisory lock, which keeps its staging tables from
   * another run's clean-up.
   *
   * @default {4}
   */
  maxConnections?: number;
}

const STATE_TABLE = "_mondaykit_sync_state";
const SETTINGS_TABLE = "_mondaykit_settings";

/**
 * Masks the password of a PostgreSQL URL, for messages and labels.
 *
 * @param url The URL.
 * @returns The URL with its password replaced by `****` (a string that is
 * not a URL comes back as `postgres://…`).
 * @example Mask a password
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskPostgresUrl } from "./postgres_target.ts";
 *
 * assert.equal(
 *   maskPostgresUrl("postgres://mirror:hunter22@db.internal/monday"),
 *   "postgres://mirror:****@db.internal/monday",
 * );
 * ```
 */
export function maskPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

class PostgresTarget implements SyncTarget {
  readonly kind = "postgres" as const;
  readonly label: string;
  #sql: Client;
  #readOnly: boolean;
  #specs = new Map<string, TableSpec>();
  #writing: Promise<unknown> = Promise.resolve();
  #connectOne: () => Client;
  /** This target's key in the staging tables' names (8 hex digits). */
  #run: string;
  /** A connection of its own holding the run's advisory lock. */
  #lock: Promise<Client> | undefined;
  #writers = 0;

  constructor(
    sql: Client,
    label: string,
    readOnly: boolean,
    connectOne: () => Client,
  ) {
    this.#sql = sql;
    this.label = label;
    this.#readOnly = readOnly;
    this.#connectOne = connectOne;
    const key = new Uint32Array(1);
    crypto.getRandomValues(key);
    this.#run = key[0]!.toString(16).padStart(8, "0");
    for (const spec of NORMALIZED) this.#specs.set(spec.name, spec);
  }

  async prepare(specs: TableSpec[]): Promise<void> {
    this.#writable();
    await this.#sql.begin(async (tx) => {
      // Two syncs creating the same tables at once would collide in the
      // catalog: one at a time.
      await tx.unsafe("SELECT pg_advisory_xact_lock(7263544)");
      for (const spec of specs) {
        this.#specs.set(spec.name, spec);
        await tx.unsafe(createSql(spec));
      }
      await tx.unsafe(
        `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (board_id text PRIMARY KEY, log_mark text, full_at text NOT NULL, synced_at text NOT NULL, table_signature text NOT NULL)`,
      );
      await tx.unsafe(
        `CREATE TABLE IF NOT EXISTS ${SETTINGS_TABLE} (key text PRIMARY KEY, value text)`,
      );
      await tx.unsafe(
        "CREATE INDEX IF NOT EXISTS items_board_id ON items (board_id)",
      );
      await tx.unsafe(
        "CREATE INDEX IF NOT EXISTS column_values_board_id ON column_values (board_id)",
      );
      await tx.unsafe(
        "CREATE INDEX IF NOT EXISTS updates_item_id ON updates (item_id)",
      );
      await this.#dropLeftovers(tx);
    });
  }

  /**
   * Drops the staging tables of runs that are gone (killed mid-read): a
   * live run holds its key's advisory lock on a connection of its own, so a
   * key whose lock is free belongs to no one.
   */
  async #dropLeftovers(tx: Sql): Promise<void> {
    const tables = await tx.unsafe(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1)",
      [STAGING_PREFIX],
    );
    const byRun = new Map<string, string[]>();
    for (const row of tables) {
      const name = String(row.tablename);
      const run = name.slice(STAGING_PREFIX.length, STAGING_PREFIX.length + 8);
      if (!/^[0-9a-f]{8}$/.test(run) || run === this.#run) continue;
      byRun.set(run, [...(byRun.get(run) ?? []), name]);
    }
    for (const [run, names] of byRun) {
      const free = await tx.unsafe(
        "SELECT pg_try_advisory_xact_lock($1::int, $2::int) AS free",
        [STAGING_LOCK_CLASS, lockKey(run)],
      );
      if (free[0]?.free) {
        await tx.unsafe(`DROP TABLE IF EXISTS ${names.map(quote).join(", ")}`);
      }
    }
  }

  async beginBoard(boardId: string, table: TableSpec): Promise<BoardWriter> {
    this.#writable();
    this.#lock ??= (async () => {
      const client = this.#connectOne();
      try {
        await client.unsafe("SELECT pg_advisory_lock($1::int, $2::int)", [
          STAGING_LOCK_CLASS,
          lockKey(this.#run),
        ]);
      } catch (error) {
        await client.end({ timeout: 1 });
        throw error;
      }
      return client;
    })();
    try {
      await this.#lock;
    } catch (error) {
      this.#lock = undefined;
      throw error;
    }
    const writer = new PgBoardWriter(
      {
        sql: this.#sql,
        exclusive: (work) => this.#exclusive(work),
        applyStructure: (tx, patch) => this.#applyPatch(tx, patch, true),
      },
      boardId,
      table,
      stagingPrefix(this.#run, this.#writers++),
    );
    await writer.create();
    return writer;
  }

  async readStates(): Promise<Map<string, BoardSyncState>> {
    const states = new Map<string, BoardSyncState>();
    const exists = await this.#sql.unsafe(
      "SELECT to_regclass($1) IS NOT NULL AS present",
      [STATE_TABLE],
    );
    if (!exists[0]?.present) return states;
    const rows = await this.#sql.unsafe(
      `SELECT board_id, log_mark, full_at, synced_at, table_signature FROM ${STATE_TABLE}`,
    );
    for (const row of rows) {
      const id = String(row.board_id);
      states.set(id, {
        boardId: id,
        logMark: row.log_mark === null ? null : String(row.log_mark),
        fullAt: String(row.full_at),
        syncedAt: String(row.synced_at),
        tableSignature: String(row.table_signature),
      });
    }
    return states;
  }

  async readValues(types: string[]): Promise<StoredValue[]> {
    if (types.length === 0) return [];
    const rows = await this.#sql.unsafe(
      "SELECT item_id, board_id, column_id, value::text AS value FROM column_values WHERE value IS NOT NULL AND type = ANY($1::text[])",
      [types],
    );
    return rows.map((r) => ({
      itemId: String(r.item_id),
      boardId: String(r.board_id),
      columnId: String(r.column_id),
      value: r.value === null ? null : String(r.value),
    }));
  }

  async applyBoard(patch: BoardPatch): Promise<void> {
    this.#writable();
    await this.#exclusive(() =>
      this.#sql.begin((tx) => this.#applyPatch(tx, patch, false))
    );
  }

  /**
   * Applies a patch in a transaction. `staged`: a writer's commit has
   * already replaced the board's items, values, updates and table.
   */
  async #applyPatch(
    tx: Sql,
    patch: BoardPatch,
    staged: boolean,
  ): Promise<void> {
    const id = patch.boardId;
    const tableName = quote(`board_${id}`);
    await upsert(tx, this.#spec("boards"), [patch.board]);
    if (patch.mode !== "incremental" && !staged) await clearBoard(tx, id);
    await tx.unsafe("DELETE FROM groups WHERE board_id = $1", [id]);
    await tx.unsafe("DELETE FROM columns WHERE board_id = $1", [id]);
    if (patch.mode !== "inactive") {
      await upsert(tx, this.#spec("groups"), patch.groups);
      await upsert(tx, this.#spec("columns"), patch.columns);
    }
    if (patch.table) {
      if (patch.mode === "full" && !staged) {
        await tx.unsafe(createSql(patch.table));
      }
      if (patch.removedItemIds.length) {
        const ids = patch.removedItemIds;
        await tx.unsafe(
          "DELETE FROM updates WHERE board_id = $1 AND item_id = ANY($2::text[])",
          [id, ids],
        );
        await tx.unsafe(
          "DELETE FROM column_values WHERE board_id = $1 AND item_id = ANY($2::text[])",
          [id, ids],
        );
        await tx.unsafe(
          "DELETE FROM items WHERE board_id = $1 AND id = ANY($2::text[])",
          [id, ids],
        );
        await tx.unsafe(
          `DELETE FROM ${tableName} WHERE id = ANY($1::text[])`,
          [ids],
        );
      }
      if (patch.items.length) {
        const ids = patch.items.map((r) => r.id);
        if (patch.mode === "incremental") {
          await tx.unsafe(
            "DELETE FROM column_values WHERE item_id = ANY($1::text[])",
            [ids],
          );
        }
        await upsert(
          tx,
          this.#spec("items"),
          patch.items.map((r) => r.item),
        );
        await upsert(
          tx,
          this.#spec("column_values"),
          patch.items.flatMap((r) => r.values),
        );
        await upsert(tx, patch.table, patch.items.map((r) => r.row));
        const refreshed = patch.items.filter((r) => r.updates);
        if (refreshed.length) {
          await tx.unsafe(
            "DELETE FROM updates WHERE item_id = ANY($1::text[])",
            [refreshed.map((r) => r.id)],
          );
          await upsert(
            tx,
            this.#spec("updates"),
            refreshed.flatMap((r) => r.updates!),
          );
        }
      }
      await upsert(tx, this.#spec("updates"), patch.updates);
    }
    if (patch.state) {
      const s = patch.state;
      await tx.unsafe(
        `INSERT INTO ${STATE_TABLE} (board_id, log_mark, full_at, synced_at, table_signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (board_id) DO UPDATE SET log_mark = EXCLUDED.log_mark, full_at = EXCLUDED.full_at, synced_at = EXCLUDED.synced_at, table_signature = EXCLUDED.table_signature`,
        [s.boardId, s.logMark, s.fullAt, s.syncedAt, s.tableSignature],
      );
    } else {
      await tx.unsafe(`DELETE FROM ${STATE_TABLE} WHERE board_id = $1`, [
        id,
      ]);
    }
  }

  async applyAccount(patch: AccountPatch): Promise<void> {
    this.#writable();
    await this.#exclusive(() =>
      this.#sql.begin(async (tx) => {
        for (const [name, rows] of Object.entries(patch.tables)) {
          if (BOARD_TABLES.includes(name)) {
            throw new TypeError(`Cannot replace per-board table '${name}'`);
          }
          const spec = this.#spec(name);
          await tx.unsafe(`DELETE FROM ${quote(spec.name)}`);
          await upsert(tx, spec, rows);
        }
      })
    );
  }

  async appendRows(
    table: string,
    rows: Cell[][],
    setting?: { key: string; value: string | null },
  ): Promise<void> {
    this.#writable();
    await this.#exclusive(() =>
      this.#sql.begin(async (tx) => {
        await upsert(tx, this.#spec(table), rows);
        if (setting) {
          await tx.unsafe(
            `INSERT INTO ${SETTINGS_TABLE} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
            [setting.key, setting.value],
          );
        }
      })
    );
  }

  async trimRows(
    table: string,
    column: string,
    after: number,
  ): Promise<number> {
    this.#writable();
    const name = quote(this.#spec(table).name);
    return await this.#exclusive(() =>
      this.#sql.begin(async (tx) => {
        await tx.unsafe(`DELETE FROM ${name} WHERE ${quote(column)} > $1`, [
          after,
        ]);
        const rows = await tx.unsafe(
          `SELECT coalesce(max(${quote(column)}), 0) AS m FROM ${name}`,
        );
        return Number(rows[0]?.m ?? 0);
      })
    );
  }

  async readSetting(key: string): Promise<string | undefined> {
    const exists = await this.#sql.unsafe(
      "SELECT to_regclass($1) IS NOT NULL AS present",
      [SETTINGS_TABLE],
    );
    if (!exists[0]?.present) return undefined;
    const rows = await this.#sql.unsafe(
      `SELECT value FROM ${SETTINGS_TABLE} WHERE key = $1`,
      [key],
    );
    const value = rows[0]?.value;
    return value === null || value === undefined ? undefined : String(value);
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const readOnly = this.#readOnly || (options.readOnly ?? true);
    const params = (options.params ?? []) as unknown[];
    const run = async (tx: Sql) => {
      const rows = await tx.unsafe(sql, params).values();
      return {
        columns: (rows.columns ?? []).map((c) => c.name),
        rows: [...rows],
      };
    };
    return readOnly
      ? await this.#sql.begin("read only", run)
      : await this.#sql.begin(run);
  }

  async close(): Promise<void> {
    const lock = this.#lock;
    this.#lock = undefined;
    await Promise.all([
      this.#sql.end({ timeout: 5 }),
      lock?.then((client) => client.end({ timeout: 5 }), () => {}),
    ]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs write transactions one at a time: boards are read in parallel, but
   * two boards' transactions touching the same rows (an item moved between
   * them) could otherwise deadlock.
   */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(work, work);
    this.#writing = run.catch(() => {});
    return run;
  }

  #writable(): void {
    if (this.#readOnly) {
      throw new TypeError(
        `Cannot write to '${this.label}': the target was opened read-only`,
      );
    }
  }

  #spec(name: string): TableSpec {
    const spec = this.#specs.get(name);
    if (!spec) throw new TypeError(`Unknown table '${name}'`);
    return spec;
  }
}

/** The advisory-lock key of a run (its 8 hex digits as a 32-bit integer). */
function lockKey(run: string): number {
  return parseInt(run, 16) | 0;
}

/**
 * Opens a PostgreSQL database as a sync target. Connection details missing
 * from the URL come from libpq's variables (`PGHOST`, `PGPORT`, `PGUSER`,
 * `PGPASSWORD`, `PGDATABASE`), so the password need not be in the URL. The
 * password never appears in `label`, errors or logs. Dates, timestamps and
 * JSON come back from `query` as text, 64-bit integers as strings. A board
 * read whole (`beginBoard`) is staged in UNLOGGED tables named
 * `_mondaykit_stage_…` until its commit; `prepare` drops those a killed run
 * left (see docs/tables.md).
 *
 * Permissions: `--allow-net` to the server, `--allow-env` for the `PG*`
 * variables, `--allow-read` for the driver's package.
 *
 * @param url A `postgres://` or `postgresql://` URL.
 * @param options Read-only mode and pool size.
 * @returns The target. Close it with `close()` or `await using`.
 * @throws {TypeError} If the URL is not a PostgreSQL URL.
 * @throws {Error} If the server refuses the connection (on first use).
 * @example A URL must name PostgreSQL (the password stays masked)
 * ```ts
 * import assert from "node:assert/strict";
 * import { openPostgresTarget } from "./postgres_target.ts";
 *
 * await assert.rejects(
 *   openPostgresTarget("mysql://me:hunter22@localhost/db"),
 *   (error: Error) => error instanceof TypeError && !error.message.includes("hunter22"),
 * );
 * ```
 */
export async function openPostgresTarget(
  url: string,
  options: OpenPostgresTargetOptions = {},
): Promise<SyncTarget> {
  if (typeof url !== "string" || !/^postgres(ql)?:\/\//i.test(url)) {
    throw new TypeError(
      `Invalid PostgreSQL URL '${
        maskPostgresUrl(String(url))
      }': expected postgres://…`,
    );
  }
  const max = options.maxConnections ?? 4;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(
      `Invalid 'maxConnections': expected an integer of 1 or more, got '${max}'`,
    );
  }
  const { default: postgres } = await import("postgres");
  const asText = (oids: number[]) => ({
    to: oids[0]!,
    from: oids,
    serialize: (value: unknown) => String(value),
    parse: (value: string) => value,
  });
  const connect = (max: number, lifetime?: null) =>
    postgres(url, {
      max,
      ...(lifetime === null ? { max_lifetime: null } : {}),
      onnotice: () => {},
      types: {
        dates: asText([1082, 1114, 1184]),
        json: asText([114, 3802]),
      },
    }) as unknown as Client;
  return new PostgresTarget(
    connect(max),
    maskPostgresUrl(url),
    options.readOnly ?? false,
    // The advisory lock lives as long as its connection: the driver must not
    // retire it after its default 30-60 minutes (a long first sync would
    // lose the lock, and another run would drop its staging tables).
    () => connect(1, null),
  );
}
