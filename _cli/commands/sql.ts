/**
 * `mondaykit sql`: a read-only SQL statement over the mirror.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { CommandError, EXIT, UsageError } from "../errors.ts";
import { csvRow } from "../csv.ts";
import { openTarget, type QueryResult } from "../../sync/mod.ts";
import {
  DEFAULT_DATABASE,
  maskLocation,
  runSyncTo,
  summaryLine,
} from "./sync.ts";

const FORMATS = ["table", "csv", "json", "jsonl"] as const;
type Format = typeof FORMATS[number];

const TABLE_NAMES =
  /(?:^|[^a-z0-9_])"?(board_\d+|boards|groups|columns|items|column_values|users)"?(?![a-z0-9_])/gi;

/**
 * The mirror's tables a statement names (for `--refresh`).
 *
 * @param sql The statement.
 * @returns The table names, lower-cased, without duplicates.
 */
export function tablesNamed(sql: string): string[] {
  const names = new Set<string>();
  for (const match of sql.matchAll(TABLE_NAMES)) {
    names.add(match[1]!.toLowerCase());
  }
  return [...names];
}

function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) {
    return `\\x${
      Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("")
    }`;
  }
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * A CSV cell that cannot start a formula: text beginning with `= + - @`,
 * tab or carriage return that is not a plain number gets a leading `'`.
 *
 * @param value The cell.
 * @returns The safe cell.
 */
export function formulaSafe(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (
    /^[=+\-@\t\r]/.test(value) &&
    !/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)
  ) {
    return `'${value}`;
  }
  return value;
}

function terminalText(value: unknown): string {
  const v = plain(value);
  const text = v === null || v === undefined
    ? "NULL"
    : typeof v === "string"
    ? v
    : typeof v === "object"
    ? JSON.stringify(v)
    : String(v);
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x1f\x7f-\x9f]/g,
    (c) =>
      c === "\n"
        ? "\\n"
        : c === "\t"
        ? "\\t"
        : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/**
 * Renders a result in one of the formats.
 *
 * @param result The columns and rows.
 * @param format `table` (aligned, control characters escaped), `csv`
 * (RFC 4180, formula-safe), `json` (an array of objects) or `jsonl`.
 * @returns The text.
 */
export function renderResult(result: QueryResult, format: Format): string {
  const { columns, rows } = result;
  switch (format) {
    case "csv":
      return csvRow(columns.map(formulaSafe)) +
        rows.map((r) => csvRow(r.map((v) => formulaSafe(plain(v))))).join("");
    case "json":
      return JSON.stringify(
        rows.map((r) =>
          Object.fromEntries(columns.map((c, i) => [c, plain(r[i])]))
        ),
      ) + "\n";
    case "jsonl":
      return rows.map((r) =>
        JSON.stringify(
          Object.fromEntries(columns.map((c, i) => [c, plain(r[i])])),
        ) +
        "\n"
      ).join("");
    case "table": {
      const cells = [
        columns.map(terminalText),
        ...rows.map((r) => r.map(terminalText)),
      ];
      const widths = columns.map((_, i) =>
        Math.max(...cells.map((row) => [...(row[i] ?? "")].length))
      );
      const line = (row: string[]) =>
        row.map((cell, i) => {
          const pad = " ".repeat(widths[i]! - [...cell].length);
          const value = rows.length && typeof rows[0]![i] === "number"
            ? pad + cell
            : cell + pad;
          return value;
        }).join(" | ").trimEnd() + "\n";
      const rule = widths.map((w) => "-".repeat(w)).join("-+-") + "\n";
      return line(cells[0]!) + rule + cells.slice(1).map(line).join("") +
        `(${rows.length} ${rows.length === 1 ? "row" : "rows"})\n`;
    }
  }
}

/**
 * Runs `mondaykit sql`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runSql(context: CommandContext): Promise<number> {
  const { flags, spec, out } = context;
  const statement = context.positionals[0]!;
  if (statement.trim() === "") {
    throw new UsageError("The SQL statement is empty", spec.name);
  }
  const location = flags.string("db") ?? DEFAULT_DATABASE;
  const format = flags.choice("format", FORMATS) ??
    (out.options.json ? "json" : context.io.stdoutIsTerminal ? "table" : "csv");
  if (flags.boolean("refresh")) {
    const tables = tablesNamed(statement);
    const { summary, label } = await runSyncTo(
      context,
      location,
      tables.length ? { tables } : {},
    );
    await out.info(summaryLine(summary, label));
  }
  let target;
  try {
    target = await openTarget(location, { readOnly: true });
  } catch (error) {
    const missing = error instanceof Deno.errors.NotFound;
    throw new CommandError(
      maskLocation(
        missing
          ? `Cannot open '${location}': no such database (run 'mondaykit sync --to ${location}' first, or pass --refresh)`
          : `Cannot open '${location}': ${
            error instanceof Error ? error.message : String(error)
          }`,
        location,
      ),
      { code: missing ? "not_found" : "database" },
    );
  }
  let result: QueryResult;
  try {
    result = await target.query(statement, { readOnly: true });
  } catch (error) {
    throw new CommandError(
      maskLocation(
        `SQL error: ${error instanceof Error ? error.message : String(error)}`,
        location,
      ),
      { code: "sql" },
    );
  } finally {
    await target.close();
  }
  await out.data(renderResult(result, format));
  return EXIT.ok;
}
