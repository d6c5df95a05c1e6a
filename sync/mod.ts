/**
 * monday.com as SQL: a mirror of the account in SQLite or PostgreSQL, kept
 * current by incremental syncs whose cost follows what changed.
 *
 * The tables: `boards`, `groups`, `columns`, `items`, `column_values` and
 * `users` (normalized, snake_case, ids as monday gives them, stored as text:
 * monday's `ID` is a string and ids may exceed 2^53), and one typed table per
 * board, `board_<id>`, with a column per board column (see docs/tables.md).
 *
 * {@linkcode syncAccount} reads and applies; {@linkcode openSqliteTarget}
 * (Deno's built-in `node:sqlite`), {@linkcode openPostgresTarget} (the
 * `postgres` npm driver, loaded only when used) and {@linkcode openTarget}
 * open where it writes.
 *
 * Permissions: `--allow-net` to the API host (and the PostgreSQL server),
 * `--allow-read`/`--allow-write` to a SQLite file, `--allow-env` for `PG*`.
 *
 * @example Sync the emulator's account into SQLite and query a board table
 * ```ts
 * import assert from "node:assert/strict";
 * import { MondayClient } from "../graphql/mod.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import { openSqliteTarget, syncAccount } from "./mod.ts";
 *
 * await using emulator = await startEmulator({ items: 30 });
 * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
 * await using target = await openSqliteTarget(":memory:");
 * await syncAccount(client, target);
 * const [board] = (await target.query("SELECT table_name FROM boards WHERE state = 'active' ORDER BY id")).rows;
 * const result = await target.query(`SELECT count(*) AS n FROM "${board![0]}"`);
 * assert.equal(result.rows[0]![0], 30);
 * ```
 *
 * @module
 */

export {
  syncAccount,
  type SyncAccountOptions,
  type SyncProgress,
  type SyncSummary,
} from "./sync_account.ts";
export {
  openSqliteTarget,
  type OpenSqliteTargetOptions,
} from "./sqlite_target.ts";
export {
  maskPostgresUrl,
  openPostgresTarget,
  type OpenPostgresTargetOptions,
} from "./postgres_target.ts";
export {
  isPostgresUrl,
  openTarget,
  type OpenTargetOptions,
} from "./open_target.ts";
export type {
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
  TableColumn,
  TableSpec,
} from "./target.ts";
