/**
 * A monday.com-compatible server on 127.0.0.1 for tests, demos and trying
 * scripts without a monday account: the GraphQL API (`/v2`, `/v2/file`,
 * `/v2/get_schema`), the Audit Log API (`/audit-api/get-logs`) and OAuth
 * (`/oauth2/*`, `/oauth_ms/oauth/*`), with monday's limits, error shapes,
 * cursors and idempotency, deterministic seeded data, a clock you advance
 * and faults you inject.
 *
 * Permissions: `--allow-net=127.0.0.1`.
 *
 * @example Ask who you are
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "./mod.ts";
 *
 * await using emulator = await startEmulator({ items: 10 });
 * const response = await fetch(emulator.apiUrl, {
 *   method: "POST",
 *   headers: {
 *     "Authorization": emulator.credentials.apiToken,
 *     "Content-Type": "application/json",
 *   },
 *   body: JSON.stringify({ query: "{ me { id name } }" }),
 * });
 * const body = await response.json();
 * assert.equal(body.data.me.id, emulator.credentials.apiTokens[0]!.userId);
 * ```
 *
 * @module
 */

import { type Emulator, type EmulatorOptions, startServer } from "./_server.ts";

export type {
  Emulator,
  EmulatorCredentials,
  EmulatorOptions,
  EmulatorStats,
  RandomChangesResult,
  RouteLatencyStats,
} from "./_server.ts";
export type { RandomChangeKind } from "./_random_changes.ts";
export type { EmulatorRoute, Fault } from "./_faults.ts";
export type { EmulatorUi, UiActor } from "./_ui.ts";
export type { ColumnKind } from "./_column_values.ts";
export type { EmulatorLimits, EmulatorPlan } from "./_limits.ts";
export { planLimits } from "./_limits.ts";
export type {
  EmulatorLatency,
  LatencyRoute,
  RouteLatency,
} from "./_latency.ts";
export { MONDAY_LATENCY } from "./_latency.ts";
export { EMULATOR_SDL } from "./_graphql_schema.ts";

/**
 * Starts the emulator on 127.0.0.1 and seeds its data.
 *
 * @param options Port, seed, data sizes, clock start, plan and limits, OAuth
 * consent mode, latency, and a signal that closes it.
 * @returns The running emulator: its URLs, credentials, statistics and
 * controls. Close it with `close()` or `await using`.
 * @throws {RangeError} If a size, port, limit or latency figure is out of range.
 * @throws {TypeError} If the plan, consent mode or a limit name is unknown.
 * @example Paginate the big board
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "./mod.ts";
 *
 * await using emulator = await startEmulator({ items: 60 });
 * const post = async (query: string) => {
 *   const response = await fetch(emulator.apiUrl, {
 *     method: "POST",
 *     headers: { Authorization: emulator.credentials.apiToken, "Content-Type": "application/json" },
 *     body: JSON.stringify({ query }),
 *   });
 *   return (await response.json()).data;
 * };
 * const first = await post("{ boards(limit: 1) { items_page(limit: 50) { cursor items { id } } } }");
 * const page = first.boards[0].items_page;
 * assert.equal(page.items.length, 50);
 * const next = await post(`{ next_items_page(cursor: "${page.cursor}", limit: 50) { cursor items { id } } }`);
 * assert.equal(next.next_items_page.items.length, 10);
 * assert.equal(next.next_items_page.cursor, null);
 * ```
 * @example Change an item as a user in the UI would, then read the board's activity log
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "./mod.ts";
 *
 * await using emulator = await startEmulator({ items: 5 });
 * emulator.ui.setValues("1000000001", { status: "Done" });
 * emulator.ui.archiveItem("1000000002");
 * const response = await fetch(emulator.apiUrl, {
 *   method: "POST",
 *   headers: { Authorization: emulator.credentials.apiToken, "Content-Type": "application/json" },
 *   body: JSON.stringify({
 *     query: "{ boards(ids: [5000000001]) { activity_logs { event created_at data } } }",
 *   }),
 * });
 * const logs = (await response.json()).data.boards[0].activity_logs;
 * assert.deepEqual(logs.map((l: { event: string }) => l.event), ["archive_pulse", "update_column_value"]);
 * assert.equal(Math.floor(Number(logs[0].created_at) / 10_000), emulator.now());
 * ```
 */
export function startEmulator(
  options: EmulatorOptions = {},
): Promise<Emulator> {
  return startServer(options);
}
