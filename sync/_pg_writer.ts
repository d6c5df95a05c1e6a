/**
 * A board's whole read on PostgreSQL, written while it is read: rows go by
 * `COPY` into UNLOGGED staging tables of the writer's own
 * (`_mondaykit_stage_<run>_<n>_items`, `_values`, `_rows`, `_updates`), and
 * `commit` replaces the board's rows with them in one transaction, with
 * set-based SQL. Readers of the mirror never see the staging tables' rows
 * before the commit; an abort drops them, and a killed run's leftovers are
 * dropped by the next `prepare` (see {@linkcode stagingPrefix}).
 *
 * @module
 */

import type {
  BoardPatch,
  BoardWriter,
  Cell,
  ItemRows,
  TableSpec,
} from "./target.ts";
import { COLUMN_VALUES, ITEMS, UPDATES } from "./_model.ts";
import {
  clearBoard,
  conflictClause,
  copyRows,
  copyText,
  createSql,
  PG_TYPES,
  type PgClient,
  type PgSql,
  quote,
} from "./_pg_bulk.ts";

/** The prefix of every staging table (followed by the run's 8 hex digits). */
export const STAGING_PREFIX = "_mondaykit_stage_";

/** The advisory-lock class a live run holds its run key under. */
export const STAGING_LOCK_CLASS = 7263545;

/**
 * The name prefix of the staging tables of one run's writer.
 *
 * @param run The run's key, as 8 hex digits.
 * @param n The writer's number within the run.
 */
export function stagingPrefix(run: string, n: number): string {
  return `${STAGING_PREFIX}${run}_${n}_`;
}

/** What a writer needs from its target. */
export interface PgWriterHost {
  /** The pool. */
  sql: PgClient;
  /** Runs a write transaction after the ones before it. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Applies the patch's board row, groups, columns, items and state. */
  applyStructure(tx: PgSql, patch: BoardPatch, table: TableSpec): Promise<void>;
}

function stagingSql(name: string, columns: TableSpec["columns"]): string {
  return `CREATE UNLOGGED TABLE ${quote(name)} (seq bigint NOT NULL, ${
    columns.map((c) => `${quote(c.name)} ${PG_TYPES[c.type]}`).join(", ")
  })`;
}

function names(spec: TableSpec): string[] {
  return ["seq", ...spec.columns.map((c) => c.name)];
}

function upsertFrom(spec: TableSpec, source: string): string {
  const columns = spec.columns.map((c) => quote(c.name)).join(", ");
  return `INSERT INTO ${quote(spec.name)} (${columns}) SELECT ${columns} FROM ${
    quote(source)
  } ${conflictClause(spec)}`;
}

function insertFrom(spec: TableSpec, source: string): string {
  const columns = spec.columns.map((c) => quote(c.name)).join(", ");
  return `INSERT INTO ${quote(spec.name)} (${columns}) SELECT ${columns} FROM ${
    quote(source)
  }`;
}

/** A {@linkcode BoardWriter} on PostgreSQL. */
export class PgBoardWriter implements BoardWriter {
  #host: PgWriterHost;
  #boardId: string;
  #table: TableSpec;
  #items: string;
  #values: string;
  #rows: string;
  #updates: string;
  #seq = 0;
  /** Rows staged per staging table, to check at the commit. */
  #staged = new Map<string, number>();
  #pending: Promise<void> = Promise.resolve();
  #state: "open" | "done" = "open";

  constructor(
    host: PgWriterHost,
    boardId: string,
    table: TableSpec,
    prefix: string,
  ) {
    this.#host = host;
    this.#boardId = boardId;
    this.#table = table;
    this.#items = `${prefix}items`;
    this.#values = `${prefix}values`;
    this.#rows = `${prefix}rows`;
    this.#updates = `${prefix}updates`;
  }

  /** Creates the staging tables. */
  async create(): Promise<void> {
    await this.#host.sql.begin(async (tx) => {
      await tx.unsafe(stagingSql(this.#items, ITEMS.columns));
      await tx.unsafe(stagingSql(this.#values, COLUMN_VALUES.columns));
      await tx.unsafe(stagingSql(this.#rows, this.#table.columns));
      await tx.unsafe(stagingSql(this.#updates, UPDATES.columns));
    });
  }

  async writeItems(items: ItemRows[]): Promise<void> {
    this.#open();
    if (items.length === 0) return;
    const itemRows: Cell[][] = [];
    const valueRows: Cell[][] = [];
    const boardRows: Cell[][] = [];
    const updateRows: Cell[][] = [];
    for (const item of items) {
      const seq = ++this.#seq;
      itemRows.push([seq, ...item.item]);
      boardRows.push([seq, ...item.row]);
      for (const v of item.values) valueRows.push([seq, ...v]);
      for (const u of item.updates ?? []) updateRows.push([++this.#seq, ...u]);
    }
    const copies: [string, string[], Cell[][]][] = [
      [this.#items, names(ITEMS), itemRows],
      [this.#values, names(COLUMN_VALUES), valueRows],
      [this.#rows, names(this.#table), boardRows],
      [this.#updates, names(UPDATES), updateRows],
    ];
    for (const [table, , rows] of copies) this.#count(table, rows.length);
    await this.#stage(
      copies.map(([table, columns, rows]) => [
        table,
        columns,
        copyText(rows, columns.length),
      ]),
    );
  }

  async writeUpdates(rows: Cell[][]): Promise<void> {
    this.#open();
    const columns = names(UPDATES);
    const staged = rows.map((row) => [++this.#seq, ...row]);
    this.#count(this.#updates, staged.length);
    await this.#stage([[
      this.#updates,
      columns,
      copyText(staged, columns.length),
    ]]);
  }

  /**
   * Starts the COPYs of a page once the previous page's are done, and
   * returns without waiting for them: the next page is prepared (and read
   * from monday) while the server parses this one. A failed page fails the
   * next write, or the commit.
   */
  async #stage(copies: [string, string[], string][]): Promise<void> {
    const previous = this.#pending;
    // Pages run in order, each after the one before succeeded.
    const pending = (async () => {
      await previous;
      // A connection of their own: nothing may queue behind a COPY.
      const sql = await this.#host.sql.reserve();
      try {
        for (const [table, columns, text] of copies) {
          await copyRows(sql, table, columns, text);
        }
      } finally {
        sql.release();
      }
    })();
    pending.catch(() => {});
    this.#pending = pending;
    await previous;
  }

  async commit(patch: BoardPatch): Promise<void> {
    this.#open();
    await this.#pending;
    if (patch.mode !== "full" || patch.boardId !== this.#boardId) {
      throw new TypeError(
        `Cannot commit board '${this.#boardId}': expected a full patch of it, got a ${patch.mode} patch of board '${patch.boardId}'`,
      );
    }
    const id = this.#boardId;
    const table = patch.table ?? this.#table;
    await this.#host.exclusive(() =>
      this.#host.sql.begin(async (tx) => {
        await this.#checkStaged(tx);
        await this.#keepLast(tx);
        await clearBoard(tx, id);
        await tx.unsafe(createSql(table));
        // Items staged here that another board still holds (moved since its
        // last read) leave it first, with their values: then plain INSERTs,
        // about 40% faster than ON CONFLICT on a million values.
        const moved = await tx.unsafe(
          `SELECT s.id FROM ${quote(this.#items)} s JOIN items USING (id)`,
        );
        if (moved.length) {
          const ids = moved.map((r) => String(r.id));
          await tx.unsafe(
            "DELETE FROM column_values WHERE item_id = ANY($1::text[])",
            [ids],
          );
          await tx.unsafe("DELETE FROM items WHERE id = ANY($1::text[])", [
            ids,
          ]);
        }
        await tx.unsafe(insertFrom(ITEMS, this.#items));
        await tx.unsafe(insertFrom(COLUMN_VALUES, this.#values));
        await tx.unsafe(
          insertFrom({ ...this.#table, name: table.name }, this.#rows),
        );
        await tx.unsafe(upsertFrom(UPDATES, this.#updates));
        await this.#host.applyStructure(tx, patch, table);
        await tx.unsafe(`DROP TABLE ${this.#staging()}`);
      })
    );
    this.#state = "done";
  }

  #count(table: string, rows: number): void {
    this.#staged.set(table, (this.#staged.get(table) ?? 0) + rows);
  }

  /**
   * PostgreSQL empties UNLOGGED tables after a crash, and the driver
   * reconnects without a word: a staging that lost rows must not replace
   * the board.
   */
  async #checkStaged(tx: PgSql): Promise<void> {
    for (
      const table of [this.#items, this.#values, this.#rows, this.#updates]
    ) {
      const [row] = await tx.unsafe(
        `SELECT count(*)::bigint AS n FROM ${quote(table)}`,
      );
      const found = Number(row?.n ?? 0);
      const staged = this.#staged.get(table) ?? 0;
      if (found !== staged) {
        throw new Error(
          `Cannot commit board '${this.#boardId}': its staging table holds ${found} of the ${staged} rows written to it (PostgreSQL empties unlogged tables after a crash); the stored board is left as it was, sync again`,
        );
      }
    }
  }

  async abort(): Promise<void> {
    if (this.#state === "done") return;
    this.#state = "done";
    await this.#pending.catch(() => {});
    await this.#host.sql.unsafe(`DROP TABLE IF EXISTS ${this.#staging()}`);
  }

  /**
   * Deletes every staged row but the last of each item id (and of each
   * update id): a group read again after its cursor expired stages its
   * items twice.
   */
  async #keepLast(tx: PgSql): Promise<void> {
    const items = await tx.unsafe(
      `SELECT id, max(seq)::text AS seq FROM ${
        quote(this.#items)
      } GROUP BY id HAVING count(*) > 1`,
    );
    if (items.length) {
      const params = [
        items.map((r) => String(r.id)),
        items.map((r) => String(r.seq)),
      ];
      for (const [name, key] of [[this.#items, "id"], [this.#rows, "id"]]) {
        await tx.unsafe(
          `DELETE FROM ${
            quote(name!)
          } s USING unnest($1::text[], $2::bigint[]) AS d(id, seq) WHERE s.${key} = d.id AND s.seq < d.seq`,
          params,
        );
      }
      await tx.unsafe(
        `DELETE FROM ${
          quote(this.#values)
        } s USING unnest($1::text[], $2::bigint[]) AS d(id, seq) WHERE s.item_id = d.id AND s.seq <> d.seq`,
        params,
      );
    }
    await tx.unsafe(
      `DELETE FROM ${
        quote(this.#updates)
      } s USING (SELECT id, max(seq) AS seq FROM ${
        quote(this.#updates)
      } GROUP BY id HAVING count(*) > 1) AS d WHERE s.id = d.id AND s.seq < d.seq`,
    );
  }

  #staging(): string {
    return [this.#items, this.#values, this.#rows, this.#updates].map(quote)
      .join(", ");
  }

  #open(): void {
    if (this.#state !== "open") {
      throw new TypeError(
        `Cannot use the writer of board '${this.#boardId}': it was committed or aborted`,
      );
    }
  }
}
