/**
 * Finding a window's last page (its oldest entries) with few, cheap
 * requests, so the exporter can walk the pages from the oldest to the newest.
 *
 * @module
 */

import type { AuditLogPage } from "./types.ts";

/** An empty page, for a page already handed over. */
export const EMPTY_PAGE: AuditLogPage = {
  entries: [],
  page: 0,
  perPage: 0,
  nextPage: null,
  message: "",
};

export interface LastPage {
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
export async function findLastPage(
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
