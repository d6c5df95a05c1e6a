import assert from "node:assert/strict";
import { ConcurrencyLimiter } from "../../_http/mod.ts";

Deno.test("runs at most max tasks at once, in FIFO order", async () => {
  const limiter = new ConcurrencyLimiter(2);
  const started: number[] = [];
  const gates = Array.from({ length: 5 }, () => Promise.withResolvers<void>());
  const runs = gates.map((gate, i) =>
    limiter.run(async () => {
      started.push(i);
      await gate.promise;
      return i;
    })
  );
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  assert.equal(limiter.active, 2);
  assert.equal(limiter.waiting, 3);
  gates[1]!.resolve();
  await runs[1];
  await Promise.resolve();
  assert.deepEqual(started, [0, 1, 2]);
  assert.equal(limiter.active, 2);
  for (const gate of gates) gate.resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(limiter.active, 0);
  assert.equal(limiter.waiting, 0);
});

Deno.test("a failing task frees its slot", async () => {
  const limiter = new ConcurrencyLimiter(1);
  await assert.rejects(limiter.run(() => Promise.reject(new Error("boom"))), {
    message: "boom",
  });
  assert.equal(limiter.active, 0);
  assert.equal(await limiter.run(() => Promise.resolve("next")), "next");
});

Deno.test("an abort while waiting leaves the queue and never runs the task", async () => {
  const limiter = new ConcurrencyLimiter(1);
  const gate = Promise.withResolvers<void>();
  const first = limiter.run(() => gate.promise);
  const controller = new AbortController();
  let ran = false;
  const second = limiter.run(() => {
    ran = true;
    return Promise.resolve();
  }, controller.signal);
  const third = limiter.run(() => Promise.resolve("third"));
  assert.equal(limiter.waiting, 2);
  const reason = new Error("gave up");
  controller.abort(reason);
  await assert.rejects(second, (e) => e === reason);
  assert.equal(limiter.waiting, 1);
  gate.resolve();
  await first;
  assert.equal(await third, "third");
  assert.equal(ran, false);
  assert.equal(limiter.active, 0);
});

Deno.test("an already aborted signal rejects at once", async () => {
  const limiter = new ConcurrencyLimiter(1);
  const reason = new Error("no");
  await assert.rejects(
    limiter.run(() => Promise.resolve(), AbortSignal.abort(reason)),
    (e) => e === reason,
  );
  assert.equal(limiter.active, 0);
});

Deno.test("Infinity never queues; bad limits are RangeErrors", async () => {
  const limiter = new ConcurrencyLimiter(Infinity);
  const gate = Promise.withResolvers<void>();
  const runs = Array.from(
    { length: 50 },
    () => limiter.run(() => gate.promise),
  );
  assert.equal(limiter.active, 50);
  assert.equal(limiter.waiting, 0);
  gate.resolve();
  await Promise.all(runs);
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => new ConcurrencyLimiter(bad), RangeError);
  }
});
