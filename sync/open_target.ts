/**
 * Opens a target from one string: a `postgres://` or `postgresql://` URL, or
 * a SQLite file path.
 *
 * @module
 */

import type { SyncTarget } from "./target.ts";
import { openSqliteTarget } from "./sqlite_target.ts";
import { openPostgresTarget } from "./postgres_target.ts";

/** Options of {@linkcode openTarget}. */
export interface OpenTargetOptions {
  /**
   * Open read-only: SQLite opened read-only, PostgreSQL queries in read-only
   * transactions.
   *
   * @default {false}
   */
  readOnly?: boolean;
}

/**
 * Whether a target string names a PostgreSQL server (`postgres://` or
 * `postgresql://`) rather than a SQLite file.
 *
 * @param value A `--to`/`--db` value.
 * @returns `true` for a PostgreSQL URL.
 * @example Tell the two apart
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPostgresUrl } from "./open_target.ts";
 *
 * assert.equal(isPostgresUrl("postgresql://db.internal/monday"), true);
 * assert.equal(isPostgresUrl("monday.db"), false);
 * ```
 */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * Opens the target a string names: a `postgres://…` (or `postgresql://…`)
 * URL opens PostgreSQL, anything else is a SQLite file path.
 *
 * Permissions: as {@linkcode openSqliteTarget} or
 * {@linkcode openPostgresTarget}.
 *
 * @param urlOrPath A PostgreSQL URL or a SQLite file path.
 * @param options Read-only mode.
 * @returns The open target.
 * @throws {TypeError} If the string is empty or the URL is malformed.
 * @throws {Error} If the database cannot be opened.
 * @example A SQLite file
 * ```ts
 * import assert from "node:assert/strict";
 * import { openTarget } from "./open_target.ts";
 *
 * await using target = await openTarget(":memory:");
 * assert.equal(target.kind, "sqlite");
 * ```
 */
export function openTarget(
  urlOrPath: string,
  options: OpenTargetOptions = {},
): Promise<SyncTarget> {
  if (typeof urlOrPath !== "string" || urlOrPath.trim() === "") {
    return Promise.reject(
      new TypeError(
        "Invalid target: expected a SQLite path or a postgres:// URL",
      ),
    );
  }
  return isPostgresUrl(urlOrPath)
    ? openPostgresTarget(urlOrPath, options)
    : openSqliteTarget(urlOrPath, options);
}
