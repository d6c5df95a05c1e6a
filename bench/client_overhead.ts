// Benchmark 1: the cost of the client itself. The same small queries go through
// MondayClient, the official @mondaydotcomorg/api client and bare fetch +
// JSON.parse, against one emulator process, in alternating order.

import { ApiClient } from "@mondaydotcomorg/api";
import { MondayClient } from "../graphql/mod.ts";
import { pool, spawnEmulator, table, verdict } from "./_lib.ts";

const QUERIES = Number(Deno.env.get("BENCH_QUERIES") ?? 5000);
const ROUNDS = 3;
const CHUNKS = 10;

/** Runs benchmark 1 and returns its report section. */
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
  try {
    const token = emulator.credentials.apiToken;
    const apiVersion = "2026-10";
    const boardResponse = await fetch(emulator.apiUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: token },
      body: JSON.stringify({ query: "query { boards(limit: 1) { id } }" }),
    });
    const boardId = (await boardResponse.json()).data.boards[0].id;
    const documents = {
      "me": "query { me { id name email } }",
      "items_page(50)":
        `query { boards(ids: [${boardId}]) { items_page(limit: 50) { cursor items { id name } } } }`,
    };

    const mondaykit = new MondayClient({
      token,
      apiUrl: emulator.apiUrl,
      apiVersion,
      maxConcurrency: 64,
    });
    const official = new ApiClient({
      token,
      apiVersion,
      endpoint: emulator.apiUrl,
    });
    const bare = async (query: string) => {
      const response = await fetch(emulator.apiUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: token,
          "api-version": apiVersion,
        },
        body: JSON.stringify({ query }),
      });
      const body = JSON.parse(await response.text());
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const clients: Record<string, (q: string) => Promise<unknown>> = {
      "bare fetch": bare,
      "MondayClient": (q) => mondaykit.request(q),
      "official client": (q) => official.request(q),
    };

    const rows: (string | number)[][] = [];
    const verdicts: string[] = [];
    for (const [docName, query] of Object.entries(documents)) {
      for (const concurrency of [1, 16]) {
        const best: Record<string, number> = {};
        for (const run of Object.values(clients)) {
          await pool(200, concurrency, () => run(query)); // warm-up
        }
        // Each round runs every client's ${QUERIES} queries in CHUNKS slices,
        // taking turns slice by slice (rotating who goes first), so a drift
        // in the machine or the server touches every client alike.
        for (let round = 0; round < ROUNDS; round++) {
          const total: Record<string, number> = {};
          const entries = Object.entries(clients);
          for (let chunk = 0; chunk < CHUNKS; chunk++) {
            for (let k = 0; k < entries.length; k++) {
              const [name, run] = entries[(chunk + k) % entries.length]!;
              const start = performance.now();
              await pool(QUERIES / CHUNKS, concurrency, () => run(query));
              total[name] = (total[name] ?? 0) + performance.now() - start;
            }
          }
          for (const [name, ms] of Object.entries(total)) {
            best[name] = Math.min(best[name] ?? Infinity, ms);
          }
        }
        const base = best["bare fetch"]!;
        for (const name of Object.keys(clients)) {
          rows.push([
            docName,
            concurrency,
            name,
            best[name]!,
            (QUERIES / best[name]!) * 1000,
            best[name]! / base,
          ]);
        }
        const ours = best["MondayClient"]! / base;
        const theirs = best["official client"]! / base;
        verdicts.push(
          `- ${docName}, concurrency ${concurrency}: MondayClient ${
            ours.toFixed(3)
          }x bare fetch (target ≤ 1.10x: ${
            verdict(ours <= 1.1)
          }); official client ${theirs.toFixed(3)}x (MondayClient faster: ${
            verdict(ours < theirs)
          })`,
        );
      }
    }
    return [
      "## 1. Client overhead",
      "",
      `${QUERIES} queries per cell, best of ${ROUNDS} rounds; in each round the clients take turns in ${CHUNKS} slices of ${
        QUERIES / CHUNKS
      } (rotating who goes first) so that drift touches all alike; after a 200-query warm-up; emulator in a separate process with its limits lifted.`,
      "",
      table(
        ["query", "concurrency", "client", "ms", "queries/s", "× bare fetch"],
        rows,
      ),
      "",
      ...verdicts,
    ].join("\n");
  } finally {
    await emulator.close();
  }
}
