/**
 * The sync engine: what changed, read it, apply it per board in one
 * transaction. The run itself, step by step, is `_sync_run.ts`.
 *
 * @module
 */

import type { MondayClient } from "../graphql/mod.ts";
import type { AuditLogSource } from "../auditlog/mod.ts";
import type { SyncTarget } from "./target.ts";
import type { SyncProgress, SyncSummary } from "./sync_types.ts";
import { SyncRun } from "./_sync_run.ts";

export type { SyncProgress, SyncSummary } from "./sync_types.ts";

/** Options of {@linkcode syncAccount}. */
export interface SyncAccountOptions {
  /** Only these boards (ids). @default {every board} */
  boards?: string[];
  /** Only boards of these workspaces (ids). @default {every workspace} */
  workspaces?: string[];
  /**
   * Read every board whole instead of from its activity logs.
   *
   * @default {false}
   */
  full?: boolean;
  /**
   * Read a board whole when its last whole read is older than this many
   * milliseconds: what the activity logs cannot show (retention gaps,
   * unknown events) is caught at least this often.
   *
   * @default {604_800_000} (7 days)
   */
  fullEvery?: number;
  /**
   * Only the tables named: `board_<id>` names a board; `boards`, `groups`,
   * `columns`, `items` or `column_values` name every board in scope;
   * `users`, `workspaces`, `teams`, `team_users` or `tags` name the account
   * tables; `audit_logs` the audit log.
   *
   * @default {every table}
   */
  tables?: string[];
  /**
   * How far before the last seen activity log to read again, in
   * milliseconds (monday's logs may appear late).
   *
   * @default {300_000}
   */
  overlapMs?: number;
  /**
   * The sync's requests in flight at most. Boards are read side by side, the
   * biggest first, and each board's groups too (each group is its own
   * cursor chain), so a run keeps up to this many requests going. The
   * default is the lowest concurrency cap monday documents (40, every plan
   * below Pro); the client's scheduler further holds requests within the
   * cap the server announces and the complexity budget left, so a higher
   * value is safe but only pays on plans with a higher cap.
   *
   * @default {40}
   */
  concurrency?: number;
  /**
   * Where `audit_logs` comes from: an `AuditLogClient` (with the audit
   * token) or a `GraphQLAuditLogSource`. Without it the table stays empty.
   *
   * @default {undefined}
   */
  audit?: AuditLogSource;
  /** Cancels the sync; boards already applied stay applied. */
  signal?: AbortSignal;
  /** Called after each step. */
  progress?: (progress: SyncProgress) => void;
  /**
   * The clock (ms since the epoch) for `fullEvery` and the state's times.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * Brings a SQL mirror of a monday.com account up to date: the normalized
 * tables (`boards`, `groups`, `columns`, `items`, `column_values`, `users`)
 * and one typed table per board (`board_<id>`). A board seen for the first
 * time, or whose columns changed, or whose last whole read is older than
 * `fullEvery`, is read whole (its groups side by side, each its own cursor
 * chain, so no cursor outlives its 60 minutes) and written as it is read:
 * each page is staged in the target as it arrives, and one transaction
 * replaces the board when its read is whole, so no board is ever held whole
 * in memory. The others are brought up to date from their activity logs
 * (the items the logs name are re-read by id), so a run's cost follows what
 * changed, not the size of the account. Boards, groups and re-reads run
 * side by side with at most `concurrency` requests in flight. Each board's
 * changes and its sync state are applied in one transaction after its reads
 * succeed; a failure or cancellation leaves every board not yet committed
 * as it was.
 *
 * Permissions: `--allow-net` to the API host, and what the target needs.
 *
 * @param client The GraphQL client (its throttling keeps reads within
 * monday's limits).
 * @param target Where to write (`openSqliteTarget`, `openPostgresTarget`).
 * @param options Scope, full reads, tables, progress and cancellation.
 * @returns What the sync did.
 * @throws {RangeError} If `fullEvery`, `overlapMs` or `concurrency` is out
 * of range.
 * @throws {MondayApiError} If monday refuses a read (boards read before it
 * stay applied; the next run completes the work).
 * @example Mirror the emulator's account into SQLite
 * ```ts
 * import assert from "node:assert/strict";
 * import { MondayClient } from "../graphql/mod.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import { openSqliteTarget, syncAccount } from "./mod.ts";
 *
 * await using emulator = await startEmulator({ items: 20 });
 * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
 * await using target = await openSqliteTarget(":memory:");
 * const summary = await syncAccount(client, target);
 * assert.equal(summary.fullBoards, summary.boards - summary.inactiveBoards);
 * const { rows } = await target.query("SELECT count(*) FROM items");
 * assert.ok(Number(rows[0]![0]) >= 20);
 * ```
 */
export async function syncAccount(
  client: Pick<MondayClient, "request">,
  target: SyncTarget,
  options: SyncAccountOptions = {},
): Promise<SyncSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const fullEvery = options.fullEvery ?? 7 * DAY_MS;
  const overlapMs = options.overlapMs ?? 300_000;
  const concurrency = options.concurrency ?? 40;
  if (!(fullEvery >= 0)) {
    throw new RangeError(
      `Invalid 'fullEvery': expected milliseconds of 0 or more, got '${fullEvery}'`,
    );
  }
  if (!(overlapMs >= 0)) {
    throw new RangeError(
      `Invalid 'overlapMs': expected milliseconds of 0 or more, got '${overlapMs}'`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `Invalid 'concurrency': expected an integer of 1 or more, got '${concurrency}'`,
    );
  }
  return await new SyncRun({
    client,
    target,
    now,
    started,
    fullEvery,
    overlapMs,
    concurrency,
    full: options.full ?? false,
    boards: options.boards,
    workspaces: options.workspaces,
    tables: options.tables,
    audit: options.audit,
    signal: options.signal,
    progress: options.progress,
  }).run();
}
