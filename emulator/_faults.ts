/**
 * Fault plans: per route, what the next requests should suffer.
 *
 * @module
 */

/** The emulator's routes, as counted in stats and targeted by faults. */
export type EmulatorRoute =
  | "graphql"
  | "file"
  | "schema"
  | "audit"
  | "authorize"
  | "token_legacy"
  | "token"
  | "revoke";

/** All routes, in a stable order. */
export const ROUTES: readonly EmulatorRoute[] = [
  "graphql",
  "file",
  "schema",
  "audit",
  "authorize",
  "token_legacy",
  "token",
  "revoke",
];

/** What to do to the next request(s) of a route. */
export interface Fault {
  /** Answer this status instead of handling the request (nothing executes). */
  status?: number;
  /** Answer this body instead of handling the request (nothing executes). */
  body?: string;
  /** Headers of the answer given instead (with `status`/`body`). */
  headers?: Record<string, string>;
  /**
   * Answer as monday answers a concurrent duplicate of a keyed mutation
   * (HTTP 409 Conflict with `Retry-After: 1`, nothing executes), with this
   * error code. monday's own code string is undocumented, so clients must
   * not depend on it: inject a code they have never seen.
   */
  conflict?: string;
  /** Wait this long (real time) before handling; the request counts as in flight meanwhile. */
  delayMs?: number;
  /**
   * Drop the connection: `"before"` executing (nothing happens), or `"after"`
   * executing (side effects happen, the response is lost).
   */
  reset?: "before" | "after";
  /** Execute, then send the status and headers and only half the body before dropping the connection. */
  truncate?: boolean;
  /** Execute, then send a body that is not valid JSON. */
  malformedJson?: boolean;
  /**
   * How many requests the fault applies to.
   *
   * @default {1}
   */
  count?: number;
}

/**
 * Validates a fault.
 *
 * @param route The route.
 * @param fault The fault.
 * @throws {TypeError} On an unknown route or a fault of the wrong shape.
 * @throws {RangeError} On a bad status, delay or count.
 */
export function checkFault(route: string, fault: Fault): void {
  if (!ROUTES.includes(route as EmulatorRoute)) {
    throw new TypeError(
      `Cannot inject fault: unknown route '${route}' (expected one of ${
        ROUTES.join(", ")
      })`,
    );
  }
  if (fault === null || typeof fault !== "object") {
    throw new TypeError("Cannot inject fault: 'fault' must be an object");
  }
  if (
    fault.status !== undefined &&
    !(Number.isInteger(fault.status) && fault.status >= 100 &&
      fault.status <= 599)
  ) {
    throw new RangeError(
      `Cannot inject fault: 'status' must be an HTTP status, got '${fault.status}'`,
    );
  }
  if (
    fault.delayMs !== undefined &&
    !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)
  ) {
    throw new RangeError(
      `Cannot inject fault: 'delayMs' must be 0 or more, got '${fault.delayMs}'`,
    );
  }
  if (
    fault.count !== undefined &&
    !(Number.isInteger(fault.count) && fault.count >= 1)
  ) {
    throw new RangeError(
      `Cannot inject fault: 'count' must be a positive integer, got '${fault.count}'`,
    );
  }
  if (
    fault.conflict !== undefined &&
    (typeof fault.conflict !== "string" || fault.conflict === "")
  ) {
    throw new TypeError(
      `Cannot inject fault: 'conflict' must be a non-empty error code, got '${
        String(fault.conflict)
      }'`,
    );
  }
  if (
    fault.reset !== undefined && fault.reset !== "before" &&
    fault.reset !== "after"
  ) {
    throw new TypeError(
      `Cannot inject fault: 'reset' must be 'before' or 'after', got '${fault.reset}'`,
    );
  }
}

/**
 * Faults waiting per route, applied in the order injected.
 */
export class FaultPlan {
  #queues = new Map<EmulatorRoute, { fault: Fault; left: number }[]>();

  /**
   * Queues a fault.
   *
   * @param route The route.
   * @param fault The fault.
   */
  add(route: EmulatorRoute, fault: Fault): void {
    checkFault(route, fault);
    const queue = this.#queues.get(route) ?? [];
    queue.push({ fault: { ...fault }, left: fault.count ?? 1 });
    this.#queues.set(route, queue);
  }

  /**
   * Takes the fault for the next request of a route.
   *
   * @param route The route.
   * @returns The fault, or undefined.
   */
  take(route: EmulatorRoute): Fault | undefined {
    const queue = this.#queues.get(route);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.left--;
    if (head.left <= 0) queue.shift();
    return head.fault;
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#queues.clear();
  }
}
