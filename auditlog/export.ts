/**
 * The exporter: copies audit-log entries between two times into a sink,
 * oldest first, each exactly once across runs and crashes.
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
import {
  type AuditCheckpoint,
  type CheckpointStore,
  MemoryCheckpointStore,
} from "./checkpoint.ts";
import { sha256Hex } from "./_sha256.ts";
import { restRecordDraft } from "./_canonical.ts";
import { canonicalJson } from "./entry_id.ts";
import { normalizeAuditLogFilters, parseAuditTime } from "./filters.ts";
import { type AuditSink, type SinkState, StdoutSink } from "./sinks.ts";
import type {
  AuditLogEntry,
  AuditLogFilters,
  AuditLogPage,
  AuditLogRecord,
  AuditLogSource,
} from "./types.ts";

/** Progress of an export, reported through {@linkcode ExportAuditLogsOptions.onProgress}. */
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

/** What {@linkcode exportAuditLogs} did. */
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

/** Filters other than time, for {@linkcode ExportAuditLogsOptions.filters}. */
export type ExportFilters = Omit<AuditLogFilters, "startTime" | "endTime">;

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

interface RunState {
  lastMs: number | undefined;
  idsAtLast: string[];
  exported: number;
  sink: SinkState | undefined;
}

function stateOf(
  checkpoint: AuditCheckpoint | undefined,
  opened: SinkState | undefined,
): RunState {
  return {
    lastMs: checkpoint?.timestamp
      ? Date.parse(checkpoint.timestamp)
      : undefined,
    idsAtLast: checkpoint ? [...checkpoint.ids] : [],
    exported: checkpoint?.exported ?? 0,
    sink: opened ?? checkpoint?.sink,
  };
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

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true &&
    (error === signal.reason ||
      (error instanceof DOMException && error.name === "AbortError"));
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
  const store = options.checkpoint ?? new MemoryCheckpointStore();
  const clock = options.clock ?? systemClock;
  const signal = options.signal;
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
  const wireFilters = normalizeAuditLogFilters(filterInput);
  const filtersKey = canonicalJson(wireFilters);
  const onProgress = options.onProgress;

  const startedAt = clock.now();
  const totals = { entries: 0, pages: 0, requests: 0, runs: 0 };
  let windowStart: string | null = null;
  let windowEnd = iso(clock.now());

  signal?.throwIfAborted();
  let checkpoint = await store.load(signal ? { signal } : {});
  if (
    checkpoint?.filters !== undefined &&
    canonicalJson(checkpoint.filters) !== filtersKey
  ) {
    throw new TypeError(
      `Cannot resume from checkpoint at '${store.location}': it was written for filters ${
        canonicalJson(checkpoint.filters)
      }, not ${filtersKey} (use the same filters or another checkpoint)`,
    );
  }
  const opened = await sink.open?.(
    checkpoint?.sink,
    signal ? { signal } : {},
  );
  try {
    const state: RunState = stateOf(checkpoint, opened);
    // Batching: pages written since the last checkpoint, made durable together.
    const batching = typeof sink.flush === "function" &&
      checkpointIntervalMs > 0;
    let savedAt = clock.now();
    let unsaved = 0; // entries written since the last checkpoint
    let sinkFailed = false; // a write or flush failed since the last checkpoint
    let saveFailed = false; // the store failed in this run
    const save = async (): Promise<AuditCheckpoint> => {
      const next: AuditCheckpoint = {
        version: 1,
        timestamp: state.lastMs === undefined ? null : iso(state.lastMs),
        ids: [...state.idsAtLast],
        ...(state.sink ? { sink: state.sink } : {}),
        filters: wireFilters as Record<string, unknown>,
        exported: state.exported,
        updatedAt: iso(clock.now()),
      };
      // Not abortable: once the sink holds a batch, its checkpoint must follow.
      await store.save(next);
      return next;
    };
    if (
      !checkpoint ||
      canonicalJson(checkpoint.sink ?? null) !==
        canonicalJson(state.sink ?? null)
    ) {
      // Record where the sink starts before anything is written, so a crash
      // during the first page rewinds to here.
      checkpoint = await save();
    }

    const report = (
      phase: ExportProgress["phase"],
      run: {
        started: number;
        entries: number;
        totalPages?: number;
        totalEntries?: number;
        pagesDone?: number;
      } | undefined,
    ) => {
      if (!onProgress) return;
      const now = clock.now();
      const runElapsed = run ? Math.max(1, now - run.started) : 1;
      const rate = run ? (run.entries * 1000) / runElapsed : 0;
      const progress: ExportProgress = {
        phase,
        entries: totals.entries,
        pages: totals.pages,
        requests: totals.requests,
        runs: totals.runs,
        runEntries: run?.entries ?? 0,
        elapsedMs: now - startedAt,
        entriesPerSecond: rate,
        windowStart,
        windowEnd,
      };
      if (run?.totalPages !== undefined) progress.totalPages = run.totalPages;
      if (run?.totalEntries !== undefined) {
        progress.totalEntries = run.totalEntries;
        if (run.pagesDone !== undefined && run.pagesDone > 0) {
          const remainingPages = run.totalPages! - run.pagesDone;
          progress.etaMs = Math.round(
            (runElapsed / run.pagesDone) * remainingPages,
          );
        }
      }
      try {
        onProgress(progress);
      } catch {
        // A progress callback's failure must not break the export.
      }
    };

    /**
     * Makes what was written durable (batching: the sink's flush) and saves
     * the checkpoint. Not abortable: once the sink holds a batch, its
     * checkpoint must follow.
     */
    const commit = async (run: { entries: number }): Promise<void> => {
      if (batching) {
        let ack: SinkState | undefined | void;
        try {
          ack = await sink.flush!();
        } catch (error) {
          sinkFailed = true;
          throw error;
        }
        if (ack) state.sink = ack;
      }
      try {
        checkpoint = await save();
      } catch (error) {
        saveFailed = true;
        throw error;
      }
      savedAt = clock.now();
      totals.entries += unsaved;
      run.entries += unsaved;
      unsaved = 0;
    };

    const runOnce = async (): Promise<boolean> => {
      totals.runs++;
      saveFailed = false;
      if (sinkFailed) {
        // A write or flush failed in the last run (follow mode): rewind the
        // sink and the position to the last checkpoint, as a restart would.
        sinkFailed = false;
        unsaved = 0;
        if (sink.open) {
          await sink.close?.();
          const reopened = await sink.open(
            checkpoint?.sink,
            signal ? { signal } : {},
          );
          Object.assign(state, stateOf(checkpoint, reopened));
        }
      }
      const now = clock.now();
      const nowLag = now - lagMs;
      const startMs = state.lastMs ?? sinceMs;
      const endMs = untilMs === undefined ? nowLag : Math.min(untilMs, nowLag);
      windowStart = startMs === undefined ? null : iso(startMs);
      windowEnd = iso(endMs);
      const reachedUntil = untilMs !== undefined && untilMs <= nowLag;
      if (startMs !== undefined && startMs > endMs) {
        report("done", undefined);
        return reachedUntil;
      }
      // Ask for a little more than the window (1 ms either side) so the
      // result is right whether the API treats the bounds as inclusive or
      // exclusive; the extra entries are dropped below.
      const sentEnd = untilMs !== undefined && untilMs < nowLag
        ? untilMs + 1
        : nowLag;
      const filters: AuditLogFilters = {
        ...filterInput,
        endTime: sentEnd,
        ...(startMs !== undefined ? { startTime: startMs - 1 } : {}),
      };
      const run: {
        started: number;
        entries: number;
        totalPages?: number;
        totalEntries?: number;
        pagesDone?: number;
      } = { started: now, entries: 0 };
      // The run's own signal: it follows the caller's, and also stops a
      // prefetch still in flight when the run fails.
      const runController = new AbortController();
      const forwardAbort = () => runController.abort(signal?.reason);
      signal?.addEventListener("abort", forwardAbort, { once: true });
      const runSignal = runController.signal;
      const getPage = async (
        page: number,
        size = perPage,
      ): Promise<AuditLogPage> => {
        totals.requests++;
        return await source.getLogs({
          page,
          perPage: size,
          filters,
          signal: runSignal,
        });
      };
      // At most one page request ahead and one write (with its checkpoint)
      // behind the page being turned into records.
      let next: Promise<AuditLogPage> | undefined;
      let persisting: Promise<void> | undefined;
      try {
        report("probing", run);
        const found = await findLastPage(getPage, perPage, startMs);
        if (found.last === 0) {
          report("done", run);
          return reachedUntil;
        }
        run.totalPages = found.last;
        run.totalEntries = (found.last - 1) * perPage +
          found.lastPage.entries.length;
        run.pagesDone = 0;
        // The consumption counts of the ids already exported at the checkpoint's timestamp.
        const checkpointMs = state.lastMs;
        const skip = new Map<string, number>();
        for (const id of state.idsAtLast) {
          skip.set(id, (skip.get(id) ?? 0) + 1);
        }
        const take = (page: number): Promise<AuditLogPage> => {
          if (page === found.last) {
            const data = found.lastPage;
            found.lastPage = EMPTY_PAGE;
            return Promise.resolve(data);
          }
          if (page === 1 && found.first) {
            const data = found.first;
            found.first = undefined;
            return Promise.resolve(data);
          }
          const pending = getPage(page);
          pending.catch(() => {}); // handled when awaited
          return pending;
        };
        const persist = async (batch: Batch): Promise<void> => {
          let ack: SinkState | undefined | void;
          try {
            ack = await sink.write(batch.records, {
              jsonLines: batch.jsonLines,
              ...(batching ? { defer: true } : {}),
              ...(signal ? { signal } : {}),
            });
          } catch (error) {
            sinkFailed = true;
            throw error;
          }
          if (state.lastMs === undefined || batch.lastMs > state.lastMs) {
            state.lastMs = batch.lastMs;
            state.idsAtLast = [...batch.idsAtLast];
          } else {
            state.idsAtLast.push(...batch.idsAtLast);
          }
          state.exported += batch.records.length;
          if (ack) state.sink = ack;
          unsaved += batch.records.length;
          if (!batching || clock.now() - savedAt >= checkpointIntervalMs) {
            await commit(run);
          }
        };

        next = take(found.last);
        for (let page = found.last; page >= 1; page--) {
          signal?.throwIfAborted();
          const data = await next!;
          next = page > 1 ? take(page - 1) : undefined;
          report("exporting", run);
          const window = { startMs, endMs, checkpointMs, skip };
          const batch = selectRecords(data.entries, window);
          totals.pages++;
          run.pagesDone++;
          if (persisting) {
            const previous = persisting;
            persisting = undefined;
            await previous;
          }
          if (batch.records.length > 0) {
            signal?.throwIfAborted();
            persisting = persist(batch);
            persisting.catch(() => {}); // handled when awaited
          }
        }
        if (persisting) {
          const previous = persisting;
          persisting = undefined;
          await previous;
        }
        if (unsaved > 0) await commit(run);
      } finally {
        signal?.removeEventListener("abort", forwardAbort);
        if (next || persisting) {
          // Failing: stop the prefetch, and let a write in flight finish
          // (with its checkpoint) before the sink is closed.
          runController.abort(
            new DOMException("The export run stopped", "AbortError"),
          );
          await Promise.allSettled([next, persisting]);
        }
        if (unsaved > 0 && !sinkFailed && !saveFailed) {
          // Failing (the source, say) or aborted after writes not yet
          // checkpointed (batching): keep them, since the sink and the store
          // still work.
          await commit(run).catch(() => {});
        }
      }
      report("done", run);
      return reachedUntil;
    };

    if (!options.follow) {
      await runOnce();
    } else {
      while (true) {
        const started = clock.now();
        let finished = false;
        try {
          finished = await runOnce();
        } catch (error) {
          if (isAbort(error, signal)) break;
          if (!options.onError) throw error;
          options.onError(error);
        }
        if (finished || signal?.aborted) break;
        report("waiting", undefined);
        try {
          await clock.sleep(
            Math.max(0, started + intervalMs - clock.now()),
            signal,
          );
        } catch (error) {
          if (isAbort(error, signal)) break;
          throw error;
        }
      }
    }
    return {
      entries: totals.entries,
      pages: totals.pages,
      requests: totals.requests,
      runs: totals.runs,
      checkpoint: checkpoint!,
      windowStart,
      windowEnd,
    };
  } finally {
    await sink.close?.();
  }
}

const EMPTY_PAGE: AuditLogPage = {
  entries: [],
  page: 0,
  perPage: 0,
  nextPage: null,
  message: "",
};

interface LastPage {
  last: number;
  lastPage: AuditLogPage;
  first: AuditLogPage | undefined;
}

/**
 * Where page 1 suggests the last page is, when the window's start is known:
 * the entries before page 1's oldest one, at page 1's density.
 */
function estimateLastPage(
  first: AuditLogPage,
  startMs: number | undefined,
): number | undefined {
  if (startMs === undefined) return undefined;
  const newest = Date.parse(first.entries[0]?.timestamp ?? "");
  const oldest = Date.parse(first.entries.at(-1)?.timestamp ?? "");
  const span = newest - oldest;
  if (!(span > 0) || !(oldest >= startMs)) return undefined;
  const pages = 1 + (oldest - startMs) / span;
  return Number.isFinite(pages)
    ? Math.min(Math.max(2, Math.ceil(pages)), 1_000_000_000)
    : undefined;
}

/**
 * Finds the number of the last non-empty page (0 when there is none) with
 * few requests, and cheap ones. Page 1 is fetched whole (it is exported
 * anyway). Then the last page is bracketed — from an estimate when the
 * window's start is known (page 1's density), else by doubling — asking
 * only for each probed page's first entry (`perPage` 1: whether the page
 * exists, and whether it holds the very last entry). The bracket is narrowed
 * by bisection with whole pages, which can tell the last page on sight and
 * whose last probe is the last page itself. A page is known to be the last
 * when it is non-empty and either says there is no next page or is shorter
 * than `perPage`; an empty page is past the end.
 */
async function findLastPage(
  get: (page: number, size?: number) => Promise<AuditLogPage>,
  perPage: number,
  startMs: number | undefined,
): Promise<LastPage> {
  const isLast = (p: AuditLogPage) =>
    p.entries.length > 0 && (p.nextPage === null || p.entries.length < perPage);
  const first = await get(1);
  if (first.entries.length === 0) {
    return { last: 0, lastPage: EMPTY_PAGE, first: undefined };
  }
  if (isLast(first)) return { last: 1, lastPage: first, first: undefined };
  let lo = 1;
  let loPage: AuditLogPage | undefined = first;
  let hi: number | undefined;
  let small = perPage > 1; // probe with one entry while that works
  /** Looks at page `k`, moving `lo` or `hi`; returns the answer if found. */
  const look = async (
    k: number,
    whole: boolean,
  ): Promise<LastPage | undefined> => {
    if (small && !whole) {
      const p = await get((k - 1) * perPage + 1, 1);
      if (p.entries.length <= 1 && p.perPage === 1) {
        if (p.entries.length === 0) hi = k;
        else if (p.nextPage === null) {
          // The very last entry starts page k: page k holds it alone.
          return {
            last: k,
            lastPage: { ...p, page: k, perPage },
            first,
          };
        } else {
          lo = k;
          loPage = undefined;
        }
        return undefined;
      }
      small = false; // the source ignored the page size: whole pages only
    }
    const p = await get(k);
    if (p.entries.length === 0) hi = k;
    else if (isLast(p)) return { last: k, lastPage: p, first };
    else {
      lo = k;
      loPage = p;
    }
    return undefined;
  };

  // Aim a little low: an estimate past the end costs a doubling search.
  const estimate = estimateLastPage(first, startMs);
  const aim = estimate === undefined
    ? undefined
    : Math.max(2, Math.floor(estimate * 0.9));
  if (aim !== undefined) {
    const found = await look(aim, false);
    if (found) return found;
  }
  if (hi === undefined && aim !== undefined) {
    // Gallop up from the estimate until the last page is bracketed.
    for (let step = Math.max(1, Math.ceil(aim / 16)); hi === undefined;) {
      const found = await look(lo + step, false);
      if (found) return found;
      step *= 2;
    }
  } else {
    // No estimate, or it was past the end: double up from page 2.
    for (let k = 2; hi === undefined || k < hi; k *= 2) {
      const found = await look(k, false);
      if (found) return found;
      if (hi !== undefined && hi <= k) break;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const found = await look(mid, true);
    if (found) return found;
  }
  loPage ??= await get(lo);
  return { last: lo, lastPage: loPage, first: lo === 1 ? undefined : first };
}

interface RecordWindow {
  startMs: number | undefined;
  endMs: number;
  checkpointMs: number | undefined;
  skip: Map<string, number>;
}

interface Row {
  entry: AuditLogEntry;
  ms: number;
}

/**
 * The entries of one page (newest first) that belong in the window, oldest
 * first, with their times.
 */
function selectRows(
  entries: readonly AuditLogEntry[],
  window: RecordWindow,
): Row[] {
  const rows: Row[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    const ms = typeof entry?.timestamp === "string"
      ? Date.parse(entry.timestamp)
      : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new SyntaxError(
        `Cannot export audit-log entry: unreadable timestamp '${
          String(entry?.timestamp)
        }'`,
      );
    }
    if (window.startMs !== undefined && ms < window.startMs) continue;
    if (ms > window.endMs) continue;
    rows.push({ entry, ms });
  }
  // The API sorts newest first; keep equal timestamps in their reversed order.
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.ms < rows[i - 1]!.ms) {
      rows.sort((a, b) => a.ms - b.ms);
      break;
    }
  }
  return rows;
}

function entryText(entry: AuditLogEntry): string {
  if (!Object.hasOwn(entry, "id")) return canonicalJson(entry);
  const { id: _drop, ...rest } = entry as AuditLogEntry & { id?: unknown };
  return canonicalJson(rest);
}

/** The records of one page, and the same as JSON Lines. */
interface Batch {
  records: AuditLogRecord[];
  jsonLines: string[];
  /** The newest record's time (the last record's: they are oldest first). */
  lastMs: number;
  /** The ids of the records at `lastMs`, in order. */
  idsAtLast: string[];
}

/**
 * Adds the ids, drops entries at the checkpoint's timestamp that the
 * checkpoint lists (each listed id once), and makes the records and their
 * JSON Lines: `{"id":…,` followed by the canonical JSON's members, so a line
 * without its id is exactly the text the id hashes.
 */
function toBatch(
  rows: readonly Row[],
  ids: readonly string[],
  texts: readonly string[],
  drafts: readonly (Record<string, unknown> | undefined)[],
  window: RecordWindow,
): Batch {
  const records: AuditLogRecord[] = [];
  const jsonLines: string[] = [];
  let lastMs = Number.NEGATIVE_INFINITY;
  let idsAtLast: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const { entry, ms } = rows[i]!;
    const id = ids[i]!;
    if (ms === window.checkpointMs) {
      const left = window.skip.get(id) ?? 0;
      if (left > 0) {
        window.skip.set(id, left - 1);
        continue;
      }
    }
    const draft = drafts[i];
    if (draft) {
      draft.id = id;
      records.push(draft as AuditLogRecord);
    } else if (Object.hasOwn(entry, "id")) {
      const { id: _drop, ...rest } = entry as AuditLogEntry & { id?: unknown };
      records.push({ id, ...rest } as AuditLogRecord);
    } else {
      records.push({ id, ...entry } as AuditLogRecord);
    }
    if (ms > lastMs) {
      lastMs = ms;
      idsAtLast = [id];
    } else {
      idsAtLast.push(id);
    }
    const text = texts[i]!;
    jsonLines.push(
      text.length > 2 ? `{"id":"${id}",${text.slice(1)}\n` : `{"id":"${id}"}\n`,
    );
  }
  return { records, jsonLines, lastMs, idsAtLast };
}

/**
 * Turns one page (newest first) into the records to write (oldest first):
 * reversed, entries outside the window dropped, entries at the checkpoint's
 * timestamp dropped when the checkpoint lists their id, ids added. Hashes
 * synchronously.
 */
function selectRecords(
  entries: readonly AuditLogEntry[],
  window: RecordWindow,
): Batch {
  const rows = selectRows(entries, window);
  const ids = new Array<string>(rows.length);
  const texts = new Array<string>(rows.length);
  const drafts = new Array<Record<string, unknown> | undefined>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const entry = rows[i]!.entry;
    const draft = restRecordDraft(entry);
    const text = draft ? draft.text : entryText(entry);
    texts[i] = text;
    ids[i] = sha256Hex(text);
    drafts[i] = draft?.record;
  }
  return toBatch(rows, ids, texts, drafts, window);
}
