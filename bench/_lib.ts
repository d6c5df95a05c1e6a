// Shared helpers for the benchmarks: an emulator in a child process, timing,
// peak memory of a child process, and the report's tables.

const here = new URL(".", import.meta.url);

/** What the emulator process prints when it is ready. */
export interface EmulatorInfo {
  url: string;
  apiUrl: string;
  domain: string;
  auditUrl: string;
  authUrl: string;
  credentials: {
    apiToken: string;
    auditToken: string;
    oauth: { clientId: string; clientSecret: string; redirectUris: string[] };
  };
}

/** An emulator running in a child process. */
export interface EmulatorProcess extends EmulatorInfo {
  command(cmd: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/** Starts the emulator in its own process with the given options. */
export async function spawnEmulator(
  options: Record<string, unknown>,
): Promise<EmulatorProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("_emulator_process.ts", here).pathname,
      JSON.stringify(options),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let buffer = "";
  async function readLine(): Promise<string> {
    while (true) {
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        return line;
      }
      const { value, done } = await lines.read();
      if (done) throw new Error("Emulator process ended early");
      buffer += value;
    }
  }
  const info = JSON.parse(await readLine()) as EmulatorInfo;
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  return {
    ...info,
    async command(cmd) {
      await writer.write(encoder.encode(JSON.stringify(cmd) + "\n"));
      return JSON.parse(await readLine());
    },
    async close() {
      await writer.close();
      await child.status;
      lines.releaseLock();
      await child.stdout.cancel().catch(() => {});
    },
  };
}

/** Runs `fn` and returns how long it took in milliseconds. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs `n` tasks with at most `concurrency` in flight. */
export async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < n) await task(next++);
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Result of a script run in a child process that reports its own figures. */
export interface ChildResult {
  /** Whatever JSON the script printed on its last stdout line. */
  result: Record<string, number>;
  /** Peak resident set size of the child, in MiB (VmHWM). */
  peakRssMiB: number;
  ms: number;
}

/**
 * Runs a bench script in a fresh Deno process. The script prints a JSON object
 * on its last line; this adds the child's peak RSS, read by the child itself
 * from /proc/self/status just before it exits (see `reportAndExit`).
 */
export async function runChild(
  script: string,
  args: string[],
): Promise<ChildResult> {
  const start = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, here).pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const ms = performance.now() - start;
  if (!output.success) throw new Error(`${script} failed (${output.code})`);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1] ?? "{}");
  return { result, peakRssMiB: result.peakRssMiB ?? NaN, ms };
}

/** Prints the figures as the last stdout line, with this process's peak RSS. */
export function reportAndExit(result: Record<string, number>): never {
  const status = Deno.readTextFileSync("/proc/self/status");
  const match = status.match(/VmHWM:\s+(\d+) kB/);
  const peakRssMiB = match ? Number(match[1]) / 1024 : NaN;
  console.log(JSON.stringify({ ...result, peakRssMiB }));
  Deno.exit(0);
}

/** Formats a Markdown table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => typeof v === "number" ? fmt(v) : v;
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** A number with sensible precision for a report. */
export function fmt(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** "met" or "not met", for the report's target lines. */
export function verdict(ok: boolean): string {
  return ok ? "**met**" : "**not met**";
}

/** The spread of repeated measurements: min, median and max. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number;
}

/**
 * The min, median and max of repeated measurements. A target counts as met
 * only when the median meets it (never the best run).
 */
export function spread(values: number[]): Spread {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: NaN, median: NaN, max: NaN, runs: 0 };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    min: sorted[0]!,
    median,
    max: sorted[sorted.length - 1]!,
    runs: sorted.length,
  };
}

/** "median (min-max, n runs)", for a report cell. */
export function fmtSpread(s: Spread, unit = ""): string {
  return `${fmt(s.median)}${unit} (${fmt(s.min)}-${
    fmt(s.max)
  }${unit}, ${s.runs} ${s.runs === 1 ? "run" : "runs"})`;
}

/** `BENCH_QUICK=1`: every section with tiny sizes and 1 run, to see it works. */
export const QUICK: boolean = Deno.env.get("BENCH_QUICK") === "1";
/** Runs per target: at least 5 (a target counts only on the median of 5). */
export const RUNS: number = QUICK ? 1 : 5;

/** `full` in a real run, `quick` under `BENCH_QUICK=1`. */
export function size<T>(full: T, quick: T): T {
  return QUICK ? quick : full;
}

/** One target of a section, as the report's summary table shows it. */
export interface TargetRow {
  /** What is promised, e.g. "utilisation ≥ 95%, zero 429s". */
  target: string;
  /** The measured median with its spread, e.g. "97.6% (97.1-97.9%, 5 runs)". */
  result: string;
  /** Whether the median meets the target. */
  met: boolean;
}

/** The marker that carries a target row from a section to the summary. */
const TARGET_MARK = /<!-- target (\{.*?\}) -->/g;

/**
 * A section's target line: "- target: result: **met**", followed by an
 * invisible marker (an HTML comment) from which run.ts builds the report's
 * summary table. Every benchmark reports its targets through this, so a
 * target cannot be left out of the summary.
 */
export function targetLine(row: TargetRow): string {
  return `- ${row.target}: ${row.result}: ${verdict(row.met)} <!-- target ${
    JSON.stringify(row)
  } -->`;
}

/**
 * The target rows a section's `targetLine`s carry, in order. A section
 * without any (one not yet written with `targetLine`) gives one row per
 * list item that holds a verdict, the item's text as its target, met only
 * when none of its verdicts says not met.
 */
export function targetRows(section: string): TargetRow[] {
  const marked = [...section.matchAll(TARGET_MARK)].map((m) =>
    JSON.parse(m[1]!) as TargetRow
  );
  if (marked.length > 0) return marked;
  return section.split("\n")
    .filter((line) => line.startsWith("- ") && /\*\*(not )?met\*\*/.test(line))
    .map((line) => ({
      target: line.slice(2).replaceAll("|", "\\|"),
      result: "in the section",
      met: !line.includes("**not met**"),
    }));
}

/**
 * Figures one section measures for a later one in the same run: the sync
 * section sets the rate a sync receives items at its computed ceiling, which
 * the PostgreSQL section holds its writer to.
 */
export const measured: { syncCeilingItemsPerSecond?: number } = {};

/**
 * One GraphQL request with bare `fetch`, as a hand-written loop sends it (the
 * baseline the benchmarks compare against): its `data`, or an Error naming
 * the status and the first errors.
 */
export async function barePost(
  apiUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(apiUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: token,
      "api-version": "2026-10",
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = JSON.parse(await response.text());
  if (!response.ok || body.errors) {
    throw new Error(
      `Bare request failed (${response.status}): ${
        JSON.stringify(body.errors).slice(0, 300)
      }`,
    );
  }
  return body.data;
}
