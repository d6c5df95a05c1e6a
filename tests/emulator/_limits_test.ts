import assert from "node:assert/strict";
import {
  checkLimits,
  LimitTracker,
  planLimits,
} from "../../emulator/_limits.ts";

function tracker(overrides = {}) {
  let now = Date.UTC(2026, 10, 1, 12, 0, 0);
  const clock = { now: () => now };
  const limits = new LimitTracker(clock, {
    ...planLimits("enterprise"),
    ...overrides,
  });
  return { limits, advance: (ms: number) => (now += ms) };
}

Deno.test("LimitTracker: the minute window starts at the first call and resets a window later", () => {
  const { limits, advance } = tracker({ requestsPerMinute: 2 });
  assert.equal(limits.count(), undefined);
  advance(30_000);
  assert.equal(limits.count(), undefined);
  assert.deepEqual(limits.count(), { kind: "minute", retryInSeconds: 30 });
  advance(29_999);
  assert.deepEqual(limits.count(), { kind: "minute", retryInSeconds: 1 });
  advance(1);
  assert.equal(limits.count(), undefined);
});

Deno.test("LimitTracker: refused calls count toward the minute, as at monday; the daily quota resets at 00:00 UTC", () => {
  const { limits, advance } = tracker({ dailyCalls: 1, requestsPerMinute: 1 });
  assert.equal(limits.count(), undefined);
  assert.equal(limits.count()?.kind, "daily");
  advance(12 * 3600_000 - 1);
  assert.equal(limits.count()?.kind, "daily");
  advance(1);
  // A new day, but the refused call a moment ago used this minute's one call;
  // refused, it still counts, and uses up the new day's one call.
  assert.equal(limits.count()?.kind, "minute");
  advance(60_000);
  assert.equal(limits.count()?.kind, "daily");
  advance(24 * 3600_000);
  assert.equal(limits.count(), undefined);
});

Deno.test("LimitTracker: concurrency counts entries until they leave", () => {
  const { limits } = tracker({ concurrentRequests: 1 });
  assert.equal(limits.enter(), undefined);
  assert.equal(limits.enter()?.kind, "concurrency");
  limits.leave();
  assert.equal(limits.inFlight, 0);
  assert.equal(limits.enter(), undefined);
});

Deno.test("LimitTracker: complexity budgets are separate per bucket and report before/after", () => {
  const { limits } = tracker({
    complexityPerMinute: 100,
    appComplexityPerMinute: 10,
  });
  assert.deepEqual(limits.charge(60), {
    ok: true,
    before: 100,
    after: 40,
    resetIn: 60,
  });
  assert.equal(limits.charge(41).ok, false);
  assert.equal(limits.charge(10, "app_read").ok, true);
  assert.equal(limits.charge(1, "app_read").ok, false);
  assert.equal(limits.charge(10, "app_write").ok, true);
  const tooBig = limits.charge(6_000_000);
  assert.ok(!tooBig.ok && tooBig.breach.kind === "query");
});

Deno.test("checkLimits: names unknown limits and refuses non-positive values", () => {
  assert.throws(
    () => checkLimits({ nope: 1 } as never),
    /unknown limit 'nope'/,
  );
  assert.throws(() => checkLimits({ dailyCalls: 0 }), RangeError);
  assert.deepEqual(checkLimits({ dailyCalls: 5 }), { dailyCalls: 5 });
});
