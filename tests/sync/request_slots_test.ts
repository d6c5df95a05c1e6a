// The sync's request slots: never more than the limit at once, waiting
// requests admitted highest priority first (then first come), a cancelled
// wait gives up its place and takes no slot.
import assert from "node:assert/strict";
import { RequestSlots } from "../../sync/_request_slots.ts";

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

Deno.test("slots: at most the limit at once, the highest priority first", async () => {
  const slots = new RequestSlots(2);
  const signal = new AbortController().signal;
  const order: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const gates = new Map<string, ReturnType<typeof gate>>();
  const job = (name: string, priority: number) => {
    const g = gate();
    gates.set(name, g);
    return slots.run(priority, signal, async () => {
      order.push(name);
      peak = Math.max(peak, ++inFlight);
      await g.promise;
      inFlight--;
    });
  };
  const all = [
    job("a", 0),
    job("b", 0),
    job("low", 1),
    job("high", 9),
    job("mid", 5),
    job("mid2", 5),
  ];
  await Promise.resolve();
  assert.deepEqual(order, ["a", "b"]);
  for (const name of ["a", "b", "high", "mid", "mid2", "low"]) {
    gates.get(name)!.open();
    await new Promise((r) => setTimeout(r, 0));
  }
  await Promise.all(all);
  assert.deepEqual(order, ["a", "b", "high", "mid", "mid2", "low"]);
  assert.equal(peak, 2);
  assert.equal(slots.peak, 2);
});

Deno.test("slots: a cancelled wait rejects with the reason and takes no slot", async () => {
  const slots = new RequestSlots(1);
  const held = gate();
  const first = slots.run(0, new AbortController().signal, () => held.promise);
  const controller = new AbortController();
  const reason = new Error("stop");
  const waiting = slots.run(5, controller.signal, () => Promise.resolve("no"));
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  held.open();
  await first;
  // The slot is free again.
  assert.equal(
    await slots.run(0, new AbortController().signal, () => Promise.resolve(1)),
    1,
  );
});
