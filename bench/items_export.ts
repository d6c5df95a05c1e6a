// Benchmark 2: a 100,000-item board through paginateItems versus a
// hand-written items_page / next_items_page loop over bare fetch, each in a
// fresh process so that peak RSS is its own.

import { runChild, spawnEmulator, table, verdict } from "./_lib.ts";

const ITEMS = Number(Deno.env.get("BENCH_ITEMS") ?? 100_000);
const ROUNDS = 2;

/** Runs benchmark 2 and returns its report section. */
export async function itemsExport(): Promise<string> {
  const emulator = await spawnEmulator({
    items: ITEMS,
    limits: {
      requestsPerMinute: 1e9,
      complexityPerMinute: 1e15,
      complexityPerQuery: 1e15,
      dailyCalls: 1e9,
      ipRequestsPerWindow: 1e9,
      appComplexityPerMinute: 1e15,
    },
  });
  try {
    const token = emulator.credentials.apiToken;
    const response = await fetch(emulator.apiUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: token },
      body: JSON.stringify({ query: "query { boards(limit: 1) { id } }" }),
    });
    const boardId = (await response.json()).data.boards[0].id;
    const best: Record<string, { ms: number; rss: number; count: number }> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const modes = round % 2 ? ["mondaykit", "bare"] : ["bare", "mondaykit"];
      for (const mode of modes) {
        const { result, peakRssMiB } = await runChild("_items_child.ts", [
          mode,
          emulator.apiUrl,
          token,
          boardId,
        ]);
        const previous = best[mode];
        if (!previous || result.ms! < previous.ms) {
          best[mode] = {
            ms: result.ms!,
            rss: peakRssMiB,
            count: result.count!,
          };
        }
      }
    }
    const bare = best["bare"]!;
    const ours = best["mondaykit"]!;
    const ratio = ours.ms / bare.ms;
    return [
      "## 2. Items export",
      "",
      `${
        ITEMS.toLocaleString("en")
      } items, 500 per page, \`name column_values { id text value }\`; each walk in a fresh process, best of ${ROUNDS}.`,
      "",
      table(["walk", "items", "ms", "items/s", "peak RSS MiB", "× bare"], [
        [
          "bare fetch loop",
          bare.count,
          bare.ms,
          bare.count / bare.ms * 1000,
          bare.rss,
          1,
        ],
        [
          "paginateItems",
          ours.count,
          ours.ms,
          ours.count / ours.ms * 1000,
          ours.rss,
          ratio,
        ],
      ]),
      "",
      `- paginateItems ${
        ratio.toFixed(3)
      }x the hand-written loop's time (target ≤ 1.15x: ${
        verdict(ratio <= 1.15)
      })`,
    ].join("\n");
  } finally {
    await emulator.close();
  }
}
