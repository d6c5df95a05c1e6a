import assert from "node:assert/strict";
import { LockTimeoutError, MemoryStore } from "../../storage/mod.ts";

Deno.test("MemoryStore: round trip, shared by id, separate between ids", async () => {
  const id = crypto.randomUUID();
  const a = new MemoryStore(id);
  const b = new MemoryStore(id);
  const other = new MemoryStore(`${id}-other`);
  assert.equal(a.location, `memory://${id}`);
  assert.equal(await a.load(), undefined);
  await a.save({ token: "t", nested: { n: 1 } });
  assert.deepEqual(await b.load(), { token: "t", nested: { n: 1 } });
  assert.equal(await other.load(), undefined);
  await b.delete();
  assert.equal(await a.load(), undefined);
});

Deno.test("MemoryStore: records are copied in and out", async () => {
  const store = new MemoryStore(crypto.randomUUID());
  const record = { list: [1] };
  await store.save(record);
  record.list.push(2);
  const loaded = await store.load();
  assert.deepEqual(loaded, { list: [1] });
  (loaded!.list as number[]).push(3);
  assert.deepEqual(await store.load(), { list: [1] });
});

Deno.test("MemoryStore: rejects records that are not JSON objects, and empty ids", async () => {
  const store = new MemoryStore(crypto.randomUUID());
  await assert.rejects(store.save({ n: 1n }), TypeError);
  await assert.rejects(
    store.save("text" as unknown as Record<string, unknown>),
    TypeError,
  );
  assert.equal(await store.load(), undefined);
  assert.throws(() => new MemoryStore(""), TypeError);
});

Deno.test("MemoryStore: withLock is exclusive per id, FIFO, and released on errors", async () => {
  const id = crypto.randomUUID();
  const stores = [new MemoryStore(id), new MemoryStore(id)];
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      stores[i % 2]!.withLock(async () => {
        const count =
          ((await stores[0]!.load())?.count as number | undefined) ??
            0;
        await new Promise((resolve) => setTimeout(resolve, 0));
        await stores[1]!.save({ count: count + 1 });
        order.push(i);
      })),
  );
  assert.deepEqual(await stores[0]!.load(), { count: 10 });
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await assert.rejects(
    stores[0]!.withLock(() => Promise.reject(new Error("inside"))),
    /inside/,
  );
  assert.equal(await stores[1]!.withLock(() => Promise.resolve(1)), 1);
});

Deno.test("MemoryStore: withLock times out with LockTimeoutError and honours abort", async () => {
  const store = new MemoryStore(crypto.randomUUID());
  let release!: () => void;
  const holding = store.withLock(
    () => new Promise<void>((resolve) => release = resolve),
  );
  const timeout = await store.withLock(() => Promise.resolve(), {
    timeoutMs: 10,
  }).catch((e) => e);
  assert.ok(timeout instanceof LockTimeoutError);
  assert.equal(timeout.lockPath, store.location);
  assert.match(timeout.message, /another caller in this process holds it/);
  const controller = new AbortController();
  const aborted = store.withLock(() => Promise.resolve(), {
    signal: controller.signal,
  });
  controller.abort(new Error("no longer needed"));
  await assert.rejects(aborted, /no longer needed/);
  release();
  await holding;
  // Neither the timed-out nor the aborted waiter holds the lock.
  assert.equal(await store.withLock(() => Promise.resolve("free")), "free");
});

Deno.test("MemoryStore: a nested withLock times out saying withLock calls do not nest", async () => {
  const store = new MemoryStore(crypto.randomUUID());
  const inner = await store.withLock(() =>
    store.withLock(() => Promise.resolve("never"), { timeoutMs: 10 })
      .catch((e) => e)
  );
  assert.ok(inner instanceof LockTimeoutError);
  assert.match(inner.message, /inside a withLock of the same settings/);
  assert.match(inner.message, /do not nest/);
  // A withLock started inside but run after the section ended is not nested.
  let later!: Promise<string>;
  await store.withLock(() => {
    later = Promise.resolve().then(() =>
      store.withLock(() => Promise.resolve("after"), { timeoutMs: 1000 })
    );
    return Promise.resolve();
  });
  assert.equal(await later, "after");
});
