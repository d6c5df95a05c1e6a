/**
 * The result, progress and filter shapes of the audit exporter, apart from
 * `export.ts` so that the exporter's run (`_export_session.ts`) can use them
 * without importing the module that starts it.
 *
 * @module
 */

import type { AuditCheckpoint } from "./checkpoint.ts";
import type { AuditLogFilters } from "./types.ts";

/** Progress of an export, reported through `onProgress` of `exportAuditLogs`. */
export interface ExportProgress {
  /**
   * What the exporter is doing: finding the window's last page, exporting
   * pages, waiting for the next poll (follow mode), or finished.
   */
  phase: "probing" | "exporting" | "waiting" | "done";
  /** Entries written so far (this call, all runs). */
  entries: number;
  /** Pages exported so far (this call, all runs). */
  pages: number;
  /** Requests sent so far, probes included (this call). */
  requests: number;
  /** Runs started (more than one in follow mode). */
  runs: number;
  /** Pages in the current run's window, once known. */
  totalPages?: number;
  /** Entries in the current run's window, once known. */
  totalEntries?: number;
  /** Entries exported in the current run. */
  runEntries: number;
  /** Milliseconds since the export started. */
  elapsedMs: number;
  /** Entries per second, averaged over the current run. */
  entriesPerSecond: number;
  /** Estimated milliseconds until the current run ends, once the total is known. */
  etaMs?: number;
  /** The current run's window start (ISO 8601), or `null` when open. */
  windowStart: string | null;
  /** The current run's window end (ISO 8601). */
  windowEnd: string;
}

/** What `exportAuditLogs` did. */
export interface ExportResult {
  /** Entries written. */
  entries: number;
  /** Pages exported (probes not counted). */
  pages: number;
  /** Requests sent, probes included. */
  requests: number;
  /** Runs made (one unless following). */
  runs: number;
  /** The checkpoint after the last run. */
  checkpoint: AuditCheckpoint;
  /** The last run's window start (ISO 8601), or `null` when open. */
  windowStart: string | null;
  /** The last run's window end (ISO 8601). */
  windowEnd: string;
}

/** Filters other than time, for the exporter's `filters` option. */
export type ExportFilters = Omit<AuditLogFilters, "startTime" | "endTime">;
