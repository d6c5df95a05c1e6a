/**
 * RFC 4180 CSV rows for the CLI's exports, built from the audit log
 * module's field encoder so both exports quote alike.
 *
 * @module
 */

import { csvField, type CsvFieldOptions } from "../auditlog/mod.ts";

/**
 * One CSV record with its CRLF line ending.
 *
 * @param values The fields.
 * @param options Formula escaping (on unless `formulaEscape: false`).
 * @returns The line.
 */
export function csvRow(
  values: readonly unknown[],
  options: CsvFieldOptions = {},
): string {
  return values.map((value) => csvField(value, options)).join(",") + "\r\n";
}
