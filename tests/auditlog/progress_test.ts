import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import {
  createProgressRenderer,
  type ExportProgress,
  formatDuration,
  formatProgress,
} from "../../auditlog/mod.ts";

const base: ExportProgress = {
  phase: "exporting",
  entries: 1000,
  pages: 1,
  requests: 3,
  runs: 1,
  runEntries: 1000,
  totalEntries: 4000,
  totalPages: 4,
  elapsedMs: 2000,
  entriesPerSecond: 500,
  etaMs: 6000,
  windowStart: null,
  windowEnd: "2026-11-01T00:00:00.000Z",
};

Deno.test("formatProgress() shows entries, pages, rate and ETA", () => {
  assert.equal(
    formatProgress(base),
    "audit export: 1,000 / 4,000 entries (25%), 1 / 4 pages, 500/s, ETA 6s",
  );
  const { totalEntries: _t, totalPages: _p, etaMs: _e, ...unknownTotal } = base;
  assert.equal(
    formatProgress(unknownTotal),
    "audit export: 1,000 entries, 1 pages, 500/s",
  );
  assert.match(
    formatProgress({ ...base, phase: "waiting" }),
    /waiting for new entries/,
  );
  assert.equal(formatDuration(59_400), "59s");
  assert.equal(formatDuration(60_000), "1m 00s");
});

Deno.test("createProgressRenderer() draws only on a terminal, throttled", () => {
  assert.equal(createProgressRenderer({ isTerminal: false }), undefined);
  const out: string[] = [];
  const clock = new FakeClock({ start: 0 });
  const render = createProgressRenderer({
    isTerminal: true,
    clock,
    intervalMs: 100,
    writer: {
      writeSync: (p) => (out.push(new TextDecoder().decode(p)), p.length),
    },
  })!;
  render(base);
  render({ ...base, entries: 1001 }); // too soon: skipped
  clock.advance(100);
  render({ ...base, entries: 1002 });
  render({ ...base, phase: "done" }); // always drawn, ends the line
  assert.equal(out.length, 3);
  assert.ok(out.every((line) => line.startsWith("\r\x1b[2K")));
  assert.ok(out[2]!.endsWith("\n"));
});
