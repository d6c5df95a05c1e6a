/**
 * What `syncAccount` reports: its progress after each step and its
 * summary.
 *
 * @module
 */

/** Progress of a sync, reported after each step. */
export interface SyncProgress {
  /** Boards finished (applied or found unchanged). */
  boardsDone: number;
  /** Boards in this run. */
  boardsTotal: number;
  /** Items read from monday so far. */
  itemsRead: number;
  /** GraphQL requests the sync has made so far. */
  requests: number;
  /** Milliseconds since the sync began. */
  elapsedMs: number;
}

/** What a sync did. */
export interface SyncSummary {
  /** Boards in this run (every state). */
  boards: number;
  /** Boards read whole. */
  fullBoards: number;
  /** Boards brought up to date from their activity logs. */
  incrementalBoards: number;
  /** Archived or deleted boards (only their `boards` row is kept). */
  inactiveBoards: number;
  /** Items read from monday. */
  itemsRead: number;
  /** Item rows written. */
  itemsWritten: number;
  /** Item rows removed (deleted, archived or moved away). */
  itemsRemoved: number;
  /** GraphQL requests made. */
  requests: number;
  /** Group reads restarted after a cursor expired. */
  cursorRestarts: number;
  /** Why boards were read whole: board id → reason. */
  fullReasons: Record<string, string>;
  /** Milliseconds the sync took. */
  durationMs: number;
  /** What was left out and why (e.g. a list the token may not read). */
  warnings: string[];
  /** Audit log entries added to `audit_logs` (0 without an audit source). */
  auditEntries: number;
}
