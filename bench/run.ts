// `deno task bench`: runs the seven benchmarks side by side and rewrites
// bench/REPORT.md with the figures of this run. Set BENCH_ONLY=1,3 to run some.

import { clientOverhead } from "./client_overhead.ts";
import { itemsExport } from "./items_export.ts";
import { auditExport, rateLimitUse } from "./audit_export.ts";
import { settingsFile } from "./settings_file.ts";
import { cliStartup } from "./cli_startup.ts";
import { syncCost } from "./sync_cost.ts";

const benches: [number, string, () => Promise<string>][] = [
  [1, "client overhead", clientOverhead],
  [2, "items export", itemsExport],
  [3, "audit export", auditExport],
  [4, "rate-limit utilisation", rateLimitUse],
  [5, "settings file", settingsFile],
  [6, "CLI start-up", cliStartup],
  [7, "sync cost", syncCost],
];
const only = Deno.env.get("BENCH_ONLY")?.split(",").map(Number);

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
  "- The machine has 2 cores and the emulator runs on them too, so the client under test and the server compete for CPU. Repeated runs here moved the client-overhead ratios by up to about ±10% from run to run; a ratio within that of its target is a tie, not a verdict.",
  "- What MondayClient does on top of bare fetch, per request: it resolves the credential, detects mutations (for the Idempotency-Key), arms a per-attempt timeout, holds a concurrency slot, classifies the answer (HTTP status and body, current and legacy error shapes), and watches the RateLimit header for a spent budget. Measured against a local Deno.serve that answers at once, that cost about 50 µs per request; it shows most on `me`, whose answer is tiny.",
  "- The official client's numbers come from its own HTTP stack (graphql-request over the runtime's fetch), against the same emulator process, in the same slices.",
  "- The audit export's cost of correctness is mostly SHA-256 over each entry's canonical JSON, done in TypeScript because `node:crypto`'s hash objects held native memory until garbage collection and broke the flat-memory target (see docs/audit-export.md).",
].join("\n");

const sections: string[] = [];
const started = performance.now();
for (const [n, name, run] of benches) {
  if (only && !only.includes(n)) continue;
  console.error(`bench ${n}: ${name}...`);
  const t = performance.now();
  sections.push(await run());
  console.error(
    `bench ${n}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
const total = ((performance.now() - started) / 1000).toFixed(0);
const report = [
  "# mondaykit benchmarks",
  "",
  `Written by \`deno task bench\` on ${
    new Date().toISOString().slice(0, 10)
  }, in ${total} s.`,
  "",
  `Machine: ${machine()}.`,
  "",
  "Every benchmark runs its contenders side by side in one run against the emulator in a separate process on 127.0.0.1, so the ratios are what we promise; absolute times vary by machine.",
  "",
  ...sections.flatMap((s) => [s, ""]),
  NOTES,
  "",
].join("\n");
if (only) console.log(report);
else await Deno.writeTextFile(new URL("REPORT.md", import.meta.url), report);
console.error(
  only ? "partial run: REPORT.md left as it was" : "wrote bench/REPORT.md",
);
