/**
 * The emulator's latency model: how long monday takes to answer. Each
 * answer takes a base delay, plus seeded jitter, plus a processing cost that
 * grows with the size of the answer (and, on GraphQL, with the query's
 * complexity), on real time, without holding the event loop. The delay is
 * the answer's whole time on the server: the emulator's own work for the
 * request counts toward it, and only the rest is waited out.
 *
 * Jitter is exponential with the configured mean, added to the base: the
 * base is a floor (no answer beats the round trip), and the waiting time of
 * a queue is the textbook exponential, never negative, skewed to the right
 * (a few slow answers), with a mean that is exactly the figure configured,
 * so a benchmark's averages are predictable.
 *
 * @module
 */

import { createRandom } from "./_random.ts";
import type { EmulatorRoute } from "./_faults.ts";

/** The routes the latency model tells apart. */
export type LatencyRoute = "graphql" | "file" | "schema" | "audit" | "oauth";

/** The latency of one route; every figure is in milliseconds. */
export interface RouteLatency {
  /** The floor of every answer. @default {0} */
  baseMs?: number;
  /** The mean of the exponential jitter added to the base. @default {0} */
  jitterMs?: number;
  /** Processing cost per KiB (1024 bytes) of the response body. @default {0} */
  perKbMs?: number;
  /** Processing cost per complexity point of a GraphQL query. @default {0} */
  perComplexityMs?: number;
}

/**
 * The latency option: `"monday"` (the preset {@linkcode MONDAY_LATENCY}), a
 * number (that base delay in ms on every route, no jitter) or a figure per
 * route (routes left out answer at once).
 */
export type EmulatorLatency =
  | "monday"
  | number
  | Partial<Record<LatencyRoute, RouteLatency>>;

/**
 * The preset `"monday"`: what monday.com looks like from Europe or the US
 * East. **Assumed, not measured**: monday publishes no latency figures, so
 * these are round numbers of the order seen from a client (about 100-150 ms
 * for a small `/v2` query, a second or more for a 500-item page with its
 * column values).
 *
 * @example Benchmark against a monday-slow emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { MONDAY_LATENCY, startEmulator } from "./mod.ts";
 * await using emulator = await startEmulator({ latency: "monday" });
 * const start = performance.now();
 * const response = await fetch(emulator.apiUrl, {
 *   method: "POST",
 *   headers: {
 *     "content-type": "application/json",
 *     authorization: emulator.credentials.apiToken,
 *   },
 *   body: JSON.stringify({ query: "{ me { id } }" }),
 * });
 * await response.body?.cancel();
 * assert.ok(performance.now() - start >= MONDAY_LATENCY.graphql.baseMs! - 5);
 * ```
 */
export const MONDAY_LATENCY: Readonly<Record<LatencyRoute, RouteLatency>> =
  Object.freeze({
    graphql: { baseMs: 110, jitterMs: 25, perKbMs: 2, perComplexityMs: 0.01 },
    file: { baseMs: 300, jitterMs: 80, perKbMs: 2, perComplexityMs: 0.01 },
    schema: { baseMs: 150, jitterMs: 30, perKbMs: 0.2 },
    audit: { baseMs: 200, jitterMs: 50, perKbMs: 1 },
    oauth: { baseMs: 100, jitterMs: 25 },
  });

/** monday cuts every call at 60 s on the server; no delay is longer. */
export const MAX_LATENCY_MS = 60_000;

/** Every latency route. */
export const LATENCY_ROUTES: readonly LatencyRoute[] = [
  "graphql",
  "file",
  "schema",
  "audit",
  "oauth",
];

/**
 * Maps an emulator route to its latency route (the OAuth routes share one).
 *
 * @param route The emulator route.
 * @returns The latency route.
 * @example OAuth routes share one figure
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyRouteOf } from "./_latency.ts";
 * assert.equal(latencyRouteOf("token"), "oauth");
 * assert.equal(latencyRouteOf("graphql"), "graphql");
 * ```
 */
export function latencyRouteOf(route: EmulatorRoute): LatencyRoute {
  switch (route) {
    case "graphql":
    case "file":
    case "schema":
    case "audit":
      return route;
    default:
      return "oauth";
  }
}

/**
 * Checks a latency option and spells it out per route.
 *
 * @param latency The option; undefined turns latency off.
 * @returns The figures per route (empty when off).
 * @throws {RangeError} If a preset is unknown, a route is unknown, or a
 * figure is not a finite number of 0 or more.
 * @example A number is a base delay on every route
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveLatency } from "./_latency.ts";
 * assert.deepEqual(resolveLatency(50).audit, { baseMs: 50 });
 * ```
 */
export function resolveLatency(
  latency: EmulatorLatency | undefined,
): Partial<Record<LatencyRoute, RouteLatency>> {
  if (latency === undefined) return {};
  if (latency === "monday") {
    return Object.fromEntries(
      LATENCY_ROUTES.map((r) => [r, { ...MONDAY_LATENCY[r] }]),
    );
  }
  if (typeof latency === "number") {
    checkFigure("latency", latency);
    return Object.fromEntries(
      LATENCY_ROUTES.map((r) => [r, { baseMs: latency }]),
    );
  }
  if (typeof latency !== "object" || latency === null) {
    throw new RangeError(
      `Invalid emulator option 'latency': expected "monday", a number of ms or an object per route, got '${
        String(latency)
      }'`,
    );
  }
  const out: Partial<Record<LatencyRoute, RouteLatency>> = {};
  for (const [route, figures] of Object.entries(latency)) {
    if (!LATENCY_ROUTES.includes(route as LatencyRoute)) {
      throw new RangeError(
        `Invalid emulator option 'latency': unknown route '${route}' (use ${
          LATENCY_ROUTES.join(", ")
        })`,
      );
    }
    const copy: RouteLatency = {};
    for (
      const key of ["baseMs", "jitterMs", "perKbMs", "perComplexityMs"] as const
    ) {
      const value = (figures as RouteLatency | undefined)?.[key];
      if (value === undefined) continue;
      checkFigure(`latency.${route}.${key}`, value);
      copy[key] = value;
    }
    out[route as LatencyRoute] = copy;
  }
  return out;
}

function checkFigure(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Invalid emulator option '${name}': expected a finite number of ms of 0 or more, got '${
        String(value)
      }'`,
    );
  }
}

/**
 * Draws the delay of each answer from the configured figures and a seeded
 * random source, so that runs with the same seed repeat.
 *
 * @example Off by default
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyModel } from "./_latency.ts";
 * const model = new LatencyModel(1);
 * assert.equal(model.delayMs("graphql", { bytes: 1000 }), 0);
 * model.set(100);
 * assert.ok(model.delayMs("graphql", { bytes: 1000 }) >= 100);
 * ```
 */
export class LatencyModel {
  #routes: Partial<Record<LatencyRoute, RouteLatency>> = {};
  #random: () => number;

  /**
   * @param seed The seed of the jitter.
   * @param latency The starting figures; undefined is off.
   * @throws {RangeError} If the figures are invalid.
   */
  constructor(seed: number, latency?: EmulatorLatency) {
    this.#random = createRandom(seed);
    this.set(latency);
  }

  /**
   * Replaces the figures.
   *
   * @param latency The new figures; undefined turns latency off.
   * @throws {RangeError} If the figures are invalid.
   */
  set(latency: EmulatorLatency | undefined): void {
    this.#routes = resolveLatency(latency);
  }

  /**
   * Whether a route has any delay at all.
   *
   * @param route The route.
   * @returns True when some figure of the route is above 0.
   */
  active(route: LatencyRoute): boolean {
    const r = this.#routes[route];
    return r !== undefined &&
      ((r.baseMs ?? 0) > 0 || (r.jitterMs ?? 0) > 0 ||
        (r.perKbMs ?? 0) > 0 || (r.perComplexityMs ?? 0) > 0);
  }

  /**
   * Whether a route charges per KiB (so the caller must measure the body).
   *
   * @param route The route.
   * @returns True when `perKbMs` is above 0.
   */
  sizeMatters(route: LatencyRoute): boolean {
    return (this.#routes[route]?.perKbMs ?? 0) > 0;
  }

  /**
   * The delay of one answer, in ms, at most {@linkcode MAX_LATENCY_MS}.
   *
   * @param route The route.
   * @param answer The size of the response body and the query's complexity.
   * @returns The delay; 0 when the route has no latency.
   */
  delayMs(
    route: LatencyRoute,
    answer: { bytes?: number; complexity?: number } = {},
  ): number {
    const r = this.#routes[route];
    if (!r) return 0;
    let ms = r.baseMs ?? 0;
    if ((r.jitterMs ?? 0) > 0) {
      ms += -r.jitterMs! * Math.log(1 - this.#random());
    }
    ms += (r.perKbMs ?? 0) * (answer.bytes ?? 0) / 1024;
    ms += (r.perComplexityMs ?? 0) * (answer.complexity ?? 0);
    return Math.min(MAX_LATENCY_MS, ms);
  }
}
