// Benchmarks 1, 3 and 6 of issue 15: a full sync of a 10-board, 100,000-item
// account into SQLite under the latency model, monday's budget and the
// standard plan's 40-request concurrency cap, against the ceiling those
// allow (computed from what the emulator measured) and against a sequential
// board-by-board, page-by-page walk; an incremental sync after 100 random
// changes; the peak memory of the 100,000-item sync against a 10,000-item
// one; and the page size by measurement. Each sync and each walk runs in a
// fresh child process (peak RSS its own), the emulator in a process of its
// own. `deno run -A bench/sync_throughput.ts` prints the section;
// BENCH_QUICK=1 runs it small (2 boards × 1,000 items, 1 run).

import { type EmulatorStats, planLimits } from "../emulator/mod.ts";
import { type Ceiling, ceilingOf, PREAMBLE_MS } from "./_sync_ceiling.ts";
import {
  type EmulatorProcess,
  fmt,
  fmtSpread,
  measured,
  QUICK,
  runChild,
  RUNS,
  spawnEmulator,
  spread,
  table,
  verdict,
} from "./_lib.ts";

const BOARDS = QUICK ? 2 : 10;
const PER_BOARD = QUICK ? 1_000 : 10_000;
/** The small account of the memory comparison: a tenth of the items. */
const SMALL_PER_BOARD = PER_BOARD / 10;
/** Random changes before each incremental sync. */
const CHANGES = 100;
/** Items each walk run reads (a sequential walk is additive over pages). */
const WALK_ITEMS = QUICK ? 500 : 2_000;
const PAGE_SIZES = [100, 250, 500];
/** Items each page-size run reads, and runs per size. */
const PAGE_ITEMS = QUICK ? 250 : 1_000;
const PAGE_RUNS = QUICK ? 1 : 2;
const PLAN = "standard";
const LIMITS = { ...planLimits(PLAN), dailyCalls: 1e9 };

function accountOptions(perBoard: number): Record<string, unknown> {
  return {
    boards: BOARDS,
    items: perBoard,
    itemsPerBoard: perBoard,
    clock: "real",
    latency: "monday",
    plan: PLAN,
    limits: { dailyCalls: LIMITS.dailyCalls },
  };
}

async function post(
  emulator: EmulatorProcess,
  query: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(emulator.apiUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: emulator.credentials.apiToken,
    },
    body: JSON.stringify({ query }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
  return body.data;
}

interface BoardInfo {
  id: string;
  items_count: number;
  columns: { type: string }[];
}

async function listBoards(emulator: EmulatorProcess): Promise<BoardInfo[]> {
  const data = await post(
    emulator,
    "{ boards(limit: 100) { id items_count columns { type } } }",
  );
  return data.boards as BoardInfo[];
}

/** "board 1: 10 types (…); boards 2-10: 17 types (… plus …)". */
function columnTypes(boards: BoardInfo[]): string {
  const groups = new Map<string, number[]>();
  boards.forEach((board, i) => {
    const types = [...new Set(board.columns.map((c) => c.type))].join(", ");
    groups.set(types, [...(groups.get(types) ?? []), i + 1]);
  });
  let previous: string[] = [];
  return [...groups].map(([types, numbers]) => {
    const list = types.split(", ");
    const added = list.filter((t) => !previous.includes(t));
    const text = previous.length
      ? `${list.length} types, those plus ${added.join(", ")}`
      : `${list.length} types (${types})`;
    previous = list;
    const which = numbers.length === 1
      ? `board ${numbers[0]}`
      : `boards ${numbers[0]}-${numbers[numbers.length - 1]}`;
    return `${which}: ${text}`;
  }).join("; ");
}

async function stats(emulator: EmulatorProcess): Promise<EmulatorStats> {
  return await emulator.command({ cmd: "stats" }) as EmulatorStats;
}

interface FullRun {
  ms: number;
  requests: number;
  /** GraphQL requests the emulator saw (retries and refused ones included). */
  seen: number;
  itemsRead: number;
  rss: number;
  rateLimited: number;
  delayMs: number;
  overMs: number;
  cpuMs: number;
  points: number;
  longest: { pages: number; delayMs: number };
  ceiling: Ceiling;
}

interface IncrementalRun {
  ms: number;
  requests: number;
  itemsRead: number;
  rateLimited: number;
  changes: string;
}

interface WalkRun {
  board: number;
  ms: number;
  items: number;
  pages: number;
  delayMs: number;
  accountMs: number;
}

interface PageRun {
  size: number;
  ms: number;
  items: number;
  pages: number;
  points: number;
  delayMs: number;
}

async function fullAndIncremental(
  emulator: EmulatorProcess,
  dir: string,
  run: number,
): Promise<[FullRun, IncrementalRun]> {
  const path = `${dir}/run${run}.db`;
  const child = ["_sync_child.ts", emulator.apiUrl];
  const token = emulator.credentials.apiToken;
  // Each run begins on a whole budget, as the ceiling assumes.
  await emulator.command({ cmd: "resetLimitWindows" });
  await emulator.command({ cmd: "resetStats" });
  const full = await runChild(child[0]!, [child[1]!, token, path]);
  const seen = await stats(emulator);
  const fullRun: FullRun = {
    ms: full.result.ms!,
    requests: full.result.requests!,
    seen: seen.requests.graphql,
    itemsRead: full.result.itemsRead!,
    rss: full.peakRssMiB,
    rateLimited: seen.rateLimited,
    delayMs: seen.latency.graphql.totalMs,
    overMs: seen.latency.graphql.overMs,
    cpuMs: seen.cpuMs,
    points: seen.complexity,
    longest: seen.paginations.longest,
    ceiling: ceilingOf(seen, LIMITS),
  };
  const changed = await emulator.command({
    cmd: "randomChanges",
    count: CHANGES,
    seed: 1000 + run,
  }) as { applied: number; byKind: Record<string, number> };
  await emulator.command({ cmd: "resetStats" });
  const step = await runChild(child[0]!, [child[1]!, token, path]);
  const after = await stats(emulator);
  return [fullRun, {
    ms: step.result.ms!,
    requests: step.result.requests!,
    itemsRead: step.result.itemsRead!,
    rateLimited: after.rateLimited,
    changes: Object.entries(changed.byKind).map(([k, n]) => `${n} ${k}`)
      .join(", "),
  }];
}

async function walk(
  emulator: EmulatorProcess,
  board: BoardInfo,
  index: number,
  path: string,
  pageSize: number,
  most: number,
): Promise<{ ms: number; items: number; pages: number; stats: EmulatorStats }> {
  await emulator.command({ cmd: "resetStats" });
  const { result } = await runChild("_sync_walk_child.ts", [
    emulator.apiUrl,
    emulator.credentials.apiToken,
    board.id,
    `${path}-${index}-${pageSize}.db`,
    String(pageSize),
    String(most),
  ]);
  return {
    ms: result.ms!,
    items: result.items!,
    pages: result.pages!,
    stats: await stats(emulator),
  };
}

const s = (ms: number) => ms / 1000;

/** Runs benchmarks 1, 3 and 6 of issue 15 and returns the report section. */
export async function syncThroughput(): Promise<string> {
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-bench-sync-" });
  const fulls: FullRun[] = [];
  const steps: IncrementalRun[] = [];
  const walks: WalkRun[] = [];
  const pageRuns: PageRun[] = [];
  const smallRss: number[] = [];
  let boards: BoardInfo[] = [];
  let accountPages = 0;
  try {
    const emulator = await spawnEmulator(accountOptions(PER_BOARD));
    try {
      boards = await listBoards(emulator);
      for (let run = 0; run < RUNS; run++) {
        const [full, step] = await fullAndIncremental(emulator, dir, run);
        fulls.push(full);
        steps.push(step);
        console.error(
          `sync throughput: full run ${run + 1}: ${
            fmt(s(full.ms))
          } s, ceiling ${fmt(s(full.ceiling.ms))} s; incremental ${
            fmt(s(step.ms))
          } s`,
        );
      }
      // The walk: each run walks a different board; a sequential walk's
      // time adds up over pages, so the account's is the time per page
      // times the account's pages, plus its one list of boards.
      boards = await listBoards(emulator);
      accountPages = boards.reduce(
        (sum, b) => sum + Math.ceil(b.items_count / 500),
        0,
      );
      for (let run = 0; run < RUNS; run++) {
        const index = run % boards.length;
        const w = await walk(
          emulator,
          boards[index]!,
          index,
          `${dir}/walk${run}`,
          500,
          WALK_ITEMS,
        );
        walks.push({
          board: index + 1,
          ms: w.ms,
          items: w.items,
          pages: w.pages,
          delayMs: w.stats.latency.graphql.totalMs,
          accountMs: w.ms / w.pages * accountPages + PREAMBLE_MS,
        });
        console.error(
          `sync throughput: walk ${run + 1}: ${w.pages} pages in ${
            fmt(s(w.ms))
          } s`,
        );
      }
      // Page size: the same first items of one board, one request at a time.
      const sample = boards[Math.min(1, boards.length - 1)]!;
      for (let run = 0; run < PAGE_RUNS; run++) {
        for (const size of PAGE_SIZES) {
          const w = await walk(
            emulator,
            sample,
            run,
            `${dir}/page`,
            size,
            PAGE_ITEMS,
          );
          pageRuns.push({
            size,
            ms: w.ms,
            items: w.items,
            pages: w.pages,
            points: w.stats.complexity,
            delayMs: w.stats.latency.graphql.totalMs,
          });
        }
      }
    } finally {
      await emulator.close();
    }
    // Memory: the same sync of an account with a tenth of the items.
    const small = await spawnEmulator(accountOptions(SMALL_PER_BOARD));
    try {
      for (let run = 0; run < RUNS; run++) {
        const { peakRssMiB } = await runChild("_sync_child.ts", [
          small.apiUrl,
          small.credentials.apiToken,
          `${dir}/small${run}.db`,
        ]);
        smallRss.push(peakRssMiB);
      }
    } finally {
      await small.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return report({
    boards,
    fulls,
    steps,
    walks,
    pageRuns,
    smallRss,
    accountPages,
    seconds: s(performance.now() - started),
  });
}

function report(r: {
  boards: BoardInfo[];
  fulls: FullRun[];
  steps: IncrementalRun[];
  walks: WalkRun[];
  pageRuns: PageRun[];
  smallRss: number[];
  accountPages: number;
  seconds: number;
}): string {
  const { fulls, steps, walks } = r;
  const items = BOARDS * PER_BOARD;
  const utilisation = spread(fulls.map((f) => f.ceiling.ms / f.ms * 100));
  measured.syncCeilingItemsPerSecond = items /
    (spread(fulls.map((f) => f.ceiling.ms)).median / 1000);
  const limited = Math.max(...fulls.map((f) => f.rateLimited));
  // How much later than the model the answers came: the rig, not the limits.
  const late = spread(fulls.map((f) => f.overMs / f.delayMs * 100));
  const fullMs = spread(fulls.map((f) => f.ms));
  const walkMs = spread(walks.map((w) => w.accountMs));
  // Pairs run i's walk estimate with run i's full sync.
  const speedup = spread(walks.map((w, i) => w.accountMs / fulls[i]!.ms));
  const bigRss = spread(fulls.map((f) => f.rss));
  const smallRss = spread(r.smallRss);
  const memory = spread(fulls.map((f, i) => f.rss / r.smallRss[i]!));
  const stepRequests = spread(steps.map((st) => st.requests));
  const stepMs = spread(steps.map((st) => st.ms));
  const fullRequests = spread(fulls.map((f) => f.requests));
  const plan =
    `plan \`${PLAN}\` (${LIMITS.concurrentRequests} concurrent requests, ${
      LIMITS.complexityPerMinute.toLocaleString("en")
    } points and ${LIMITS.requestsPerMinute} requests a minute; daily calls lifted)`;

  const bySize = PAGE_SIZES.map((size) => {
    const runs = r.pageRuns.filter((p) => p.size === size);
    const perSecond = spread(runs.map((p) => p.items / p.ms * 1000));
    const perPoint = spread(runs.map((p) => p.items / p.points * 1000));
    const slot = spread(runs.map((p) => p.delayMs / p.items));
    return { size, runs, perSecond, perPoint, slot };
  });
  const fastest = bySize.reduce((a, b) =>
    b.perSecond.median > a.perSecond.median ? b : a
  );
  const leanest = bySize.reduce((a, b) =>
    b.slot.median < a.slot.median ? b : a
  );

  return [
    "## Sync throughput",
    "",
    `A full sync of ${BOARDS} boards × ${
      PER_BOARD.toLocaleString("en")
    } items (${
      items.toLocaleString("en")
    } items) into SQLite through \`syncAccount\` with its defaults, against the emulator in its own process: real clock, latency \`"monday"\` (assumed figures, see docs/throughput.md "The latency model"), ${plan}. Column types of the seeded boards: ${
      columnTypes(r.boards.slice(0, BOARDS))
    }. Each sync and each walk runs in a fresh child process with a fresh database. \`deno run -A bench/sync_throughput.ts\`${
      QUICK ? " with `BENCH_QUICK=1` (small account, 1 run)" : ""
    }; this section took ${fmt(r.seconds)} s.`,
    "",
    "### Full sync against the ceiling",
    "",
    table(
      [
        "run",
        "s",
        "requests (emulator saw)",
        "429s",
        "Σ delay s",
        "points",
        "longest chain",
        "ceiling s (bound)",
        "utilisation",
        "beyond delays s",
        "emulator CPU",
        "peak RSS MiB",
      ],
      fulls.map((f, i) => [
        i + 1,
        s(f.ms),
        `${f.requests} (${f.seen})`,
        f.rateLimited,
        s(f.delayMs),
        f.points,
        `${f.longest.pages} pages, ${fmt(s(f.longest.delayMs))} s`,
        `${fmt(s(f.ceiling.ms))} (${f.ceiling.binding})`,
        `${fmt(f.ceiling.ms / f.ms * 100)}%`,
        s(f.overMs),
        `${fmt(f.cpuMs / f.ms * 100)}%`,
        f.rss,
      ]),
    ),
    "",
    `The ceiling of a run is the largest of four bounds, each from what the emulator measured of that run: the concurrency cap (Σ delay applied to the run's requests / ${LIMITS.concurrentRequests}), the chain that cannot be parallelised (the longest pagination's Σ delay, items_page then each next_items_page in turn, plus ${PREAMBLE_MS} ms for the list of boards a first page waits for), the complexity budget (points beyond the first minute's ${
      LIMITS.complexityPerMinute.toLocaleString("en")
    } / ${
      LIMITS.complexityPerMinute.toLocaleString("en")
    } × 60 s) and the requests-per-minute limit (likewise with ${LIMITS.requestsPerMinute} requests). Utilisation = ceiling / measured time. The emulator's own work for an answer counts toward its delay; "beyond delays" adds up how much longer than their delays the answers took (work that did not fit, a busy emulator thread), and "emulator CPU" is the emulator process's CPU time as a share of the sync's time: near 100%, its one thread, not monday's limits, held the run back.`,
    "",
    `- Full sync at ${fmtSpread(utilisation, "%")} of the ceiling, ${
      fmtSpread(fullMs, " ms")
    }, ${limited} 429s in the worst run (target ≥ 80% with zero 429s: ${
      verdict(utilisation.median >= 80 && limited === 0)
    })`,
    `- Answers came ${
      fmtSpread(late, "%")
    } later than their modelled delays, added up${
      late.median > 10
        ? ": the emulator or the machine, not monday's limits, held these runs back; rerun on an idle machine before reading the utilisation as the sync's"
        : ""
    }`,
    "",
    "### Against a sequential walk",
    "",
    table(
      [
        "run",
        "board",
        "items",
        "pages",
        "s",
        "s a page",
        "Σ delay s",
        "account estimate s",
      ],
      walks.map((w, i) => [
        i + 1,
        w.board,
        w.items,
        w.pages,
        s(w.ms),
        s(w.ms / w.pages),
        s(w.delayMs),
        s(w.accountMs),
      ]),
    ),
    "",
    `What the open connectors do: board by board, page by page (500 items, items_page then next_items_page, one request at a time), each page written to SQLite plainly. It asks for the sync's item fields less the display values of mirror, board-relation and formula columns, so its pages are smaller and answered sooner than the sync's: the comparison favours the walk. A walk of the whole account would take minutes per run, so each run walks the first ${
      WALK_ITEMS.toLocaleString("en")
    } items of a board (a different board each run): a sequential walk's time adds up over its pages, so the account's estimate is the run's time per page × the account's ${r.accountPages} pages + ${PREAMBLE_MS} ms for the list of boards. Run i's estimate is set against full run i. Board 1 has fewer column types than the others, so its pages are smaller: a run on board 1 understates the walk, a run on another board overstates board 1's share (a few percent of the account's pages); the median run walks one of the others.`,
    "",
    `- Sequential walk's time / full sync's: ${
      fmtSpread(speedup, "x")
    } (walk estimate ${fmtSpread(walkMs, " ms")}; target ≥ 3x: ${
      verdict(speedup.median >= 3)
    })`,
    "",
    "### Incremental after 100 random changes",
    "",
    table(
      [
        "run",
        "changes",
        "requests",
        "items read",
        "s",
        "429s",
        "requests vs full",
        "time vs full",
      ],
      steps.map((st, i) => [
        i + 1,
        st.changes,
        st.requests,
        st.itemsRead,
        s(st.ms),
        st.rateLimited,
        `${fmt(st.requests / fulls[i]!.requests * 100)}%`,
        `${fmt(st.ms / fulls[i]!.ms * 100)}%`,
      ]),
    ),
    "",
    `After each full run the emulator makes ${CHANGES} seeded random changes as other users would (values, names, new items, updates, moves between groups, archives, deletes; \`applyRandomChanges\`), then an incremental sync runs on the same database in a fresh process: ${
      fmtSpread(stepRequests)
    } requests against the full sync's ${fmtSpread(fullRequests)}, ${
      fmtSpread(stepMs, " ms")
    } against ${fmtSpread(fullMs, " ms")}.`,
    "",
    "### Memory",
    "",
    table(["account", "peak RSS MiB"], [
      [
        `${BOARDS} × ${PER_BOARD.toLocaleString("en")} items`,
        fmtSpread(bigRss),
      ],
      [
        `${BOARDS} × ${SMALL_PER_BOARD.toLocaleString("en")} items`,
        fmtSpread(smallRss),
      ],
    ]),
    "",
    `- Peak RSS of the ${items.toLocaleString("en")}-item full sync ${
      fmtSpread(memory, "x")
    } that of the ${
      (items / 10).toLocaleString("en")
    }-item one (run i against run i; target ≤ 1.2x: ${
      verdict(memory.median <= 1.2)
    })`,
    "",
    "### Page size",
    "",
    table(
      [
        "page size",
        "runs",
        "items/s",
        "items per 1,000 points",
        "delay ms per item",
      ],
      bySize.map((b) => [
        b.size,
        b.runs.length,
        fmtSpread(b.perSecond),
        fmtSpread(b.perPoint),
        fmtSpread(b.slot),
      ]),
    ),
    "",
    `The first ${
      PAGE_ITEMS.toLocaleString("en")
    } items of one board, one request at a time. Items per second is what one chain of pages reads; "delay ms per item" is the slot time an item costs, what bounds a read once the concurrency cap is full; items per 1,000 points is what the budget buys. ${
      fastest.size === leanest.size
        ? `Pages of ${fastest.size} read fastest and cost the least slot time per item: the sync should use ${fastest.size}.`
        : `Pages of ${fastest.size} read fastest along one chain; pages of ${leanest.size} cost the least slot time per item: a read held by the cap should use ${leanest.size}, one held by its longest chain ${fastest.size}.`
    }`,
  ].join("\n");
}

if (import.meta.main) {
  console.log(await syncThroughput());
}
