// The benchmarks' quick mode: `BENCH_QUICK=1 deno task bench` runs every
// section with tiny sizes and one run, prints the report and writes nothing.
// This runs it as a subprocess, so a benchmark that no longer runs fails the
// gate instead of the next `deno task bench`. Its figures mean nothing and
// are not checked; that every section ran and reported is.

import assert from "node:assert/strict";
import { BENCHMARKS } from "../bench/run.ts";
import { targetRows } from "../bench/_lib.ts";
import { timedTest } from "./_time_limit.ts";

const root = new URL("..", import.meta.url);
const report = new URL("bench/REPORT.md", root);

timedTest(
  "BENCH_QUICK=1 runs every benchmark section, prints the report and writes nothing",
  async (_t, signal) => {
    const before = await Deno.stat(report);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "bench/run.ts"],
      cwd: root.pathname,
      env: {
        BENCH_QUICK: "1",
        // For a client-overhead section that predates quick mode.
        BENCH_QUERIES: "20",
      },
      stdout: "piped",
      stderr: "piped",
      signal,
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `bench/run.ts failed:\n${stderr}`);

    const headings = stdout.split("\n").filter((l) => /^## \d+\. /.test(l));
    assert.deepEqual(
      headings.map((h) => Number(/^## (\d+)\. /.exec(h)![1])),
      BENCHMARKS.map((_, i) => i + 1),
      `every section once, numbered in order; got:\n${headings.join("\n")}`,
    );
    assert.match(stdout, /^\*\*Quick mode/m);
    // The summary table at the top lists every target a section reports.
    const start = stdout.indexOf("\n## 1. ");
    const summary = stdout.slice(stdout.indexOf("## Targets"), start);
    const targets = targetRows(stdout.slice(start));
    assert.ok(targets.length >= 4, `the items and audit targets at least`);
    for (const row of targets) {
      assert.ok(
        summary.includes(`| ${row.target} | ${row.result} |`),
        `'${row.target}' in the summary:\n${summary}`,
      );
    }
    const after = await Deno.stat(report);
    assert.equal(
      after.mtime?.getTime(),
      before.mtime?.getTime(),
      "REPORT.md untouched",
    );
  },
  180_000,
);
