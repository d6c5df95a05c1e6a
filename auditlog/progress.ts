/**
 * A one-line progress display for long exports, drawn on stderr only when
 * stderr is a terminal.
 *
 * @module
 */

import { type Clock, systemClock } from "../_http/mod.ts";
import type { ExportProgress } from "./export.ts";

/** Something a line can be written to synchronously, like `Deno.stderr`. */
export interface SyncWriter {
  /**
   * Writes bytes.
   *
   * @param p The bytes.
   * @returns How many were written.
   */
  writeSync(p: Uint8Array): number;
}

/** Options for {@linkcode createProgressRenderer}. */
export interface ProgressRendererOptions {
  /**
   * Where to draw.
   *
   * @default {Deno.stderr}
   */
  writer?: SyncWriter;
  /**
   * Whether the writer is a terminal. Without a terminal nothing is drawn and
   * no renderer is returned.
   *
   * @default {Deno.stderr.isTerminal()}
   */
  isTerminal?: boolean;
  /**
   * The least time between two redraws, in milliseconds (phase changes are
   * always drawn).
   *
   * @default {200}
   */
  intervalMs?: number;
  /**
   * The clock for throttling.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

// Made on first use: building an Intl.NumberFormat loads locale data, which
// importing the module should not pay for.
let numberFormatter: Intl.NumberFormat | undefined;
const numberFormat = {
  format(value: number): string {
    numberFormatter ??= new Intl.NumberFormat("en-US");
    return numberFormatter.format(value);
  },
};

/**
 * Formats a duration like `1h 02m`, `3m 05s` or `42s`.
 *
 * @param ms Milliseconds.
 * @returns The text.
 *
 * @example Format durations
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./progress.ts";
 * assert.equal(formatDuration(185_000), "3m 05s");
 * assert.equal(formatDuration(3_720_000), "1h 02m");
 * ```
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/**
 * Describes a progress report in one line.
 *
 * @param progress The report.
 * @returns The line, without a line break.
 *
 * @example Describe progress
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./progress.ts";
 *
 * const line = formatProgress({
 *   phase: "exporting", entries: 2500, pages: 3, requests: 5, runs: 1, runEntries: 2500,
 *   totalEntries: 10000, totalPages: 10, elapsedMs: 5000, entriesPerSecond: 500, etaMs: 15000,
 *   windowStart: null, windowEnd: "2026-11-01T00:00:00.000Z",
 * });
 * assert.equal(line, "audit export: 2,500 / 10,000 entries (25%), 3 / 10 pages, 500/s, ETA 15s");
 * ```
 */
export function formatProgress(progress: ExportProgress): string {
  const parts: string[] = [];
  if (progress.phase === "waiting") {
    return `audit export: ${
      numberFormat.format(progress.entries)
    } entries, waiting for new entries`;
  }
  if (progress.phase === "probing") {
    return `audit export: ${
      numberFormat.format(progress.entries)
    } entries, sizing the window from ${
      progress.windowStart ?? "the start"
    } to ${progress.windowEnd}`;
  }
  if (progress.totalEntries !== undefined) {
    const pct = progress.totalEntries === 0 ? 100 : Math.min(
      100,
      Math.floor(progress.runEntries * 100 / progress.totalEntries),
    );
    parts.push(
      `${numberFormat.format(progress.runEntries)} / ${
        numberFormat.format(progress.totalEntries)
      } entries (${pct}%)`,
    );
  } else {
    parts.push(`${numberFormat.format(progress.entries)} entries`);
  }
  parts.push(
    progress.totalPages !== undefined
      ? `${numberFormat.format(progress.pages)} / ${
        numberFormat.format(progress.totalPages)
      } pages`
      : `${numberFormat.format(progress.pages)} pages`,
  );
  parts.push(`${numberFormat.format(Math.round(progress.entriesPerSecond))}/s`);
  if (progress.phase === "done") parts.push("done");
  else if (progress.etaMs !== undefined) {
    parts.push(`ETA ${formatDuration(progress.etaMs)}`);
  }
  return `audit export: ${parts.join(", ")}`;
}

/**
 * Makes an `onProgress` callback that redraws one status line on stderr,
 * or returns `undefined` when stderr is not a terminal (so piped output and
 * logs stay clean). Pass the result straight to
 * {@linkcode exportAuditLogs}'s `onProgress`.
 *
 * @param options Writer, terminal check, redraw interval, clock.
 * @returns The callback, or `undefined` without a terminal.
 *
 * @example Draw into a buffer
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProgressRenderer } from "./progress.ts";
 *
 * const out: string[] = [];
 * const render = createProgressRenderer({
 *   isTerminal: true,
 *   writer: { writeSync: (p) => (out.push(new TextDecoder().decode(p)), p.length) },
 * });
 * render?.({
 *   phase: "done", entries: 3, pages: 1, requests: 1, runs: 1, runEntries: 3, totalEntries: 3,
 *   totalPages: 1, elapsedMs: 10, entriesPerSecond: 300, windowStart: null, windowEnd: "2026-11-01T00:00:00.000Z",
 * });
 * assert.match(out.join(""), /3 \/ 3 entries/);
 * ```
 */
export function createProgressRenderer(
  options: ProgressRendererOptions = {},
): ((progress: ExportProgress) => void) | undefined {
  const terminal = options.isTerminal ?? safeIsTerminal();
  if (!terminal) return undefined;
  const writer = options.writer ?? Deno.stderr;
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? 200;
  const encoder = new TextEncoder();
  let lastDraw = -Infinity;
  let lastPhase = "";
  return (progress: ExportProgress) => {
    const now = clock.now();
    if (
      progress.phase === lastPhase && progress.phase !== "done" &&
      now - lastDraw < interval
    ) return;
    lastDraw = now;
    lastPhase = progress.phase;
    const line = formatProgress(progress);
    const text = `\r\x1b[2K${line}${progress.phase === "done" ? "\n" : ""}`;
    try {
      const bytes = encoder.encode(text);
      let offset = 0;
      while (offset < bytes.length) {
        offset += writer.writeSync(bytes.subarray(offset));
      }
    } catch {
      // A closed stderr must not break the export.
    }
  };
}

function safeIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}
