// The ceiling of a read: the fastest that monday's limits and latency allow
// for the requests the read made, computed from what the emulator measured
// (its stats after the run). See docs/throughput.md, "The ceiling".

import type { EmulatorLimits, EmulatorStats } from "../emulator/mod.ts";
import { MONDAY_LATENCY } from "../emulator/mod.ts";

/** The ceiling of one run and the bounds it is the largest of. */
export interface Ceiling {
  /** Σ delay / concurrency cap: the slots kept busy the whole time. */
  capMs: number;
  /** The longest pagination's delays plus the preamble (one small request). */
  chainMs: number;
  /** Time the complexity budget makes the points beyond the first window's quota wait. */
  budgetMs: number;
  /** Time the requests-per-minute limit makes the requests beyond the first window wait. */
  requestsMs: number;
  /** The largest of the four: the fastest the run could have been. */
  ms: number;
  /** Which bound it is: "cap", "chain", "budget" or "requests". */
  binding: string;
}

/**
 * The request a page must wait for before any can be asked: the list of
 * boards. Its expected delay under the preset (base plus mean jitter).
 */
export const PREAMBLE_MS: number = MONDAY_LATENCY.graphql.baseMs! +
  MONDAY_LATENCY.graphql.jitterMs!;

/**
 * Computes the ceiling of a run from the emulator's stats for it.
 *
 * - cap: Σ delay of the run's GraphQL answers / concurrent requests allowed;
 * - chain: the longest pagination's Σ delay + `PREAMBLE_MS` (a cursor chain
 *   cannot be parallelised; the boards must be listed before it starts);
 * - budget: max(0, points − quota) / quota × window;
 * - requests: max(0, requests − requests per window) / that limit × window.
 */
export function ceilingOf(
  stats: EmulatorStats,
  limits: Required<EmulatorLimits>,
): Ceiling {
  const capMs = stats.latency.graphql.totalMs / limits.concurrentRequests;
  const chainMs = stats.paginations.longest.delayMs + PREAMBLE_MS;
  const budgetMs = Math.max(0, stats.complexity - limits.complexityPerMinute) /
    limits.complexityPerMinute * limits.minuteWindowMs;
  const requestsMs =
    Math.max(0, stats.requests.graphql - limits.requestsPerMinute) /
    limits.requestsPerMinute * limits.minuteWindowMs;
  const bounds: [string, number][] = [
    ["cap", capMs],
    ["chain", chainMs],
    ["budget", budgetMs],
    ["requests", requestsMs],
  ];
  const [binding, ms] = bounds.reduce((a, b) => b[1] > a[1] ? b : a);
  return { capMs, chainMs, budgetMs, requestsMs, ms, binding };
}
