import assert from "node:assert/strict";
import { FakeClock, sleep, systemClock } from "../../_http/mod.ts";

Deno.test("systemClock.sleep waits and can be aborted", async () => {
  await systemClock.sleep(1);
  const controller = new AbortController();
  const reason = new Error("stop");
  const pending = sleep(60_000, controller.signal);
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  await assert.rejects(
    sleep(1, AbortSignal.abort(reason)),
    (e) => e === reason,
  );
});

Deno.test("FakeClock auto mode advances time and records sleeps", async () => {
  const clock = new FakeClock({ start: 100 });
  await clock.sleep(50);
  await clock.sleep(25);
  assert.equal(clock.now(), 175);
  assert.deepEqual(clock.sleeps, [50, 25]);
});

Deno.test("FakeClock manual mode resolves sleeps when advanced past them", async () => {
  const clock = new FakeClock({ autoAdvance: false });
  const order: string[] = [];
  const a = clock.sleep(100).then(() => order.push("a"));
  const b = clock.sleep(300).then(() => order.push("b"));
  assert.equal(clock.pending, 2);
  clock.advance(150);
  await a;
  assert.deepEqual(order, ["a"]);
  assert.equal(clock.pending, 1);
  clock.advance(150);
  await b;
  assert.deepEqual(order, ["a", "b"]);
});

Deno.test("FakeClock sleeps honour their signal", async () => {
  const clock = new FakeClock({ autoAdvance: false });
  const controller = new AbortController();
  const next = clock.nextSleep();
  const pending = clock.sleep(1000, controller.signal);
  assert.equal(await next, 1000);
  controller.abort(new Error("cancelled"));
  await assert.rejects(pending, { message: "cancelled" });
  assert.equal(clock.pending, 0);
});
