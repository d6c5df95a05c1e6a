/**
 * The PostgreSQL target's bulk writes: `COPY … FROM STDIN` in text format for
 * the staging tables of a whole-board read, and one `INSERT … SELECT FROM
 * unnest(…)` per chunk for upserts (one bind parameter per column, whatever
 * the number of rows, so the statement is prepared once and reused).
 *
 * Values go in as text and are parsed by the column type's input function,
 * exactly as a `$1::type` parameter is: numbers as `String(n)`, booleans as
 * `true`/`false`, `null` as SQL NULL.
 *
 * @module
 */

import type { Cell, SqlType, TableSpec } from "./target.ts";

/** The PostgreSQL type of each logical column type. */
export const PG_TYPES: Record<SqlType, string> = {
  text: "text",
  integer: "bigint",
  real: "double precision",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamptz",
  json: "jsonb",
};

// The slice of the driver's API the target uses.
/** A result: rows, and the column names when asked for arrays. */
export interface PgRows extends Array<Record<string, unknown>> {
  columns?: { name: string }[];
}
/** A query in flight. */
export interface PgPending extends Promise<PgRows> {
  values(): Promise<unknown[][] & { columns?: { name: string }[] }>;
  writable(): Promise<PgWritable>;
}
/** The Node.js stream a `COPY … FROM STDIN` query becomes. */
export interface PgWritable {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
  end(callback: () => void): void;
  once(event: "error", listener: (error: Error) => void): void;
  once(event: "finish", listener: () => void): void;
  destroy(error?: Error): void;
}
/** A connection, a pool or a transaction. */
export interface PgSql {
  unsafe(query: string, params?: unknown[]): PgPending;
}
/** A connection taken from the pool until released. */
export interface PgReserved extends PgSql {
  release(): void;
}
/** The pool. */
export interface PgClient extends PgSql {
  reserve(): Promise<PgReserved>;
  begin<T>(options: string, work: (tx: PgSql) => Promise<T>): Promise<T>;
  begin<T>(work: (tx: PgSql) => Promise<T>): Promise<T>;
  end(options?: { timeout?: number }): Promise<void>;
}

/** Quotes an SQL identifier. */
export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `CREATE TABLE IF NOT EXISTS` for a spec, with its primary key. */
export function createSql(table: TableSpec): string {
  const columns = table.columns.map((c) =>
    `${quote(c.name)} ${PG_TYPES[c.type]}`
  );
  return `CREATE TABLE IF NOT EXISTS ${quote(table.name)} (${
    columns.join(", ")
  }, PRIMARY KEY (${table.primaryKey.map(quote).join(", ")}))`;
}

/** Rows per upsert statement: big enough to amortize a round trip. */
const UPSERT_CHUNK = 5_000;

/**
 * The last row of each primary key, in first-seen order: one statement may
 * not upsert the same key twice.
 */
function lastByKey(table: TableSpec, rows: Cell[][]): Cell[][] {
  const positions = table.primaryKey.map((k) =>
    table.columns.findIndex((c) => c.name === k)
  );
  const byKey = new Map<string, Cell[]>();
  for (const row of rows) {
    const key = positions.length === 1
      ? String(row[positions[0]!])
      : JSON.stringify(positions.map((p) => row[p]));
    byKey.set(key, row);
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

/**
 * The `ON CONFLICT` tail of an upsert into `table`: its other columns take
 * the new row's values (or nothing, when every column is in the key).
 */
export function conflictClause(table: TableSpec): string {
  const keys = new Set(table.primaryKey);
  const updates = table.columns.filter((c) => !keys.has(c.name)).map((c) =>
    `${quote(c.name)} = EXCLUDED.${quote(c.name)}`
  );
  return `ON CONFLICT (${table.primaryKey.map(quote).join(", ")}) DO ${
    updates.length ? `UPDATE SET ${updates.join(", ")}` : "NOTHING"
  }`;
}

/** Removes a board's items, values, updates and its own table (in `tx`). */
export async function clearBoard(tx: PgSql, boardId: string): Promise<void> {
  await tx.unsafe("DELETE FROM updates WHERE board_id = $1", [boardId]);
  await tx.unsafe("DELETE FROM column_values WHERE board_id = $1", [boardId]);
  await tx.unsafe("DELETE FROM items WHERE board_id = $1", [boardId]);
  await tx.unsafe(`DROP TABLE IF EXISTS ${quote(`board_${boardId}`)}`);
}

/**
 * Inserts rows, replacing those with the same primary key (the last of
 * duplicates wins), with one `INSERT … SELECT FROM unnest(…)` per chunk.
 *
 * @param sql A transaction.
 * @param table The table.
 * @param rows Rows in the order of its columns.
 */
export async function upsertRows(
  sql: PgSql,
  table: TableSpec,
  rows: Cell[][],
): Promise<void> {
  if (rows.length === 0) return;
  const unique = lastByKey(table, rows);
  const names = table.columns.map((c) => quote(c.name));
  const statement = `INSERT INTO ${quote(table.name)} (${
    names.join(", ")
  }) SELECT ${
    table.columns.map((c, i) => `u.c${i}::${PG_TYPES[c.type]}`).join(", ")
  } FROM unnest(${
    table.columns.map((_, i) => `$${i + 1}::text[]`).join(", ")
  }) AS u(${table.columns.map((_, i) => `c${i}`).join(", ")}) ${
    conflictClause(table)
  }`;
  for (let start = 0; start < unique.length; start += UPSERT_CHUNK) {
    const chunk = unique.slice(start, start + UPSERT_CHUNK);
    const columns = table.columns.map((_, i) =>
      chunk.map((row) => {
        const cell = row[i];
        return cell === null || cell === undefined ? null : String(cell);
      })
    );
    await sql.unsafe(statement, columns);
  }
}

/**
 * One cell in `COPY`'s text format: `\N` for NULL, and backslash, tab,
 * newline and carriage return escaped.
 */
function copyCell(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return "\\N";
  const text = String(cell);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(
      /[\\\t\n\r]/g,
      (c) =>
        c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
    )
    : text;
}

/**
 * Rows in `COPY`'s text format: cells split by tabs, rows ended by newlines.
 *
 * @param rows The rows.
 * @param width The number of columns.
 */
export function copyText(rows: Cell[][], width: number): string {
  let text = "";
  for (const row of rows) {
    let line = copyCell(row[0]);
    for (let i = 1; i < width; i++) line += "\t" + copyCell(row[i]);
    text += line + "\n";
  }
  return text;
}

/**
 * Appends rows to a table with `COPY … FROM STDIN` (text format): the
 * fastest way into PostgreSQL, for tables without conflicts to resolve (the
 * staging tables of a board's whole read).
 *
 * @param sql A reserved connection or a transaction: the driver pipelines
 * queries on a connection, and none may be queued behind a `COPY`.
 * @param table The table's name.
 * @param columns Its column names, in the order of the rows' cells.
 * @param text The rows, as {@linkcode copyText} makes them.
 */
export async function copyRows(
  sql: PgSql,
  table: string,
  columns: string[],
  text: string,
): Promise<void> {
  if (text === "") return;
  const stream = await sql.unsafe(
    `COPY ${quote(table)} (${columns.map(quote).join(", ")}) FROM STDIN`,
  ).writable();
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.once("finish", resolve);
    stream.write(text, (error) => {
      if (error) reject(error);
    });
    stream.end(() => {});
  });
}
