import assert from "node:assert/strict";
import {
  type AuditCheckpoint,
  FileCheckpointStore,
  KvCheckpointStore,
  MemoryCheckpointStore,
} from "../../auditlog/mod.ts";

const checkpoint = (ids: number): AuditCheckpoint => ({
  version: 1,
  timestamp: "2026-11-01T00:00:00.000Z",
  ids: Array.from({ length: ids }, (_, i) => i.toString(16).padStart(64, "0")),
  sink: { bytes: 10 },
  exported: ids,
  updatedAt: "2026-11-01T00:01:00.000Z",
});

Deno.test("FileCheckpointStore replaces the file atomically and leaves no temp files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new FileCheckpointStore(`${dir}/cp.json`);
    assert.equal(await store.load(), undefined);
    await store.save(checkpoint(1));
    await store.save(checkpoint(3));
    assert.deepEqual(await store.load(), checkpoint(3));
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, ["cp.json"]);
    await store.delete();
    await store.delete();
    assert.equal(await store.load(), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FileCheckpointStore refuses a file that is not a checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/cp.json`;
    await Deno.writeTextFile(path, "{not json");
    await assert.rejects(() => new FileCheckpointStore(path).load(), {
      name: "SyntaxError",
      message: /not JSON/,
    });
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...checkpoint(0), version: 2 }),
    );
    await assert.rejects(
      () => new FileCheckpointStore(path).load(),
      /unsupported version '2'/,
    );
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...checkpoint(0), ids: ["short"] }),
    );
    await assert.rejects(
      () => new FileCheckpointStore(path).load(),
      /'ids' must be a list/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KvCheckpointStore stores checkpoints larger than one KV value, atomically", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvCheckpointStore(kv, { key: ["test", "cp"] });
  assert.equal(await store.load(), undefined);
  const big = checkpoint(3000); // ~200 KB of ids: split into parts
  await store.save(big);
  assert.deepEqual(await store.load(), big);
  await store.save(checkpoint(2));
  assert.deepEqual(await store.load(), checkpoint(2));
  let keys = 0;
  for await (const _ of kv.list({ prefix: ["test", "cp"] })) keys++;
  assert.equal(keys, 2, "old parts are removed: head + one part");
  await store.delete();
  assert.equal(await store.load(), undefined);
  assert.equal(store.location, "kv://test/cp");
});

Deno.test("MemoryCheckpointStore returns copies", async () => {
  const store = new MemoryCheckpointStore();
  const value = checkpoint(1);
  await store.save(value);
  value.ids.push("x");
  assert.equal((await store.load())?.ids.length, 1);
});
