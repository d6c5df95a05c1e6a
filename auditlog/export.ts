/**
 * The exporter: copies audit-log entries between two times into a sink,
 * oldest first, each exactly once across runs and crashes. This file checks
 * the options; the run itself is `_export_session.ts`, the last-page search
 * `_last_page.ts`, and turning a page into records `_page_batch.ts`.
 *
 * How one run works (details in `docs/audit-export.md`):
 *
 * 1. Load the checkpoint (last exported timestamp `T` and the ids exported at
 *    `T`) and open the sink, which rewinds to the checkpoint's state.
 * 2. Fix the window: from `T` (or `since`) to `now - lag` (or `until`). New
 *    events are later than the window's end, so the entries inside it, and
 *    therefore the API's newest-first pages of it, do not change during the
 *    run.
 * 3. Find the last page (the oldest entries) with a few probe requests, then
 *    fetch the pages from the last to the first, each reversed, so entries
 *    come out oldest first while a few pages at most are held in memory (the
 *    next page is requested while the current one is hashed and written).
 * 4. Drop entries before `T` and those at `T` whose ids the checkpoint lists,
 *    give each entry its id, write the page, and once the sink has made it
 *    durable, save the checkpoint: after every page, or, for a sink with
 *    `flush()` (the file sink), after one `flush()` for all the pages written
 *    in the last `checkpointIntervalMs`.
 *
 * @module
 */

import { systemClock } from "../_http/mod.ts";
import type { Clock } from "../_http/mod.ts";
import { type CheckpointStore, MemoryCheckpointStore } from "./checkpoint.ts";
import { ExportSession } from "./_export_session.ts";
import { normalizeAuditLogFilters, parseAuditTime } from "./filters.ts";
import { type AuditSink, StdoutSink } from "./sinks.ts";
import type { AuditLogSource } from "./types.ts";
import type {
  ExportFilters,
  ExportProgress,
  ExportResult,
} from "./export_types.ts";

export type { ExportFilters, ExportProgress, ExportResult };

/** Options for {@linkcode exportAuditLogs}. */
export interface ExportAuditLogsOptions {
  /**
   * Where entries come from: an {@linkcode AuditLogClient},
   * a {@linkcode GraphQLAuditLogSource}, or any {@linkcode AuditLogSource}.
   */
  source: AuditLogSource;
  /**
   * Where records go. The exporter opens it at the start and closes it at
   * the end.
   *
   * @default {new StdoutSink()}
   */
  sink?: AuditSink;
  /**
   * Where the position is saved. With a saved checkpoint, the export resumes
   * from it and `since` is ignored.
   *
   * @default {new MemoryCheckpointStore()}
   */
  checkpoint?: CheckpointStore;
  /** Export entries at or after this time (first run only). Default: from the oldest. */
  since?: string | Date | number;
  /** Export entries at or before this time. Default: up to `now - lagMs`. */
  until?: string | Date | number;
  /** Only entries matching these (user, events, IP address). */
  filters?: ExportFilters;
  /**
   * How far behind now a run's window ends, so late-arriving entries are
   * already in place when their time is exported.
   *
   * @default {60_000}
   */
  lagMs?: number;
  /**
   * Entries per request, 1 to 1,000.
   *
   * @default {1000}
   */
  perPage?: number;
  /**
   * The longest time, by `clock`, between two checkpoints while a run
   * exports, for sinks that can batch (those with `flush()`, such as
   * {@linkcode FileSink}). Their pages are written as they come, then made
   * durable together (one `fsync`) and checkpointed together once this much
   * time has passed since the last checkpoint, and at the end of every run.
   * The exactly-once guarantee is the same: a restart rewinds the file to
   * the last checkpoint, so a crash costs at most this much re-done work.
   * `0` checkpoints after every page. Other sinks are checkpointed after
   * every page they acknowledge.
   *
   * @default {1000}
   */
  checkpointIntervalMs?: number;
  /**
   * Keep polling every `intervalMs` for new entries until `signal` aborts
   * (or `until` is reached). An abort then ends the export normally.
   *
   * @default {false}
   */
  follow?: boolean;
  /**
   * Time between the starts of two runs in follow mode.
   *
   * @default {60_000}
   */
  intervalMs?: number;
  /**
   * In follow mode, called with a run's error instead of ending the export;
   * the next run starts after the interval. Without it, the error ends the
   * export.
   */
  onError?: (error: unknown) => void;
  /** Called as the export progresses (see {@linkcode createProgressRenderer}). */
  onProgress?: (progress: ExportProgress) => void;
  /**
   * The clock for the window's end, progress and follow-mode waits.
   *
   * @default {systemClock}
   */
  clock?: Clock;
  /** Stops the export; the checkpoint keeps what was written. */
  signal?: AbortSignal;
}

function checkPositive(
  value: number,
  name: string,
  options: { integer?: boolean; max?: number; zero?: boolean } = {},
): number {
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (options.zero ? value >= 0 : value > 0) &&
    (!options.integer || Number.isInteger(value)) &&
    (options.max === undefined || value <= options.max);
  if (!ok) {
    throw new RangeError(
      `Invalid ${name}: expected ${
        options.integer ? "an integer" : "a number"
      } ${options.zero ? ">= 0" : "> 0"}${
        options.max === undefined ? "" : ` and <= ${options.max}`
      }, got '${String(value)}'`,
    );
  }
  return value;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Exports audit-log entries between `since` and `until` into a sink, oldest
 * first, with a stable `id` on each. A checkpoint is saved once the sink has
 * made what was written durable: after every page, or at most every
 * `checkpointIntervalMs` for a sink that can batch (the file sink); a run
 * killed at any moment and started again with the same checkpoint and file
 * sink yields each entry exactly once. Memory stays at a few pages however
 * large the window.
 *
 * Each run exports a fixed window ending at `now - lagMs` (or `until`); the
 * next run starts at the last exported timestamp and skips the entries at
 * that timestamp that it already exported. In follow mode runs repeat every
 * `intervalMs` until `signal` aborts.
 *
 * Permissions: those of the source (`--allow-net` for the account's host)
 * and of the sink and checkpoint store (`--allow-read --allow-write` for
 * files, `--unstable-kv` for Deno KV).
 *
 * @param options Source, sink, checkpoint, times, filters, follow mode.
 * @returns What was exported and the final checkpoint.
 * @throws {TypeError} When an option has the wrong type, or the saved
 * checkpoint was written with other filters.
 * @throws {RangeError} When a number option is out of range or `since` is after `until`.
 * @throws {unknown} The source's or sink's errors, and `signal.reason` when
 * aborted (except in follow mode, where an abort ends the export normally).
 *
 * @example Export into memory from a fake source
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportAuditLogs, MemorySink, type AuditLogSource } from "./mod.ts";
 *
 * const entries = [3, 2, 1].map((n) => ({
 *   timestamp: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
 *   event: "login",
 * }));
 * const source: AuditLogSource = {
 *   getLogs: ({ page = 1 } = {}) =>
 *     Promise.resolve({ entries: page === 1 ? entries : [], page, perPage: 1000, nextPage: null, message: "" }),
 *   logs: () => { throw new Error("unused"); },
 * };
 * const sink = new MemorySink();
 * const result = await exportAuditLogs({ source, sink, until: "2026-11-02T00:00:00Z" });
 * assert.equal(result.entries, 3);
 * assert.deepEqual(sink.records.map((r) => r.timestamp), [...entries].reverse().map((e) => e.timestamp));
 * ```
 */
export async function exportAuditLogs(
  options: ExportAuditLogsOptions,
): Promise<ExportResult> {
  if (options === null || typeof options !== "object") {
    throw new TypeError("Invalid export options: expected an object");
  }
  const source = options.source;
  if (!source || typeof source.getLogs !== "function") {
    throw new TypeError(
      "Invalid export option source: expected an audit-log source with getLogs()",
    );
  }
  const sink: AuditSink = options.sink ?? new StdoutSink();
  if (typeof sink.write !== "function") {
    throw new TypeError(
      "Invalid export option sink: expected a sink with write()",
    );
  }
  const lagMs = checkPositive(options.lagMs ?? 60_000, "lagMs", { zero: true });
  const perPage = checkPositive(options.perPage ?? 1000, "perPage", {
    integer: true,
    max: 1000,
  });
  const intervalMs = checkPositive(options.intervalMs ?? 60_000, "intervalMs");
  const checkpointIntervalMs = checkPositive(
    options.checkpointIntervalMs ?? 1000,
    "checkpointIntervalMs",
    { zero: true },
  );
  const sinceMs = options.since === undefined
    ? undefined
    : parseAuditTime(options.since, "since");
  const untilMs = options.until === undefined
    ? undefined
    : parseAuditTime(options.until, "until");
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs > untilMs) {
    throw new RangeError(
      `Invalid export window: since '${iso(sinceMs)}' is after until '${
        iso(untilMs)
      }'`,
    );
  }
  const filterInput = options.filters ?? {};
  if ("startTime" in filterInput || "endTime" in filterInput) {
    throw new TypeError(
      "Invalid export option filters: use 'since' and 'until' instead of startTime and endTime",
    );
  }
  const session = await ExportSession.open({
    source,
    sink,
    store: options.checkpoint ?? new MemoryCheckpointStore(),
    clock: options.clock ?? systemClock,
    signal: options.signal,
    lagMs,
    perPage,
    intervalMs,
    checkpointIntervalMs,
    sinceMs,
    untilMs,
    filters: filterInput,
    wireFilters: normalizeAuditLogFilters(filterInput) as Record<
      string,
      unknown
    >,
    onError: options.onError,
    onProgress: options.onProgress,
  });
  try {
    if (options.follow) await session.follow();
    else await session.runOnce();
    return session.result();
  } finally {
    await session.close();
  }
}
