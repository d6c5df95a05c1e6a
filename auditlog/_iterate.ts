/**
 * Shared page iteration for the audit-log sources.
 *
 * @module
 */

import { canonicalJson } from "./entry_id.ts";
import type {
  AuditLogEntry,
  AuditLogFilters,
  AuditLogSource,
} from "./types.ts";

/**
 * Iterates over a source's pages, newest first, skipping entries repeated at
 * a page boundary because newer entries arrived and pushed older ones down.
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
  let previous: string[] = [];
  for (let page = 1;; page++) {
    const result = await source.getLogs({
      page,
      perPage,
      ...(filters ? { filters } : {}),
      ...(signal ? { signal } : {}),
    });
    const keys = result.entries.map((entry) => canonicalJson(entry));
    // The longest run at the start of this page that repeats the end of the
    // previous one is a shift, not new entries.
    let skip = 0;
    for (let k = Math.min(keys.length, previous.length); k > 0; k--) {
      let same = true;
      for (let i = 0; i < k; i++) {
        if (keys[i] !== previous[previous.length - k + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        skip = k;
        break;
      }
    }
    for (let i = skip; i < result.entries.length; i++) {
      yield result.entries[i]!;
    }
    previous = keys;
    if (result.entries.length === 0 || result.nextPage === null) return;
  }
}
