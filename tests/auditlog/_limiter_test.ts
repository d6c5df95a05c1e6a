import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import { SlidingWindowLimiter } from "../../auditlog/_limiter.ts";

Deno.test("SlidingWindowLimiter allows N per window, measured from each request's end", async () => {
  const clock = new FakeClock({ start: 0 });
  const limiter = new SlidingWindowLimiter({
    requests: 3,
    windowMs: 1000,
    marginMs: 10,
    clock,
  });
  const starts: number[] = [];
  for (let i = 0; i < 7; i++) {
    const release = await limiter.acquire();
    starts.push(clock.now());
    clock.advance(5); // the request takes 5 ms
    release();
  }
  // Three at once, then each slot frees 1010 ms after its request ended.
  assert.deepEqual(starts, [0, 5, 10, 1015, 1020, 1025, 2030]);
  assert.equal(limiter.waits, 2); // at 1015 and 2030; the others found a freed slot
  // Any window of 1000 ms holds at most 3 starts.
  for (const s of starts) {
    assert.ok(starts.filter((t) => t >= s && t < s + 1000).length <= 3);
  }
});

Deno.test("SlidingWindowLimiter holds a slot while its request is in flight", async () => {
  const clock = new FakeClock({ start: 0, autoAdvance: false });
  const limiter = new SlidingWindowLimiter({
    requests: 1,
    windowMs: 100,
    marginMs: 0,
    clock,
  });
  const release = await limiter.acquire();
  let second = false;
  const next = limiter.acquire().then((r) => {
    second = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(second, false);
  clock.advance(50);
  release(); // ends at 50: the next may start at 150
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(second, false);
  clock.advance(100);
  (await next)();
  assert.equal(second, true);
  assert.equal(clock.now(), 150);
});

Deno.test("SlidingWindowLimiter stops waiting when the signal aborts", async () => {
  const clock = new FakeClock({ start: 0, autoAdvance: false });
  const limiter = new SlidingWindowLimiter({
    requests: 1,
    windowMs: 100,
    clock,
  });
  (await limiter.acquire())();
  const controller = new AbortController();
  const waiting = limiter.acquire(controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
});

Deno.test("SlidingWindowLimiter rejects bad limits", () => {
  const clock = new FakeClock();
  assert.throws(
    () => new SlidingWindowLimiter({ requests: 0, windowMs: 1, clock }),
    RangeError,
  );
  assert.throws(
    () => new SlidingWindowLimiter({ requests: 1, windowMs: -1, clock }),
    RangeError,
  );
  assert.throws(
    () =>
      new SlidingWindowLimiter({
        requests: 1,
        windowMs: 1,
        marginMs: -1,
        clock,
      }),
    RangeError,
  );
});
