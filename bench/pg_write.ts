// Benchmark: PostgreSQL writes. 100,000 generated items, shaped as the sync
// writes them (an `items` row, 10 `column_values` rows and a board-table row
// each, mixed types), go through the PostgreSQL target's writer (beginBoard →
// writeItems in pages of 500 → commit), and the same rows through a bare
// insert loop with the same driver (one INSERT per row, awaited in turn, in
// one transaction). `deno run -A bench/pg_write.ts` runs it alone and prints
// the section; without PGHOST/PGDATABASE it runs itself under `pg_virtualenv`
// (a throwaway cluster) when that is installed, and says it was skipped if not.

import { openPostgresTarget, type SyncTarget } from "../sync/mod.ts";
import type { Cell, ItemRows, TableSpec } from "../sync/mod.ts";
import { NORMALIZED } from "../sync/_model.ts";
import {
  copyRows,
  copyText,
  PG_TYPES,
  type PgClient,
  upsertRows,
} from "../sync/_pg_bulk.ts";
import {
  fmt,
  fmtSpread,
  measured,
  QUICK,
  RUNS,
  spread,
  table,
  verdict,
} from "./_lib.ts";

/** Items the writer writes per run. */
const ITEMS = Number(
  Deno.env.get("BENCH_PG_ITEMS") ?? (QUICK ? 2_000 : 100_000),
);
/** Items the bare loop writes per run (a prefix of the same rows). */
const LOOP_ITEMS = Number(
  Deno.env.get("BENCH_PG_LOOP_ITEMS") ?? (QUICK ? 300 : 1_000),
);
const PAGE = 500;
/**
 * Items a sync receives per second at monday's ceiling when the sync section
 * did not run first to compute it: 100,000 in 10 s (a round figure above the
 * computed ceilings seen, 100,000 items in 15.8 s).
 */
const ASSUMED_ITEMS_PER_S = 10_000;
const BOARD = "4000000001";

/** What the measuring child reports. */
interface Figures {
  items: number;
  loopItems: number;
  rowsPerItem: number;
  /** Writer items/s per run. */
  writer: number[];
  /** Of each writer run, the ms spent in commit. */
  commitMs: number[];
  /** Bare loop items/s per run. */
  loop: number[];
  server: string;
}

const TABLE: TableSpec = {
  name: `board_${BOARD}`,
  columns: [
    { name: "id", type: "text" },
    { name: "name", type: "text" },
    { name: "group_id", type: "text" },
    { name: "state", type: "text" },
    { name: "created_at", type: "timestamp" },
    { name: "updated_at", type: "timestamp" },
    { name: "status", type: "text" },
    { name: "amount", type: "real" },
    { name: "due", type: "date" },
    { name: "done", type: "boolean" },
    { name: "owner", type: "text" },
    { name: "owner_ids", type: "text" },
    { name: "notes", type: "text" },
    { name: "timeline_from", type: "date" },
    { name: "timeline_to", type: "date" },
    { name: "rating", type: "real" },
    { name: "link", type: "text" },
    { name: "email", type: "text" },
  ],
  primaryKey: ["id"],
};

const STATUSES = ["Working on it", "Done", "Stuck", null];

/** One generated item, as the sync's table model shapes it. */
function item(n: number): ItemRows {
  const id = String(9_000_000_000 + n);
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString()
    .slice(0, 19) + "Z";
  const day = `2026-${String(1 + n % 12).padStart(2, "0")}-${
    String(1 + n % 28).padStart(2, "0")
  }`;
  const status = STATUSES[n % STATUSES.length]!;
  const amount = n % 7 === 0 ? null : (n * 37) % 10_000 / 4;
  const done = n % 3 === 0;
  const notes = n % 5 === 0
    ? `Line one of ${n}\n\tindented, "quoted", back\\slash`
    : `Note ${n}`;
  const owner = `User ${n % 50}`;
  const value = (column: string, type: string, text: Cell, json: unknown) => [
    id,
    column,
    BOARD,
    type,
    text,
    json === null ? null : JSON.stringify(json),
  ];
  const changed = "2026-10-01T10:00:00.000Z";
  return {
    id,
    item: [
      id,
      BOARD,
      `group_${n % 4}`,
      null,
      `Item ${n}`,
      "active",
      "7",
      at,
      at,
    ],
    values: [
      value(
        "status",
        "status",
        status,
        status === null ? null : {
          index: n % 3,
          changed_at: changed,
        },
      ),
      value(
        "numbers",
        "numbers",
        amount === null ? "" : String(amount),
        amount === null ? null : String(amount),
      ),
      value("date", "date", day, { date: day, changed_at: changed }),
      value(
        "checkbox",
        "checkbox",
        done ? "v" : "",
        done ? { checked: "true" } : null,
      ),
      value("people", "people", owner, {
        personsAndTeams: [{ id: n % 50, kind: "person" }],
      }),
      value("long_text", "long_text", notes, { text: notes }),
      value("timeline", "timeline", `${day} - 2026-12-31`, {
        from: day,
        to: "2026-12-31",
      }),
      value("rating", "rating", String(n % 5), { rating: n % 5 }),
      value("link", "link", `https://example.com/${n}`, {
        url: `https://example.com/${n}`,
        text: "site",
      }),
      value("email", "email", `user${n}@example.com`, {
        email: `user${n}@example.com`,
        text: "mail",
      }),
    ],
    row: [
      id,
      `Item ${n}`,
      `group_${n % 4}`,
      "active",
      at,
      at,
      status,
      amount,
      day,
      done,
      owner,
      String(n % 50),
      notes,
      day,
      "2026-12-31",
      n % 5,
      `https://example.com/${n}`,
      `user${n}@example.com`,
    ],
  };
}

function patch() {
  return {
    boardId: BOARD,
    mode: "full" as const,
    board: [
      BOARD,
      "Bench",
      null,
      "active",
      "public",
      "board",
      null,
      ITEMS,
      "2026-10-01T10:00:00Z",
      TABLE.name,
    ],
    groups: [0, 1, 2, 3].map((
      g,
    ) => [BOARD, `group_${g}`, `G${g}`, null, `${g}`]),
    columns: [],
    table: TABLE,
    items: [],
    updates: [],
    removedItemIds: [],
    state: null,
  };
}

/** The base URL of the server (libpq's variables fill in the rest). */
function serverUrl(schema?: string): string {
  const url = new URL("postgres://localhost");
  url.hostname = Deno.env.get("PGHOST") ?? "localhost";
  url.port = Deno.env.get("PGPORT") ?? "5432";
  url.username = Deno.env.get("PGUSER") ?? "postgres";
  url.pathname = `/${Deno.env.get("PGDATABASE") ?? "postgres"}`;
  if (schema) url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

let schemas = 0;

/** A fresh schema with the normalized tables, and a target on it. */
async function freshTarget(): Promise<{ target: SyncTarget; schema: string }> {
  const schema = `bench_${Deno.pid}_${schemas++}`;
  const admin = await openPostgresTarget(serverUrl(), { maxConnections: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, {
    readOnly: false,
  });
  await admin.query(`CREATE SCHEMA ${schema}`, { readOnly: false });
  await admin.close();
  const target = await openPostgresTarget(serverUrl(schema));
  await target.prepare([...NORMALIZED, TABLE]);
  return { target, schema };
}

async function dropSchema(schema: string): Promise<void> {
  const admin = await openPostgresTarget(serverUrl(), { maxConnections: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`, {
    readOnly: false,
  });
  await admin.close();
}

/** The writer: returns [items/s, commit ms]. */
async function writerRun(): Promise<[number, number]> {
  const { target, schema } = await freshTarget();
  try {
    const start = performance.now();
    const writer = await target.beginBoard!(BOARD, TABLE);
    for (let from = 0; from < ITEMS; from += PAGE) {
      const page: ItemRows[] = [];
      for (let n = from; n < Math.min(ITEMS, from + PAGE); n++) {
        page.push(item(n));
      }
      await writer.writeItems(page);
    }
    const commitStart = performance.now();
    await writer.commit(patch());
    const end = performance.now();
    const count = await target.query("SELECT count(*)::int FROM items");
    if (count.rows[0]![0] !== ITEMS) throw new Error("writer lost rows");
    return [ITEMS / ((end - start) / 1000), end - commitStart];
  } finally {
    await target.close();
    await dropSchema(schema);
  }
}

interface Driver {
  unsafe(
    sql: string,
    params?: unknown[],
    options?: { prepare?: boolean },
  ): Promise<unknown>;
  begin<T>(work: (tx: Driver) => Promise<T>): Promise<T>;
  end(options?: { timeout?: number }): Promise<void>;
}

function insertSql(spec: TableSpec): string {
  return `INSERT INTO "${spec.name}" (${
    spec.columns.map((c) => `"${c.name}"`).join(", ")
  }) VALUES (${spec.columns.map((_, i) => `$${i + 1}`).join(", ")})`;
}

/** The bare loop: one INSERT per row, awaited in turn; returns items/s. */
async function loopRun(): Promise<number> {
  const { target, schema } = await freshTarget();
  await target.close();
  const { default: postgres } = await import("postgres");
  const sql = postgres(serverUrl(schema), {
    max: 1,
    onnotice: () => {},
  }) as unknown as Driver;
  const spec = (name: string) => NORMALIZED.find((s) => s.name === name)!;
  const items = insertSql(spec("items"));
  const values = insertSql(spec("column_values"));
  const rows = insertSql(TABLE);
  try {
    const start = performance.now();
    await sql.begin(async (tx) => {
      for (let n = 0; n < LOOP_ITEMS; n++) {
        const rowsOf = item(n);
        await tx.unsafe(items, rowsOf.item, { prepare: true });
        for (const v of rowsOf.values) {
          await tx.unsafe(values, v, { prepare: true });
        }
        await tx.unsafe(rows, rowsOf.row, { prepare: true });
      }
    });
    return LOOP_ITEMS / ((performance.now() - start) / 1000);
  } finally {
    await sql.end({ timeout: 5 });
    await dropSchema(schema);
  }
}

/** Measures both, RUNS times each, interleaved. */
async function measure(): Promise<Figures> {
  const admin = await openPostgresTarget(serverUrl(), { maxConnections: 1 });
  const version = await admin.query("SHOW server_version");
  await admin.close();
  const figures: Figures = {
    items: ITEMS,
    loopItems: LOOP_ITEMS,
    rowsPerItem: 1 + item(0).values.length + 1,
    writer: [],
    commitMs: [],
    loop: [],
    server: `PostgreSQL ${version.rows[0]![0]}`,
  };
  for (let run = 0; run < RUNS; run++) {
    const [rate, commitMs] = await writerRun();
    figures.writer.push(rate);
    figures.commitMs.push(commitMs);
    figures.loop.push(await loopRun());
  }
  return figures;
}

function section(body: string): string {
  return `## PostgreSQL writes\n\n${body}`;
}

function report(f: Figures): string {
  const ceiling = measured.syncCeilingItemsPerSecond ?? ASSUMED_ITEMS_PER_S;
  const writer = spread(f.writer);
  const loop = spread(f.loop);
  const ratios = spread(f.writer.map((w, i) => w / f.loop[i]!));
  const commit = spread(f.commitMs.map((ms) => ms / 1000));
  const rows = (rates: number[]) =>
    fmtSpread(spread(rates.map((v) => v * f.rowsPerItem)));
  return section([
    `${
      f.items.toLocaleString("en-US")
    } generated items, each an \`items\` row, ${
      f.rowsPerItem - 2
    } \`column_values\` rows and a row in the board's own table (text, numbers, dates, timestamps, booleans, JSON, NULLs, text with tabs, newlines, quotes and backslashes), written into ${f.server} on this machine (\`deno run -A bench/pg_write.ts\`, under \`pg_virtualenv\`). The writer is the PostgreSQL target's \`beginBoard\` → \`writeItems\` in pages of ${PAGE} → \`commit\` (COPY into UNLOGGED staging tables, then one set-based transaction); the bare loop is one \`INSERT\` per row with the same driver (\`npm:postgres\`, prepared statements), each awaited in turn, in one transaction, over the first ${
      f.loopItems.toLocaleString("en-US")
    } of the same items (a full 100,000 would take minutes). Fresh schema per run; ${f.writer.length} runs each, interleaved; median (min-max).`,
    "",
    table(["writer", "items/s", "table rows/s"], [
      ["target writer (COPY + commit)", fmtSpread(writer), rows(f.writer)],
      ["bare insert loop", fmtSpread(loop), rows(f.loop)],
    ]),
    "",
    `- Writer / bare loop: ${fmtSpread(ratios, "x")}.`,
    `- Of each writer run, the commit (the one transaction that replaces the board) took ${
      fmtSpread(commit, " s")
    }.`,
    `- Target, the database is not the bottleneck: the writer's median of ${
      fmt(writer.median)
    } items/s against the ${
      fmt(ceiling)
    } items/s a sync receives at monday's ceiling (${
      measured.syncCeilingItemsPerSecond === undefined
        ? "assumed: 100,000 items read in 10 s; the sync section computes it when it runs first"
        : "100,000 items in the median ceiling time the sync section computed in this run"
    }): ${verdict(writer.median >= ceiling)}.`,
  ].join("\n"));
}

/** Rows per run of the bulk-path comparison (`--paths`). */
const PATH_ROWS = QUICK ? 20_000 : 200_000;

/** The upsert the target used before `unnest`: VALUES tuples, 30,000 params. */
async function valuesUpsert(sql: Driver, spec: TableSpec, rows: Cell[][]) {
  const names = spec.columns.map((c) => `"${c.name}"`);
  const casts = spec.columns.map((c) => PG_TYPES[c.type]);
  const updates = names.slice(1).map((n) => `${n} = EXCLUDED.${n}`);
  const per = Math.floor(30_000 / names.length);
  for (let start = 0; start < rows.length; start += per) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + per).map((row) =>
      `(${
        row.map((cell, i) => {
          params.push(cell === null ? null : String(cell));
          return `$${params.length}::${casts[i]}`;
        }).join(", ")
      })`
    );
    await sql.unsafe(
      `INSERT INTO "${spec.name}" (${names.join(", ")}) VALUES ${
        tuples.join(", ")
      } ON CONFLICT ("seq") DO UPDATE SET ${updates.join(", ")}`,
      params,
    );
  }
}

/**
 * The bulk paths side by side on `column_values`-shaped rows (rows/s, per
 * run): staging by COPY against a multi-row `INSERT … SELECT FROM unnest`,
 * and upserts by `unnest` against the VALUES tuples used before.
 */
async function paths(): Promise<Record<string, number[]>> {
  const { target, schema } = await freshTarget();
  await target.close();
  const { default: postgres } = await import("postgres");
  const sql = postgres(serverUrl(schema), {
    max: 1,
    onnotice: () => {},
  }) as unknown as Driver & PgClient;
  const spec: TableSpec = {
    name: "paths",
    columns: [
      { name: "seq", type: "integer" },
      ...NORMALIZED.find((t) => t.name === "column_values")!.columns,
    ],
    primaryKey: ["seq"],
  };
  const rows: Cell[][] = [];
  for (let n = 0; rows.length < PATH_ROWS; n++) {
    for (const v of item(n).values) rows.push([rows.length, ...v]);
  }
  const columns = spec.columns.map((c) => c.name);
  const reset = async (key: boolean) => {
    await sql.unsafe(`DROP TABLE IF EXISTS "paths"`);
    await sql.unsafe(
      `CREATE UNLOGGED TABLE "paths" (${
        spec.columns.map((c) => `"${c.name}" ${PG_TYPES[c.type]}`).join(", ")
      }${key ? ", PRIMARY KEY (seq)" : ""})`,
    );
  };
  const rate = async (work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return rows.length / ((performance.now() - start) / 1000);
  };
  const out: Record<string, number[]> = {
    copy: [],
    unnestInsert: [],
    unnestUpsert: [],
    valuesUpsert: [],
  };
  const insert = `INSERT INTO "paths" SELECT ${
    spec.columns.map((c, i) => `u.c${i}::${PG_TYPES[c.type]}`).join(", ")
  } FROM unnest(${
    columns.map((_, i) => `$${i + 1}::text[]`).join(", ")
  }) AS u(${columns.map((_, i) => `c${i}`).join(", ")})`;
  try {
    for (let run = 0; run < RUNS; run++) {
      await reset(false);
      out.copy!.push(
        await rate(async () => {
          for (let i = 0; i < rows.length; i += 5_000) {
            const page = rows.slice(i, i + 5_000);
            await copyRows(
              sql,
              "paths",
              columns,
              copyText(page, columns.length),
            );
          }
        }),
      );
      await reset(false);
      out.unnestInsert!.push(
        await rate(async () => {
          for (let i = 0; i < rows.length; i += 5_000) {
            const page = rows.slice(i, i + 5_000);
            await sql.unsafe(
              insert,
              columns.map((_, c) =>
                page.map((r) => r[c] === null ? null : String(r[c]))
              ),
            );
          }
        }),
      );
      await reset(true);
      out.unnestUpsert!.push(
        await rate(() =>
          sql.begin((tx) => upsertRows(tx as never, spec, rows))
        ),
      );
      await reset(true);
      out.valuesUpsert!.push(
        await rate(() => sql.begin((tx) => valuesUpsert(tx, spec, rows))),
      );
    }
  } finally {
    await sql.end({ timeout: 5 });
    await dropSchema(schema);
  }
  return out;
}

function pathsReport(p: Record<string, number[]>): string {
  const ratio = (a: number[], b: number[]) =>
    fmtSpread(spread(a.map((v, i) => v / b[i]!)), "x");
  return [
    `Bulk paths on ${
      PATH_ROWS.toLocaleString("en-US")
    } \`column_values\`-shaped rows (\`deno run -A bench/pg_write.ts --paths\`), rows/s, median (min-max):`,
    "",
    table(["path", "rows/s"], [
      [
        "staging: COPY FROM STDIN, 5,000 rows a COPY",
        fmtSpread(spread(p.copy!)),
      ],
      [
        "staging: INSERT … SELECT FROM unnest, 5,000 rows a statement",
        fmtSpread(spread(p.unnestInsert!)),
      ],
      [
        "upsert: INSERT … SELECT FROM unnest … ON CONFLICT, 5,000 rows a statement",
        fmtSpread(spread(p.unnestUpsert!)),
      ],
      [
        "upsert: INSERT … VALUES (…), (…) … ON CONFLICT, 30,000 parameters a statement (before)",
        fmtSpread(spread(p.valuesUpsert!)),
      ],
    ]),
    "",
    `- COPY / unnest insert: ${ratio(p.copy!, p.unnestInsert!)}.`,
    `- unnest upsert / VALUES upsert: ${
      ratio(p.unnestUpsert!, p.valuesUpsert!)
    }.`,
  ].join("\n");
}

/** Runs the PostgreSQL write benchmark and returns its report section. */
export async function pgWrite(): Promise<string> {
  if (Deno.env.get("PGHOST") || Deno.env.get("PGDATABASE")) {
    return report(await measure());
  }
  let found = false;
  try {
    found = (await new Deno.Command("pg_virtualenv", {
      args: ["-h"],
      stdout: "null",
      stderr: "null",
    }).output()).code !== undefined;
  } catch {
    found = false;
  }
  if (!found) {
    return section(
      "Skipped: no PostgreSQL server (PGHOST and PGDATABASE are not set) and no `pg_virtualenv` on PATH to start a throwaway one (Debian's `postgresql-common`).",
    );
  }
  const output = await new Deno.Command("pg_virtualenv", {
    args: [
      "-t",
      Deno.execPath(),
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--child",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  const last = lines.findLast((l) => l.startsWith("{"));
  if (!output.success || !last) {
    const why = new TextDecoder().decode(output.stderr).trim().split("\n")
      .slice(-3).join(" ");
    return section(`Skipped: the run under \`pg_virtualenv\` failed: ${why}`);
  }
  return report(JSON.parse(last) as Figures);
}

if (import.meta.main) {
  if (Deno.args.includes("--paths")) {
    if (!Deno.env.get("PGHOST") && !Deno.env.get("PGDATABASE")) {
      throw new Error(
        "--paths needs a server: run it under pg_virtualenv -t (or set PGHOST)",
      );
    }
    console.log(pathsReport(await paths()));
  } else if (Deno.args.includes("--child")) {
    console.log(JSON.stringify(await measure()));
  } else {
    console.log(await pgWrite());
  }
}
