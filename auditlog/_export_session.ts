/**
 * One call of {@linkcode exportAuditLogs}, as an object whose state is in
 * named fields: where the export stands (the position), what is written but
 * not yet checkpointed, and the totals. Read it top to bottom:
 *
 * 1. {@linkcode ExportSession.open}: load the checkpoint, open the sink (it
 *    rewinds to the checkpoint's state), record where the sink starts.
 * 2. {@linkcode ExportSession.runOnce}: fix the window, find its last page,
 *    walk the pages from the oldest to the newest, write each page's batch
 *    and checkpoint once it is durable.
 * 3. {@linkcode ExportSession.follow}: run again every interval.
 *
 * The rule that carries the exactly-once promise: the checkpoint is saved
 * only after the sink has acknowledged (and, batching, flushed) everything
 * it covers, and a restart rewinds the sink to the checkpoint.
 *
 * @module
 */

import type { Clock } from "../_http/mod.ts";
import type { AuditCheckpoint, CheckpointStore } from "./checkpoint.ts";
import { EMPTY_PAGE, findLastPage, type LastPage } from "./_last_page.ts";
import { type Batch, buildBatch } from "./_page_batch.ts";
import { canonicalJson } from "./entry_id.ts";
import type { AuditSink, SinkState } from "./sinks.ts";
import type { AuditLogFilters, AuditLogPage, AuditLogSource } from "./types.ts";
import type {
  ExportFilters,
  ExportProgress,
  ExportResult,
} from "./export_types.ts";

/** The validated options of one export. */
export interface ExportConfig {
  source: AuditLogSource;
  sink: AuditSink;
  store: CheckpointStore;
  clock: Clock;
  signal: AbortSignal | undefined;
  lagMs: number;
  perPage: number;
  intervalMs: number;
  checkpointIntervalMs: number;
  sinceMs: number | undefined;
  untilMs: number | undefined;
  /** The filters as given (without times). */
  filters: ExportFilters;
  /** The same in the API's spelling, as the checkpoint records them. */
  wireFilters: Record<string, unknown>;
  onError: ((error: unknown) => void) | undefined;
  onProgress: ((progress: ExportProgress) => void) | undefined;
}

/** How far the export got: what the next checkpoint will say. */
interface Position {
  /** The newest exported entry's time. */
  lastMs: number | undefined;
  /** The ids exported at exactly `lastMs` (repeats kept). */
  idsAtLast: string[];
  /** Entries exported, all runs. */
  exported: number;
  /** The sink's state after the last acknowledged write. */
  sink: SinkState | undefined;
}

function positionOf(
  checkpoint: AuditCheckpoint | undefined,
  opened: SinkState | undefined,
): Position {
  return {
    lastMs: checkpoint?.timestamp
      ? Date.parse(checkpoint.timestamp)
      : undefined,
    idsAtLast: checkpoint ? [...checkpoint.ids] : [],
    exported: checkpoint?.exported ?? 0,
    sink: opened ?? checkpoint?.sink,
  };
}

/** One run's window and counts. */
interface Run {
  started: number;
  /** Entries checkpointed in this run. */
  entries: number;
  totalPages?: number;
  totalEntries?: number;
  pagesDone?: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true &&
    (error === signal.reason ||
      (error instanceof DOMException && error.name === "AbortError"));
}

/** The state of one export call; see the module's doc for the order of things. */
export class ExportSession {
  readonly #config: ExportConfig;
  /** Pages are written as they come and made durable together (`flush`). */
  readonly #batching: boolean;
  readonly #startedAt: number;
  #position: Position;
  /** The last checkpoint saved (or loaded). */
  #checkpoint: AuditCheckpoint | undefined;
  /** When, by the clock, the last checkpoint was saved. */
  #savedAt: number;
  /** Entries written since the last checkpoint. */
  #unsaved = 0;
  /** A write or flush failed since the last checkpoint. */
  #sinkFailed = false;
  /** The store failed in this run. */
  #saveFailed = false;
  #totals = { entries: 0, pages: 0, requests: 0, runs: 0 };
  #windowStart: string | null = null;
  #windowEnd: string;

  private constructor(
    config: ExportConfig,
    checkpoint: AuditCheckpoint | undefined,
    opened: SinkState | undefined,
    startedAt: number,
  ) {
    this.#config = config;
    this.#batching = typeof config.sink.flush === "function" &&
      config.checkpointIntervalMs > 0;
    this.#startedAt = startedAt;
    this.#windowEnd = iso(startedAt);
    this.#checkpoint = checkpoint;
    this.#position = positionOf(checkpoint, opened);
    this.#savedAt = config.clock.now();
  }

  /**
   * Loads the checkpoint, checks its filters, opens the sink (which rewinds
   * to the checkpoint's state) and records where the sink starts. On
   * failure after the sink opened, closes it.
   */
  static async open(config: ExportConfig): Promise<ExportSession> {
    const { store, sink, signal } = config;
    const startedAt = config.clock.now();
    signal?.throwIfAborted();
    const checkpoint = await store.load(signal ? { signal } : {});
    const filtersKey = canonicalJson(config.wireFilters);
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
    const session = new ExportSession(config, checkpoint, opened, startedAt);
    try {
      const position = session.#position;
      if (
        !checkpoint ||
        canonicalJson(checkpoint.sink ?? null) !==
          canonicalJson(position.sink ?? null)
      ) {
        // Record where the sink starts before anything is written, so a
        // crash during the first page rewinds to here.
        session.#checkpoint = await session.#save();
      }
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** Closes the sink. */
  async close(): Promise<void> {
    await this.#config.sink.close?.();
  }

  /** What was exported, and the last checkpoint. */
  result(): ExportResult {
    const totals = this.#totals;
    return {
      entries: totals.entries,
      pages: totals.pages,
      requests: totals.requests,
      runs: totals.runs,
      checkpoint: this.#checkpoint!,
      windowStart: this.#windowStart,
      windowEnd: this.#windowEnd,
    };
  }

  /**
   * Runs every `intervalMs` until `until` is reached or the signal aborts
   * (which ends the export normally). A failed run goes to `onError` when
   * given, else ends the export.
   */
  async follow(): Promise<void> {
    const { clock, signal, intervalMs, onError } = this.#config;
    while (true) {
      const started = clock.now();
      let finished = false;
      try {
        finished = await this.runOnce();
      } catch (error) {
        if (isAbort(error, signal)) break;
        if (!onError) throw error;
        onError(error);
      }
      if (finished || signal?.aborted) break;
      this.#report("waiting", undefined);
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

  /**
   * Exports one window, from the position to `now - lag` (or `until`).
   *
   * @returns Whether `until` has been reached (nothing more to follow).
   */
  async runOnce(): Promise<boolean> {
    const config = this.#config;
    this.#totals.runs++;
    this.#saveFailed = false;
    if (this.#sinkFailed) await this.#rewind();
    const now = config.clock.now();
    const nowLag = now - config.lagMs;
    const { sinceMs, untilMs } = config;
    const startMs = this.#position.lastMs ?? sinceMs;
    const endMs = untilMs === undefined ? nowLag : Math.min(untilMs, nowLag);
    this.#windowStart = startMs === undefined ? null : iso(startMs);
    this.#windowEnd = iso(endMs);
    const reachedUntil = untilMs !== undefined && untilMs <= nowLag;
    if (startMs !== undefined && startMs > endMs) {
      this.#report("done", undefined);
      return reachedUntil;
    }
    // Ask for a little more than the window (1 ms either side) so the result
    // is right whether the API treats the bounds as inclusive or exclusive;
    // the extra entries are dropped when the batches are built.
    const sentEnd = untilMs !== undefined && untilMs < nowLag
      ? untilMs + 1
      : nowLag;
    const filters: AuditLogFilters = {
      ...config.filters,
      endTime: sentEnd,
      ...(startMs !== undefined ? { startTime: startMs - 1 } : {}),
    };
    const run: Run = { started: now, entries: 0 };
    await this.#exportWindow(run, filters, startMs, endMs);
    this.#report("done", run);
    return reachedUntil;
  }

  /**
   * A write or flush failed in the last run (follow mode): rewind the sink
   * and the position to the last checkpoint, as a restart would.
   */
  async #rewind(): Promise<void> {
    const { sink, signal } = this.#config;
    this.#sinkFailed = false;
    this.#unsaved = 0;
    if (!sink.open) return;
    await sink.close?.();
    const reopened = await sink.open(
      this.#checkpoint?.sink,
      signal ? { signal } : {},
    );
    this.#position = positionOf(this.#checkpoint, reopened);
  }

  /**
   * Walks the window's pages from the last (oldest) to the first, with at
   * most one page request ahead and one write (with its checkpoint) behind
   * the page being turned into records.
   */
  async #exportWindow(
    run: Run,
    filters: AuditLogFilters,
    startMs: number | undefined,
    endMs: number,
  ): Promise<void> {
    const { source, signal, perPage } = this.#config;
    // The run's own signal: it follows the caller's, and also stops a
    // prefetch still in flight when the run fails.
    const runController = new AbortController();
    const forwardAbort = () => runController.abort(signal?.reason);
    signal?.addEventListener("abort", forwardAbort, { once: true });
    const getPage = async (
      page: number,
      size = perPage,
    ): Promise<AuditLogPage> => {
      this.#totals.requests++;
      return await source.getLogs({
        page,
        perPage: size,
        filters,
        signal: runController.signal,
      });
    };
    let next: Promise<AuditLogPage> | undefined;
    let persisting: Promise<void> | undefined;
    try {
      this.#report("probing", run);
      const found = await findLastPage(getPage, perPage, startMs);
      if (found.last === 0) return;
      run.totalPages = found.last;
      run.totalEntries = (found.last - 1) * perPage +
        found.lastPage.entries.length;
      run.pagesDone = 0;
      // How often each id exported at the checkpoint's timestamp may still
      // be skipped (identical entries share an id).
      const checkpointMs = this.#position.lastMs;
      const skip = new Map<string, number>();
      for (const id of this.#position.idsAtLast) {
        skip.set(id, (skip.get(id) ?? 0) + 1);
      }
      const take = (page: number) => takePage(found, page, getPage);

      next = take(found.last);
      for (let page = found.last; page >= 1; page--) {
        signal?.throwIfAborted();
        const data = await next!;
        next = page > 1 ? take(page - 1) : undefined;
        this.#report("exporting", run);
        const batch = buildBatch(data.entries, {
          page,
          startMs,
          endMs,
          checkpointMs,
          skip,
        });
        this.#totals.pages++;
        run.pagesDone++;
        if (persisting) {
          const previous = persisting;
          persisting = undefined;
          await previous;
        }
        if (batch.records.length > 0) {
          signal?.throwIfAborted();
          persisting = this.#persist(batch, run);
          persisting.catch(() => {}); // handled when awaited
        }
      }
      if (persisting) {
        const previous = persisting;
        persisting = undefined;
        await previous;
      }
      if (this.#unsaved > 0) await this.#commit(run);
    } finally {
      signal?.removeEventListener("abort", forwardAbort);
      if (next || persisting) {
        // Failing: stop the prefetch, and let a write in flight finish (with
        // its checkpoint) before the sink is closed.
        runController.abort(
          new DOMException("The export run stopped", "AbortError"),
        );
        await Promise.allSettled([next, persisting]);
      }
      if (this.#unsaved > 0 && !this.#sinkFailed && !this.#saveFailed) {
        // Failing (the source, say) or aborted after writes not yet
        // checkpointed (batching): keep them, since the sink and the store
        // still work.
        await this.#commit(run).catch(() => {});
      }
    }
  }

  /**
   * Writes one batch, moves the position past it, and checkpoints when due:
   * at once without batching, else once `checkpointIntervalMs` has passed
   * since the last checkpoint.
   */
  async #persist(batch: Batch, run: Run): Promise<void> {
    const { sink, signal, clock, checkpointIntervalMs } = this.#config;
    let ack: SinkState | undefined | void;
    try {
      ack = await sink.write(batch.records, {
        jsonLines: batch.jsonLines,
        ...(this.#batching ? { defer: true } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      this.#sinkFailed = true;
      throw error;
    }
    const position = this.#position;
    if (position.lastMs === undefined || batch.lastMs > position.lastMs) {
      position.lastMs = batch.lastMs;
      position.idsAtLast = [...batch.idsAtLast];
    } else {
      position.idsAtLast.push(...batch.idsAtLast);
    }
    position.exported += batch.records.length;
    if (ack) position.sink = ack;
    this.#unsaved += batch.records.length;
    if (
      !this.#batching || clock.now() - this.#savedAt >= checkpointIntervalMs
    ) {
      await this.#commit(run);
    }
  }

  /**
   * Makes what was written durable (batching: the sink's `flush`), then
   * saves the checkpoint. In that order, always: a checkpoint must never
   * cover bytes a crash could still lose. Not abortable: once the sink holds
   * a batch, its checkpoint must follow.
   */
  async #commit(run: Run): Promise<void> {
    if (this.#batching) {
      let ack: SinkState | undefined | void;
      try {
        ack = await this.#config.sink.flush!();
      } catch (error) {
        this.#sinkFailed = true;
        throw error;
      }
      if (ack) this.#position.sink = ack;
    }
    try {
      this.#checkpoint = await this.#save();
    } catch (error) {
      this.#saveFailed = true;
      throw error;
    }
    this.#savedAt = this.#config.clock.now();
    this.#totals.entries += this.#unsaved;
    run.entries += this.#unsaved;
    this.#unsaved = 0;
  }

  /** Saves the position as the checkpoint. */
  async #save(): Promise<AuditCheckpoint> {
    const position = this.#position;
    const next: AuditCheckpoint = {
      version: 1,
      timestamp: position.lastMs === undefined ? null : iso(position.lastMs),
      ids: [...position.idsAtLast],
      ...(position.sink ? { sink: position.sink } : {}),
      filters: this.#config.wireFilters,
      exported: position.exported,
      updatedAt: iso(this.#config.clock.now()),
    };
    await this.#config.store.save(next);
    return next;
  }

  #report(phase: ExportProgress["phase"], run: Run | undefined): void {
    const onProgress = this.#config.onProgress;
    if (!onProgress) return;
    const now = this.#config.clock.now();
    const runElapsed = run ? Math.max(1, now - run.started) : 1;
    const rate = run ? (run.entries * 1000) / runElapsed : 0;
    const totals = this.#totals;
    const progress: ExportProgress = {
      phase,
      entries: totals.entries,
      pages: totals.pages,
      requests: totals.requests,
      runs: totals.runs,
      runEntries: run?.entries ?? 0,
      elapsedMs: now - this.#startedAt,
      entriesPerSecond: rate,
      windowStart: this.#windowStart,
      windowEnd: this.#windowEnd,
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
  }
}

/**
 * Page `page` of the window: the last page and page 1 as the last-page
 * search already fetched them (each handed over once), any other fetched
 * now.
 */
function takePage(
  found: LastPage,
  page: number,
  getPage: (page: number) => Promise<AuditLogPage>,
): Promise<AuditLogPage> {
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
}
