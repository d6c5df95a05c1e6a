/**
 * Shared page iteration for the audit-log sources.
 *
 * @module
 */

import { normalizeAuditLogFilters } from "./filters.ts";
import type {
  AuditLogEntry,
  AuditLogFilters,
  AuditLogSource,
} from "./types.ts";

/**
 * The end time that keeps entries newer than page 1 out of the later pages:
 * page 1's newest timestamp, or the caller's own end when that is earlier.
 * Undefined when page 1 gives no readable time (the pages are then read
 * unpinned). A timestamp finer than a millisecond is rounded up, so the pin
 * never cuts off an entry that page 1's time includes.
 */
function pinnedEnd(
  entries: readonly AuditLogEntry[],
  filters: AuditLogFilters | undefined,
): string | undefined {
  let newest = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    const text = typeof entry?.timestamp === "string" ? entry.timestamp : "";
    let ms = Date.parse(text);
    if (Number.isNaN(ms)) continue;
    if (new Date(ms).toISOString() !== text) ms += 1;
    if (ms > newest) newest = ms;
  }
  if (!Number.isFinite(newest)) return undefined;
  const own = normalizeAuditLogFilters(filters ?? {}).end_time;
  const ownMs = own === undefined ? Number.POSITIVE_INFINITY : Date.parse(own);
  return ownMs <= newest ? undefined : new Date(newest).toISOString();
}

/**
 * Iterates over a source's pages, newest first, losing no entry.
 *
 * The log is newest first, so an entry that arrives while the pages are read
 * would push older entries onto the next page, and they would come twice.
 * Matching a page's head against the previous page's tail cannot tell such a
 * shift from genuinely identical entries (two identical events in the same
 * millisecond), so nothing is ever dropped on sight. Instead, every page after
 * the first asks only for entries at or before page 1's newest timestamp (the
 * caller's own end time when earlier): later arrivals cannot move the window.
 * The guarantee is at least once: an entry is repeated only if a new one
 * arrives with a timestamp at or before that time (the same millisecond, or
 * written late), and a repeat is always identical to an entry already given.
 *
 * @param source Where pages come from.
 * @param filters Which entries.
 * @param perPage Entries per page.
 * @param signal Stops the iteration.
 * @returns The entries, newest first.
 */
export async function* iterateLogs(
  source: Pick<AuditLogSource, "getLogs">,
  filters: AuditLogFilters | undefined,
  perPage: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<AuditLogEntry> {
  let pinned = filters;
  for (let page = 1;; page++) {
    const result = await source.getLogs({
      page,
      perPage,
      ...(pinned ? { filters: pinned } : {}),
      ...(signal ? { signal } : {}),
    });
    if (page === 1) {
      const end = pinnedEnd(result.entries, filters);
      if (end !== undefined) pinned = { ...filters, endTime: end };
    }
    yield* result.entries;
    if (result.entries.length === 0 || result.nextPage === null) return;
  }
}
