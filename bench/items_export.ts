// Items export: a big board through paginateItems versus a hand-written
// items_page / next_items_page loop over bare fetch, each in a fresh process
// so that peak RSS is its own.

import {
  fmtSpread,
  runChild,
  RUNS,
  size,
  spawnEmulator,
  spread,
  table,
  targetLine,
} from "./_lib.ts";

const ITEMS = Number(Deno.env.get("BENCH_ITEMS") ?? size(25_000, 500));

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
    const ms: Record<string, number[]> = { bare: [], mondaykit: [] };
    const rss: Record<string, number[]> = { bare: [], mondaykit: [] };
    const ratio: number[] = [];
    let count = 0;
    for (let round = 0; round < RUNS; round++) {
      const modes = round % 2 ? ["mondaykit", "bare"] : ["bare", "mondaykit"];
      for (const mode of modes) {
        const { result, peakRssMiB } = await runChild("_items_child.ts", [
          mode,
          emulator.apiUrl,
          token,
          boardId,
        ]);
        ms[mode]!.push(result.ms!);
        rss[mode]!.push(peakRssMiB);
        count = result.count!;
      }
      ratio.push(ms["mondaykit"]!.at(-1)! / ms["bare"]!.at(-1)!);
    }
    const rate = (mode: string) =>
      fmtSpread(spread(ms[mode]!.map((t) => count / t * 1000)));
    const r = spread(ratio);
    return [
      "## Items export",
      "",
      `${
        ITEMS.toLocaleString("en")
      } items, 500 per page, \`name column_values { id text value }\`; each walk in a fresh process, ${RUNS} rounds of both walks (alternating which goes first); the ratio pairs the two walks of a round.`,
      "",
      table(["walk", "items", "items/s", "peak RSS MiB"], [
        [
          "bare fetch loop",
          count,
          rate("bare"),
          fmtSpread(spread(rss["bare"]!)),
        ],
        [
          "paginateItems",
          count,
          rate("mondaykit"),
          fmtSpread(spread(rss["mondaykit"]!)),
        ],
      ]),
      "",
      targetLine({
        target: "paginateItems time vs the hand-written loop (≤ 1.15x)",
        result: fmtSpread(r, "x"),
        met: r.median <= 1.15,
      }),
    ].join("\n");
  } finally {
    await emulator.close();
  }
}
