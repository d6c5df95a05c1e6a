// `deno task bench`: runs the six benchmarks side by side and rewrites
// bench/REPORT.md with the figures of this run. Set BENCH_ONLY=1,3 to run some.

import { clientOverhead } from "./client_overhead.ts";
import { itemsExport } from "./items_export.ts";
import { auditExport, rateLimitUse } from "./audit_export.ts";
import { settingsFile } from "./settings_file.ts";
import { cliStartup } from "./cli_startup.ts";

const benches: [number, string, () => Promise<string>][] = [
  [1, "client overhead", clientOverhead],
  [2, "items export", itemsExport],
  [3, "audit export", auditExport],
  [4, "rate-limit utilisation", rateLimitUse],
  [5, "settings file", settingsFile],
  [6, "CLI start-up", cliStartup],
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
].join("\n");
if (only) console.log(report);
else await Deno.writeTextFile(new URL("REPORT.md", import.meta.url), report);
console.error(
  only ? "partial run: REPORT.md left as it was" : "wrote bench/REPORT.md",
);
