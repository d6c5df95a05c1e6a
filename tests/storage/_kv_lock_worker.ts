// Subprocess for kv_store_test.ts: read-modify-write increments of `count`
// through KvStore.withLock on a shared local KV database. Not a test file.
//
// Usage: deno run --unstable-kv --allow-read --allow-write --allow-env _kv_lock_worker.ts <db path> <increments>
// The key comes from MONDAYKIT_SETTINGS_KEY.

import { KvStore } from "../../storage/mod.ts";

const [path, countText] = Deno.args;
if (path === undefined || countText === undefined) {
  throw new TypeError("Usage: _kv_lock_worker.ts <db path> <increments>");
}
const store = new KvStore("shared", { kvPath: path });
try {
  for (let i = 0; i < Number(countText); i++) {
    await store.withLock(async () => {
      const record = await store.load();
      const count = typeof record?.count === "number" ? record.count : 0;
      await new Promise((resolve) => setTimeout(resolve, 1));
      await store.save({ count: count + 1 });
    }, { timeoutMs: 60_000 });
  }
} finally {
  store.close();
}
