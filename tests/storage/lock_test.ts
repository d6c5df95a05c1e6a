import assert from "node:assert/strict";
import { fromFileUrl } from "./_path.ts";
import { EncryptedFileStore, LockTimeoutError } from "../../storage/mod.ts";
import { isWindows, modeOf, randomKey, tempDir } from "./_helpers.ts";

const WORKER = fromFileUrl(new URL("./_lock_worker.ts", import.meta.url));

Deno.test("withLock: 8 processes doing read-modify-write increments lose none", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const key = randomKey();
  const processes = 8;
  const increments = 10;
  const children = Array.from(
    { length: processes },
    () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-lock",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          WORKER,
          path,
          String(increments),
        ],
        env: { MONDAYKIT_SETTINGS_KEY: key },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output(),
  );
  const outputs = await Promise.all(children);
  for (const output of outputs) {
    assert.equal(
      output.code,
      0,
      `a worker failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const store = new EncryptedFileStore(path, { key });
  assert.deepEqual(await store.load(), { count: processes * increments });
  if (!isWindows) assert.equal(await modeOf(`${path}.lock`), 0o600);
});

Deno.test("withLock: in-process callers on one file are serialised", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const key = randomKey();
  // Separate instances, as separate parts of a program would make.
  const stores = Array.from(
    { length: 5 },
    () => new EncryptedFileStore(path, { key }),
  );
  await Promise.all(
    stores.flatMap((store) =>
      Array.from({ length: 4 }, () =>
        store.withLock(async () => {
          const count = ((await store.load())?.count as number | undefined) ??
            0;
          await new Promise((resolve) => setTimeout(resolve, 1));
          await store.save({ count: count + 1 });
        }))
    ),
  );
  assert.deepEqual(await stores[0]!.load(), { count: 20 });
});

Deno.test("withLock: a lock held by another file handle times out with LockTimeoutError naming the lock file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const store = new EncryptedFileStore(path, { key: randomKey() });
  // Another open file description holds the flock, as another process would.
  using holder = await Deno.open(`${path}.lock`, {
    read: true,
    write: true,
    create: true,
  });
  assert.equal(await holder.tryLock(true), true);
  let ran = false;
  const error = await store.withLock(() => {
    ran = true;
    return Promise.resolve();
  }, { timeoutMs: 50 }).catch((e) => e);
  assert.ok(error instanceof LockTimeoutError);
  assert.equal(error.lockPath, `${path}.lock`);
  assert.equal(error.timeoutMs, 50);
  assert.match(error.message, /settings\.bin\.lock/);
  assert.match(error.message, /another process holds it/);
  assert.equal(ran, false);
  // Released: the store can lock now.
  await holder.unlock();
  assert.equal(await store.withLock(() => Promise.resolve(42)), 42);
});

Deno.test("withLock: a nested call on the same file times out saying withLock calls do not nest; another caller is named as such", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const key = randomKey();
  const outer = new EncryptedFileStore(path, { key });
  const other = new EncryptedFileStore(path, { key });
  // Another part of the program waits its turn, and is told so on timeout.
  let release!: () => void;
  const holding = outer.withLock(
    () => new Promise<void>((resolve) => release = resolve),
  );
  const sibling = await other.withLock(() => Promise.resolve(), {
    timeoutMs: 10,
  }).catch((e) => e);
  release();
  await holding;
  assert.ok(sibling instanceof LockTimeoutError);
  assert.match(sibling.message, /another caller in this process holds it/);
  // Nested in a critical section: it can never get the lock.
  const nested = await outer.withLock(() =>
    other.withLock(() => Promise.resolve(), { timeoutMs: 10 }).catch((e) => e)
  );
  assert.ok(nested instanceof LockTimeoutError);
  assert.equal(nested.lockPath, `${path}.lock`);
  assert.match(nested.message, /inside a withLock of the same settings/);
  // Free again afterwards.
  assert.equal(await other.withLock(() => Promise.resolve("ok")), "ok");
});

Deno.test("withLock: the lock is released when the callback throws", async () => {
  await using dir = await tempDir();
  const store = new EncryptedFileStore(`${dir.path}/s.bin`, {
    key: randomKey(),
  });
  await assert.rejects(
    store.withLock(() => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.equal(
    await store.withLock(() => Promise.resolve("again"), { timeoutMs: 100 }),
    "again",
  );
});

Deno.test("withLock: an aborted wait rejects with the signal's reason and never runs the callback", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/s.bin`;
  const store = new EncryptedFileStore(path, { key: randomKey() });
  const other = new EncryptedFileStore(path, { key: randomKey() });
  let release!: () => void;
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => entered = resolve);
  const holding = store.withLock(() =>
    new Promise<void>((resolve) => {
      release = resolve;
      entered();
    })
  );
  await inside;
  const controller = new AbortController();
  let ran = false;
  const waiting = other.withLock(() => {
    ran = true;
    return Promise.resolve();
  }, { signal: controller.signal });
  controller.abort(new Error("stop waiting"));
  await assert.rejects(waiting, /stop waiting/);
  release();
  await holding;
  assert.equal(ran, false);
});

Deno.test("withLock: rejects a bad timeoutMs with RangeError", async () => {
  const store = new EncryptedFileStore("/nonexistent/s.bin", {
    key: randomKey(),
  });
  await assert.rejects(
    store.withLock(() => Promise.resolve(), { timeoutMs: -1 }),
    RangeError,
  );
});
