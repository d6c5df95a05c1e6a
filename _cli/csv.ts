/**
 * RFC 4180 CSV rows for the CLI's exports, built from the audit log
 * module's field encoder so both exports quote alike.
 *
 * @module
 */

import { csvField } from "../auditlog/mod.ts";

/**
 * One CSV record with its CRLF line ending.
 *
 * @param values The fields.
 * @returns The line.
 */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(",") + "\r\n";
}
