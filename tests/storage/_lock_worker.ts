// Subprocess for lock_test.ts: performs read-modify-write increments of
// `count` through withLock. Not a test file.
//
// Usage: deno run --allow-read --allow-write --allow-env _lock_worker.ts <path> <increments>
// The key comes from MONDAYKIT_SETTINGS_KEY.

import { EncryptedFileStore } from "../../storage/mod.ts";

const [path, countText] = Deno.args;
if (path === undefined || countText === undefined) {
  throw new TypeError("Usage: _lock_worker.ts <path> <increments>");
}
const store = new EncryptedFileStore(path);
for (let i = 0; i < Number(countText); i++) {
  await store.withLock(async () => {
    const record = await store.load();
    const count = typeof record?.count === "number" ? record.count : 0;
    // Yield between the read and the write so races would show.
    await new Promise((resolve) => setTimeout(resolve, 1));
    await store.save({ count: count + 1 });
  }, { timeoutMs: 60_000 });
}
