/**
 * The error for an audit-log entry the exporter cannot handle.
 *
 * @module
 */

/** Options for {@linkcode AuditEntryError}. */
export interface AuditEntryErrorOptions {
  /** The entry's timestamp as served (may be unreadable). */
  timestamp: unknown;
  /** The page the entry came on. */
  page: number;
  /** What went wrong underneath. */
  cause?: unknown;
}

/**
 * An entry from the server that the exporter cannot export: its timestamp
 * cannot be read, or it cannot be written as canonical JSON (a value JSON
 * cannot hold, or nesting deeper than the exporter walks). It is a data
 * error, not a usage error: the export stops before the entry, and the
 * checkpoint keeps everything before it. The CLI exits with 1.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuditEntryError } from "./audit_entry_error.ts";
 *
 * const error = new AuditEntryError("Cannot export audit-log entry", {
 *   timestamp: "2026-11-01T00:00:00.000Z",
 *   page: 3,
 * });
 * assert.equal(error.page, 3);
 * assert.equal(error.name, "AuditEntryError");
 * ```
 */
export class AuditEntryError extends Error {
  /** The entry's timestamp as served. */
  readonly timestamp: unknown;
  /** The page the entry came on. */
  readonly page: number;

  /**
   * Makes the error.
   *
   * @param message What went wrong, naming the entry.
   * @param options The entry's timestamp and page, and the cause.
   */
  constructor(message: string, options: AuditEntryErrorOptions) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "AuditEntryError";
    this.timestamp = options.timestamp;
    this.page = options.page;
  }
}
