// The audit exporter: its throughput and memory against a bare
// fetch-and-write loop, and how much of the rate limit it uses. The
// utilisation runs are shared with the audit mirror (audit_mirror.ts).

import {
  type EmulatorProcess,
  fmt,
  fmtSpread,
  runChild,
  RUNS,
  size,
  spawnEmulator,
  spread,
  table,
  targetLine,
} from "./_lib.ts";

// Peak RSS settles at a plateau (the runtime and V8's heap, 130-170 MiB
// here) once an export has run for about 100,000 entries; below that it is
// lower, so the small export must reach it too. 300,000 against 100,000 is
// then a fair test of flat memory: an exporter that held the log would hold
// 200,000 more entries in the big one, well over 100 MiB.
const BIG = Number(Deno.env.get("BENCH_AUDIT_BIG") ?? size(300_000, 3_000));
const SMALL = BIG / 3;

/** One export in a child process, against an emulator already running. */
async function exportWith(
  emulator: EmulatorProcess,
  mode: "mondaykit" | "bare" | "mirror",
  extra: string[] = [],
) {
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-bench-" });
  try {
    await emulator.command({ cmd: "resetStats" });
    const run = await runChild("_audit_child.ts", [
      mode,
      emulator.domain,
      emulator.credentials.auditToken,
      `${dir}/${mode === "mirror" ? "mirror.db" : "audit.jsonl"}`,
      ...extra,
    ]);
    const stats = await emulator.command({ cmd: "stats" }) as {
      rateLimited: number;
    };
    return { ...run, rateLimited: stats.rateLimited };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withEmulator<T>(
  options: Record<string, unknown>,
  fn: (emulator: EmulatorProcess) => Promise<T>,
): Promise<T> {
  const emulator = await spawnEmulator({ ...options, clock: "real" });
  try {
    return await fn(emulator);
  } finally {
    await emulator.close();
  }
}

const NO_LIMIT = { auditRequestsPerMinute: 1e9 };

/** Runs the audit export benchmark and returns its report section. */
export async function auditExport(): Promise<string> {
  const bare: number[] = [];
  const ours: number[] = [];
  const ratio: number[] = [];
  const rssBig: number[] = [];
  const rssSmall: number[] = [];
  const rssRatio: number[] = [];
  let bigEntries = 0;
  let smallEntries = 0;
  // The cost of correctness on the small log, the bare loop and the exporter
  // taking turns; the memory of the big one against the small one's.
  await withEmulator({ auditEntries: SMALL, limits: NO_LIMIT }, async (em) => {
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2
        ? (["mondaykit", "bare"] as const)
        : (["bare", "mondaykit"] as const);
      const done: Record<string, Awaited<ReturnType<typeof exportWith>>> = {};
      for (const mode of order) done[mode] = await exportWith(em, mode);
      const m = done["mondaykit"]!;
      const b = done["bare"]!;
      smallEntries = m.result.entries!;
      bare.push(b.result.entries! / b.result.ms! * 1000);
      ours.push(m.result.entries! / m.result.ms! * 1000);
      ratio.push(m.result.ms! / b.result.ms!);
      rssSmall.push(m.peakRssMiB);
    }
  });
  await withEmulator({ auditEntries: BIG, limits: NO_LIMIT }, async (em) => {
    for (let i = 0; i < RUNS; i++) {
      const m = await exportWith(em, "mondaykit");
      bigEntries = m.result.entries!;
      rssBig.push(m.peakRssMiB);
      rssRatio.push(m.peakRssMiB / rssSmall[i]!);
    }
  });
  const rss = spread(rssRatio);
  return [
    "## Audit export",
    "",
    `Whole log to a JSONL file, 1,000 entries per page, the emulator's audit rate limit off, each export in a fresh process, ${RUNS} runs of each (the bare loop and exportAuditLogs taking turns on the small log). mondaykit adds a SHA-256 id per entry, writes oldest first, fsyncs and saves a checkpoint at most every second (checkpointIntervalMs) and at the end; the bare loop appends raw pages newest first with none of that. The memory ratio pairs run i of the big export with run i of the small one; the time ratio, the two exports of the small log in run i.`,
    "",
    table(["export", "entries", "entries/s", "peak RSS MiB"], [
      [
        "bare fetch + write",
        SMALL.toLocaleString("en"),
        fmtSpread(spread(bare)),
        "",
      ],
      [
        "exportAuditLogs",
        smallEntries.toLocaleString("en"),
        fmtSpread(spread(ours)),
        fmtSpread(spread(rssSmall)),
      ],
      [
        "exportAuditLogs",
        bigEntries.toLocaleString("en"),
        "",
        fmtSpread(spread(rssBig)),
      ],
    ]),
    "",
    `- Cost of correctness: exportAuditLogs takes ${
      fmtSpread(spread(ratio), "x")
    } the bare loop's time on ${
      SMALL.toLocaleString("en")
    } entries (reported, no target).`,
    targetLine({
      target: `peak RSS, ${BIG.toLocaleString("en")} entries vs ${
        SMALL.toLocaleString("en")
      } (≤ 1.20x)`,
      result: fmtSpread(rss, "x"),
      met: rss.median <= 1.2,
    }),
  ].join("\n");
}

/** What a section on rate-limit use needs to know about its runs. */
export interface LimitUseOptions {
  /** `mondaykit` (exportAuditLogs to a file) or `mirror` (audit_logs). */
  mode: "mondaykit" | "mirror";
  /** Entries in the emulator's log. */
  entries: number;
  /** Entries per page the exporter asks for. */
  perPage: number;
  /** The emulator's (and the client's) window for 50 requests. */
  windowMs: number;
}

/** The measured runs of a rate-limit section, and its table and target. */
export async function limitUse(
  options: LimitUseOptions,
): Promise<{ table: string; target: string }> {
  const { mode, entries, perPage, windowMs } = options;
  const limits = { auditRequestsPerMinute: 50, auditWindowMs: windowMs };
  const rows: (string | number)[][] = [];
  const whole: number[] = [];
  const steady: number[] = [];
  let rateLimited = 0;
  await withEmulator({ auditEntries: entries, limits }, async (em) => {
    let waitMs = 0;
    for (let i = 0; i < RUNS; i++) {
      // A fresh window on the emulator for every run: wait out the window
      // the run before opened last.
      await new Promise((r) => setTimeout(r, waitMs));
      const run = await exportWith(em, mode, [
        String(perPage),
        `50/${windowMs}`,
      ]);
      const { requests, ms, rounds, roundsMs, lastWindowAgoMs } = run
        .result as Record<string, number>;
      waitMs = Math.max(0, windowMs - lastWindowAgoMs!) + 100;
      // The fastest any client could send this many requests under the
      // limit: 50 at once, then 50 more each time a window passes.
      const fastest = (Math.ceil(requests! / 50) - 1) * windowMs;
      whole.push(fastest / ms! * 100);
      steady.push(rounds! * windowMs / roundsMs! * 100);
      rateLimited += run.rateLimited;
      rows.push([
        i + 1,
        run.result.entries!,
        requests!,
        rounds! * 50,
        roundsMs! / 1000,
        `${fmt(steady.at(-1)!)}%`,
        ms! / 1000,
        fastest / 1000,
        `${fmt(whole.at(-1)!)}%`,
        run.rateLimited,
      ]);
    }
  });
  const use = spread(steady);
  return {
    table: [
      table([
        "run",
        "entries",
        "requests",
        "in full windows",
        "their s",
        "utilisation (full windows)",
        "whole run s",
        "fastest possible s",
        "whole run (fastest / actual)",
        "429s",
      ], rows),
      "",
      `Whole-run figure, median: ${fmtSpread(spread(whole), "%")}.`,
    ].join("\n"),
    target: targetLine({
      target: "utilisation of 50 requests per window ≥ 95%, zero 429s",
      result: `${fmtSpread(use, "%")}; ${rateLimited} 429s`,
      met: use.median >= 95 && rateLimited === 0,
    }),
  };
}

/** How the rate-limit sections measure utilisation. */
export const UTILISATION: string =
  "Utilisation is the limit's rate against the export's while the limit holds it back: the requests sent before the last window's first one fill whole windows (50 each), and the fastest any client could send them is one window per 50, so utilisation is that time over the time they took (first request to the last window's first). The whole-run figure divides the fastest possible time for all the requests (50 at once, 50 more each window) by the whole run, which also charges start-up and the processing of the last window's pages: a fixed cost per run that the compressed window magnifies (at monday's window of 60 s the same cost is about a second per run).";

/** Runs the file export's rate-limit benchmark and returns its section. */
export async function rateLimitUse(): Promise<string> {
  const windowMs = size(2000, 1000);
  const perPage = 100;
  // 10,100 entries are 101 pages and a few probes: two full windows and a
  // few requests in a third.
  const entries = size(10_100, 5_100);
  const { table, target } = await limitUse({
    mode: "mondaykit",
    entries,
    perPage,
    windowMs,
  });
  return [
    "## Rate-limit utilisation",
    "",
    `exportAuditLogs into a JSONL file with the emulator's audit limit at 50 requests per ${
      windowMs / 1000
    } s (monday's 50 per minute, scaled down ${
      60_000 / windowMs
    }x in time) and the client's limiter set to the same; ${
      entries.toLocaleString("en")
    } entries at ${perPage} per page, ${RUNS} runs against one emulator, a window apart. ${UTILISATION}`,
    "",
    table,
    "",
    target,
  ].join("\n");
}
