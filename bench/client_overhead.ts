// Benchmark 5: the cost of the client itself. The same small queries go
// through MondayClient, the official @mondaydotcomorg/api client and bare
// fetch + JSON.parse, in alternating slices, against two servers in their own
// processes: the emulator (real GraphQL work per request) and an instant
// server that answers with a canned body and monday's headers (no server
// work, so the client's own CPU weighs most).

import process from "node:process";
import { ApiClient } from "@mondaydotcomorg/api";
import { MondayClient } from "../graphql/mod.ts";
import {
  fmtSpread,
  pool,
  QUICK,
  RUNS,
  spawnEmulator,
  spread,
  table,
  verdict,
} from "./_lib.ts";

/** Queries per client, cell and run (each run is one ratio). */
const QUERIES = Number(
  Deno.env.get("BENCH_QUERIES") ?? (QUICK ? 120 : 1000),
);
/** Slices per run: the clients take turns slice by slice. */
const CHUNKS = QUICK ? 2 : 5;
const WARM_UP = QUICK ? 30 : 200;
const API_VERSION = "2026-10";

type Run = (query: string) => Promise<unknown>;

interface Server {
  name: string;
  apiUrl: string;
  token: string;
  boardId: string;
}

/** The instant server in its own process. */
async function spawnInstant(): Promise<
  { apiUrl: string; close: () => Promise<void> }
> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      new URL("_instant_server.ts", import.meta.url).pathname,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The instant server ended early");
    line += value;
  }
  const { apiUrl } = JSON.parse(line.slice(0, line.indexOf("\n")));
  return {
    apiUrl,
    async close() {
      await child.stdin.close();
      await child.status;
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
    },
  };
}

function clientsFor(server: Server): Record<string, Run> {
  const mondaykit = new MondayClient({
    token: server.token,
    apiUrl: server.apiUrl,
    apiVersion: API_VERSION,
    maxConcurrency: 64,
    onWarning: () => {},
  });
  const official = new ApiClient({
    token: server.token,
    apiVersion: API_VERSION,
    endpoint: server.apiUrl,
  });
  const bare: Run = async (query) => {
    const response = await fetch(server.apiUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: server.token,
        "api-version": API_VERSION,
      },
      body: JSON.stringify({ query }),
    });
    const body = JSON.parse(await response.text());
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  return {
    "bare fetch": bare,
    "MondayClient": (q) => mondaykit.request(q),
    "official client": (q) => official.request(q),
  };
}

/**
 * One run of a cell: each client's total wall ms for QUERIES queries, and
 * the CPU µs this process spent per query meanwhile (the client's own cost:
 * the server runs in another process).
 */
async function oneRun(
  clients: Record<string, Run>,
  query: string,
  concurrency: number,
  run: number,
): Promise<{ ms: Record<string, number>; cpu: Record<string, number> }> {
  const ms: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  const entries = Object.entries(clients);
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    for (let k = 0; k < entries.length; k++) {
      // Rotate who goes first, so drift touches every client alike.
      const [name, fn] = entries[(chunk + run + k) % entries.length]!;
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await pool(QUERIES / CHUNKS, concurrency, () => fn(query));
      ms[name] = (ms[name] ?? 0) + performance.now() - start;
      const used = process.cpuUsage(cpuStart);
      cpu[name] = (cpu[name] ?? 0) + (used.user + used.system) / QUERIES;
    }
  }
  return { ms, cpu };
}

/** Runs benchmark 5 and returns its report section. */
export async function clientOverhead(): Promise<string> {
  const emulator = await spawnEmulator({
    items: 200,
    limits: {
      requestsPerMinute: 1e9,
      complexityPerMinute: 1e15,
      concurrentRequests: 1e6,
      dailyCalls: 1e9,
      ipRequestsPerWindow: 1e9,
      appComplexityPerMinute: 1e15,
    },
  });
  const instant = await spawnInstant();
  try {
    const token = emulator.credentials.apiToken;
    const boardResponse = await fetch(emulator.apiUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: token },
      body: JSON.stringify({ query: "query { boards(limit: 1) { id } }" }),
    });
    const boardId = String((await boardResponse.json()).data.boards[0].id);
    const servers: Server[] = [
      { name: "emulator", apiUrl: emulator.apiUrl, token, boardId },
      {
        name: "instant",
        apiUrl: instant.apiUrl,
        token: "bench-token-0000",
        boardId: "1",
      },
    ];
    const rows: (string | number)[][] = [];
    const verdicts: string[] = [];
    for (const server of servers) {
      const clients = clientsFor(server);
      const documents = {
        "me": "query { me { id name email } }",
        "items_page(50)":
          `query { boards(ids: [${server.boardId}]) { items_page(limit: 50) { cursor items { id name } } } }`,
      };
      for (const [docName, query] of Object.entries(documents)) {
        for (const concurrency of [1, 16]) {
          for (const fn of Object.values(clients)) {
            await pool(WARM_UP, concurrency, () => fn(query));
          }
          const ms: Record<string, number[]> = {};
          const cpu: Record<string, number[]> = {};
          const ratio: Record<string, number[]> = {};
          const oursOverTheirs: number[] = [];
          for (let run = 0; run < RUNS; run++) {
            const total = await oneRun(clients, query, concurrency, run);
            for (const [name, value] of Object.entries(total.ms)) {
              (ms[name] ??= []).push(value);
              (cpu[name] ??= []).push(total.cpu[name]!);
              (ratio[name] ??= []).push(value / total.ms["bare fetch"]!);
            }
            oursOverTheirs.push(
              total.ms["MondayClient"]! / total.ms["official client"]!,
            );
          }
          for (const name of Object.keys(clients)) {
            rows.push([
              server.name,
              docName,
              concurrency,
              name,
              (QUERIES / spread(ms[name]!).median) * 1000,
              spread(cpu[name]!).median,
              name === "bare fetch"
                ? "1"
                : fmtSpread(spread(ratio[name]!), "x"),
            ]);
          }
          const ours = spread(ratio["MondayClient"]!);
          const versus = spread(oursOverTheirs);
          const cell = `${server.name}, ${docName}, concurrency ${concurrency}`;
          verdicts.push(
            server.name === "emulator"
              ? `- ${cell}: MondayClient ${
                fmtSpread(ours, "x")
              } bare fetch (target ≤ 1.10x: ${verdict(ours.median <= 1.1)}); ${
                fmtSpread(versus, "x")
              } the official client`
              : `- ${cell}: MondayClient ${
                fmtSpread(versus, "x")
              } the official client (target ≤ 1.00x, no slower: ${
                verdict(versus.median <= 1)
              }); ${fmtSpread(ours, "x")} bare fetch`,
          );
        }
      }
    }
    return [
      "## 5. Client overhead",
      "",
      `${QUERIES} queries per client, cell and run, ${RUNS} run${
        RUNS === 1 ? "" : "s"
      } per cell; in each run the clients take turns in ${CHUNKS} slices of ${
        QUERIES / CHUNKS
      } (rotating who goes first) so that drift touches all alike; after a ${WARM_UP}-query warm-up per client. Two servers, each in its own process: the emulator with its limits lifted, and an instant server (\`bench/_instant_server.ts\`) that answers every request with a canned body and monday's \`RateLimit\` headers, where the client's own CPU weighs most. Ratios are of wall time, the median of the runs with min-max; a target is met only when the median meets it. The CPU column is this process's CPU time per query (the client's own work, the server being elsewhere): on a busy machine it moves less than wall time.`,
      "",
      table(
        [
          "server",
          "query",
          "concurrency",
          "client",
          "queries/s (median)",
          "client CPU µs/query (median)",
          "× bare fetch (wall time)",
        ],
        rows,
      ),
      "",
      ...verdicts,
    ].join("\n");
  } finally {
    await instant.close();
    await emulator.close();
  }
}

if (import.meta.main) console.log(await clientOverhead());
