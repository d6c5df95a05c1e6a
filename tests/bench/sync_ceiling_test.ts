import assert from "node:assert/strict";
import { type EmulatorStats, planLimits } from "../../emulator/mod.ts";
import { ceilingOf, PREAMBLE_MS } from "../../bench/_sync_ceiling.ts";

function statsOf(
  figures: {
    delayMs: number;
    chainMs: number;
    points: number;
    requests: number;
  },
): EmulatorStats {
  const route = { answers: figures.requests, totalMs: 0, maxMs: 0, overMs: 0 };
  return {
    requests: {
      graphql: figures.requests,
      file: 0,
      schema: 0,
      audit: 0,
      authorize: 0,
      token_legacy: 0,
      token: 0,
      revoke: 0,
    },
    executed: { mutations: 0, byField: {} },
    tokensIssued: 0,
    tokensRevoked: 0,
    refreshes: 0,
    rateLimited: 0,
    latency: {
      graphql: { ...route, totalMs: figures.delayMs },
      file: { ...route },
      schema: { ...route },
      audit: { ...route },
      oauth: { ...route },
    },
    complexity: figures.points,
    cpuMs: 0,
    paginations: {
      count: 30,
      pages: 200,
      longest: { pages: 7, delayMs: figures.chainMs },
    },
  };
}

const standard = planLimits("standard");

Deno.test("ceiling: the longest chain binds when the slots have room", () => {
  const ceiling = ceilingOf(
    statsOf({
      delayMs: 514_000,
      chainMs: 17_700,
      points: 8_900_000,
      requests: 225,
    }),
    standard,
  );
  assert.equal(ceiling.binding, "chain");
  assert.equal(ceiling.ms, 17_700 + PREAMBLE_MS);
  assert.equal(ceiling.capMs, 514_000 / 40);
  assert.equal(ceiling.budgetMs, 0);
  assert.equal(ceiling.requestsMs, 0);
});

Deno.test("ceiling: the cap binds when the delays outweigh the chain", () => {
  const ceiling = ceilingOf(
    statsOf({ delayMs: 800_000, chainMs: 5_000, points: 1e6, requests: 400 }),
    standard,
  );
  assert.equal(ceiling.binding, "cap");
  assert.equal(ceiling.ms, 20_000);
});

Deno.test("ceiling: points beyond the first window's quota wait their share of a window", () => {
  // 25 million points: 15 million beyond the first 10 million, 1.5 windows.
  const ceiling = ceilingOf(
    statsOf({ delayMs: 40_000, chainMs: 2_000, points: 25e6, requests: 300 }),
    standard,
  );
  assert.equal(ceiling.binding, "budget");
  assert.equal(ceiling.ms, 90_000);
});

Deno.test("ceiling: requests beyond the per-minute limit wait likewise", () => {
  // 1,500 requests on the standard plan (1,000 a minute): half a window.
  const ceiling = ceilingOf(
    statsOf({ delayMs: 40_000, chainMs: 2_000, points: 1e6, requests: 1500 }),
    standard,
  );
  assert.equal(ceiling.binding, "requests");
  assert.equal(ceiling.ms, 30_000);
});
