// `deno task bench`: runs the benchmarks side by side and rewrites
// bench/REPORT.md with the figures of this run.
//
//   BENCH_ONLY=1,3   run some sections (numbers as in the registry below);
//                    prints the report instead of writing it
//   BENCH_QUICK=1    every section with tiny sizes and 1 run, printed, not
//                    written: a smoke run (tests/bench_smoke_test.ts), its
//                    figures mean nothing
//
// Adding a benchmark is one line in BENCHMARKS: a title and a function that
// returns its section, a Markdown block starting with `## ` and its title.
// Sections are numbered here in the order they run (a number already in the
// heading is replaced), and each section's targets, written with
// `targetLine` from _lib.ts, are collected into the summary table at the top.

import { clientOverhead } from "./client_overhead.ts";
import { itemsExport } from "./items_export.ts";
import { auditExport, rateLimitUse } from "./audit_export.ts";
import { auditMirror } from "./audit_mirror.ts";
import { settingsFile } from "./settings_file.ts";
import { cliStartup } from "./cli_startup.ts";
import { syncCost } from "./sync_cost.ts";
import { syncThroughput } from "./sync_throughput.ts";
import { pgWrite } from "./pg_write.ts";
import { QUICK, RUNS, targetRows } from "./_lib.ts";

/** A benchmark: its title and the function that returns its section. */
export type Benchmark = [title: string, run: () => Promise<string>];

/** Every benchmark, in the order they run and are numbered. */
export const BENCHMARKS: Benchmark[] = [
  // Issue 15's benchmarks 1, 3 and 6: the sync against the ceiling, an
  // incremental run after 100 changes, peak memory.
  ["sync throughput", syncThroughput],
  // Issue 15's benchmark 2.
  ["PostgreSQL writes", pgWrite],
  // Issue 15's benchmark 4.
  ["audit mirror", auditMirror],
  // Issue 15's benchmark 5.
  ["client overhead", clientOverhead],
  ["items export", itemsExport],
  ["audit export", auditExport],
  ["rate-limit utilisation", rateLimitUse],
  ["settings file", settingsFile],
  ["CLI start-up", cliStartup],
  ["sync cost", syncCost],
];

function machine(): string {
  let cpu = "unknown CPU";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = info.match(/model name\s*:\s*(.+)/)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const cores = navigator.hardwareConcurrency;
  const memGiB = (Deno.systemMemoryInfo().total / 2 ** 30).toFixed(0);
  return `${cpu}, ${cores} cores, ${memGiB} GiB; ${Deno.build.os} ${Deno.build.arch}; Deno ${Deno.version.deno}, V8 ${Deno.version.v8}`;
}

const NOTES = [
  "## How to read these figures",
  "",
  `- A target counts as met only when the median of its runs (${RUNS} unless the section says otherwise) meets it; each figure shows median (min-max, runs), so a lucky run cannot carry a claim.`,
  "- The machine has 2 cores and the emulator runs on them too, so the client under test and the server compete for CPU. Repeated runs here moved the client-overhead ratios by up to about ±10% from run to run; a ratio within that of its target is a tie, not a verdict.",
  "- What MondayClient does on top of bare fetch, per request: it resolves the credential, detects mutations (for the Idempotency-Key), arms a per-attempt timeout, holds a concurrency slot, classifies the answer (HTTP status and body, current and legacy error shapes), and watches the RateLimit header for a spent budget. Measured against a local Deno.serve that answers at once, that cost about 50 µs per request; it shows most on `me`, whose answer is tiny.",
  "- The official client's numbers come from its own HTTP stack (graphql-request over the runtime's fetch), against the same emulator process, in the same slices.",
  "- The audit export's cost of correctness is mostly SHA-256 over each entry's canonical JSON, done in TypeScript because `node:crypto`'s hash objects held native memory until garbage collection and broke the flat-memory target (see docs/audit-export.md).",
].join("\n");

/** The section with its heading numbered `n` (any number it had replaced). */
export function numbered(section: string, n: number): string {
  if (!section.startsWith("## ")) {
    throw new Error(
      `Benchmark ${n} returned a section that does not start with '## '`,
    );
  }
  return section.replace(/^## (?:\d+\.\s*)?/, `## ${n}. `);
}

/** The summary table of every target the sections carry. */
export function summary(sections: string[]): string {
  const rows: string[] = [];
  for (const section of sections) {
    const heading = section.split("\n", 1)[0]!.slice(3);
    for (const row of targetRows(section)) {
      rows.push(
        `| ${heading} | ${row.target} | ${row.result} | ${
          row.met ? "**met**" : "**not met**"
        } |`,
      );
    }
  }
  return [
    "| benchmark | target | median (min-max, runs) | verdict |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

async function main(): Promise<void> {
  const only = Deno.env.get("BENCH_ONLY")?.split(",").map(Number);
  const sections: string[] = [];
  const timings: string[] = [];
  const started = performance.now();
  for (const [i, [title, run]] of BENCHMARKS.entries()) {
    const n = i + 1;
    if (only && !only.includes(n)) continue;
    console.error(`bench ${n}: ${title}...`);
    const t = performance.now();
    sections.push(numbered(await run(), n));
    const seconds = ((performance.now() - t) / 1000).toFixed(1);
    timings.push(`${n}. ${title}: ${seconds} s`);
    console.error(`bench ${n}: done in ${seconds} s`);
  }
  const total = ((performance.now() - started) / 1000).toFixed(0);
  const report = [
    "# mondaykit benchmarks",
    "",
    `Written by \`deno task bench\` on ${
      new Date().toISOString().slice(0, 10)
    }, in ${total} s (${timings.join("; ")}).`,
    ...(QUICK
      ? [
        "",
        "**Quick mode (`BENCH_QUICK=1`): tiny sizes and 1 run; these figures show that every benchmark runs, not what it measures.**",
      ]
      : []),
    "",
    `Machine: ${machine()}.`,
    "",
    "Every benchmark runs its contenders side by side in one run against the emulator in a separate process on 127.0.0.1, so the ratios are what we promise; absolute times vary by machine.",
    "",
    "## Targets",
    "",
    summary(sections),
    "",
    ...sections.flatMap((s) => [s, ""]),
    NOTES,
    "",
  ].join("\n");
  if (only || QUICK) console.log(report);
  else await Deno.writeTextFile(new URL("REPORT.md", import.meta.url), report);
  console.error(
    only || QUICK
      ? "partial or quick run: REPORT.md left as it was"
      : "wrote bench/REPORT.md",
  );
}

if (import.meta.main) await main();
