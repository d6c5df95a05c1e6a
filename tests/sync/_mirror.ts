/**
 * Test helpers: dump a mirror to comparable rows, read what the API shows,
 * and open the PostgreSQL test database when one is configured.
 *
 * @module
 */

import type { SyncTarget } from "../../sync/mod.ts";
import { openPostgresTarget } from "../../sync/mod.ts";
import type { MondayClient } from "../../graphql/mod.ts";

/** Table name → its rows, each row as a JSON string, sorted. */
export type Dump = Record<string, string[]>;

/** Every table of the mirror (sync state excluded), rows sorted. */
export async function dumpMirror(target: SyncTarget): Promise<Dump> {
  const list = target.kind === "sqlite"
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name"
    : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_%' ORDER BY table_name";
  const names = (await target.query(list)).rows.map((r) => String(r[0]));
  const dump: Dump = {};
  for (const name of names) {
    const result = await target.query(`SELECT * FROM "${name}"`);
    dump[name] = result.rows.map((row) =>
      JSON.stringify(
        Object.fromEntries(
          result.columns.map((c, i) => [c, normalize(name, c, row[i])]),
        ),
      )
    ).sort();
  }
  return dump;
}

function normalize(table: string, column: string, value: unknown): unknown {
  // The board row's count and time may move between two reads; the rest
  // must match exactly.
  if (table === "boards" && column === "updated_at") return "-";
  if (typeof value === "bigint") return Number(value);
  return value;
}

/**
 * The rows two dumps do not share, table by table (empty when equal), for a
 * readable failure message.
 */
export function diffDumps(actual: Dump, expected: Dump): string {
  const lines: string[] = [];
  for (
    const table of new Set([...Object.keys(actual), ...Object.keys(expected)])
  ) {
    const a = new Set(actual[table] ?? []);
    const e = new Set(expected[table] ?? []);
    if (!(table in actual)) lines.push(`table ${table}: missing`);
    if (!(table in expected)) lines.push(`table ${table}: unexpected`);
    for (const row of a) if (!e.has(row)) lines.push(`${table} + ${row}`);
    for (const row of e) if (!a.has(row)) lines.push(`${table} - ${row}`);
  }
  return lines.slice(0, 40).join("\n") +
    (lines.length > 40 ? `\n… ${lines.length - 40} more` : "");
}

/** What the API shows: every active item of every active board. */
export async function apiItems(
  client: MondayClient,
): Promise<string[]> {
  const { boards } = await client.request<
    { boards: { id: string; type?: string | null }[] }
  >("query { boards(limit: 500) { id type } }");
  const out: string[] = [];
  for (const board of boards) {
    if (board.type === "document") continue;
    for await (
      const item of client.paginateItems<
        { id: string; name: string; group: { id: string } }
      >(board.id, { fields: "name group { id }" })
    ) {
      out.push(JSON.stringify([item.id, board.id, item.group.id, item.name]));
    }
  }
  return out.sort();
}

/** The mirror's view of the same: every row of `items`. */
export async function mirrorItems(target: SyncTarget): Promise<string[]> {
  const { rows } = await target.query(
    "SELECT id, board_id, group_id, name FROM items",
  );
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Why PostgreSQL tests are skipped here, or `undefined` when they run. */
export const postgresSkip: string | undefined = (() => {
  try {
    if (!Deno.env.get("PGHOST") && !Deno.env.get("MONDAYKIT_TEST_PG_URL")) {
      return "no PostgreSQL server: PGHOST is not set (.ci/run starts one with pg_virtualenv)";
    }
  } catch {
    return "no PostgreSQL server: --allow-env is not granted";
  }
  return undefined;
})();

if (postgresSkip) console.log(`PostgreSQL sync tests skipped: ${postgresSkip}`);

let schemaCounter = 0;

/**
 * Opens the test server as a target, in a fresh schema of its own so tests
 * running in parallel do not see each other's tables.
 */
export async function openTestPostgres(): Promise<SyncTarget> {
  const base = Deno.env.get("MONDAYKIT_TEST_PG_URL") ?? "postgres://";
  const schema = `t${Date.now().toString(36)}_${Deno.pid}_${schemaCounter++}`;
  const setup = await openPostgresTarget(base, { maxConnections: 1 });
  await setup.query(`CREATE SCHEMA ${schema}`, { readOnly: false });
  await setup.close();
  const url = new URL(base === "postgres://" ? "postgres://localhost" : base);
  if (base === "postgres://") {
    url.hostname = Deno.env.get("PGHOST") ?? "localhost";
    url.port = Deno.env.get("PGPORT") ?? "5432";
    url.username = Deno.env.get("PGUSER") ?? "postgres";
    url.pathname = `/${Deno.env.get("PGDATABASE") ?? "postgres"}`;
  }
  url.searchParams.set("options", `-c search_path=${schema}`);
  return await openPostgresTarget(url.toString());
}
