import assert from "node:assert/strict";
import {
  KvStore,
  LockTimeoutError,
  openSettingsStore,
  SettingsConflictError,
  SettingsDecryptError,
  SettingsFormatError,
} from "../../storage/mod.ts";
import { fakeEnv, randomKey, tempDir } from "./_helpers.ts";
import { fromFileUrl } from "./_path.ts";

async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

Deno.test("KvStore: round trip; the value is encrypted in the settings format under [...prefix, 'settings']", () =>
  withKv(async (kv) => {
    const key = randomKey();
    const store = new KvStore("apps/acme", { kv, key });
    assert.equal(store.location, "kv://apps/acme");
    assert.equal(await store.load(), undefined);
    await store.save({ refreshToken: "refresh-secret-9876" });
    assert.deepEqual(await new KvStore("apps/acme", { kv, key }).load(), {
      refreshToken: "refresh-secret-9876",
    });
    const raw = await kv.get<Uint8Array>(["apps", "acme", "settings"]);
    assert.ok(raw.value instanceof Uint8Array);
    assert.deepEqual(
      Array.from(raw.value.slice(0, 8)),
      [0x89, 0x4d, 0x4b, 0x53, 0x0d, 0x0a, 0x1a, 0x0a],
    );
    assert.ok(
      !new TextDecoder("latin1").decode(raw.value).includes("refresh-secret"),
    );
    await store.delete();
    assert.equal(await store.load(), undefined);
    assert.equal((await kv.get(["apps", "acme", "settings"])).value, null);
  }));

Deno.test("KvStore: key from MONDAYKIT_SETTINGS_KEY, read on first use; without any key a TypeError names the variables", () =>
  withKv(async (kv) => {
    const key = randomKey();
    const asked: string[] = [];
    const env = (name: string) => {
      asked.push(name);
      return name === "MONDAYKIT_SETTINGS_KEY" ? key : undefined;
    };
    const store = new KvStore("p", { kv, env });
    assert.deepEqual(asked, []);
    await store.save({ a: 1 });
    assert.deepEqual(asked, ["MONDAYKIT_SETTINGS_KEY"]);
    assert.deepEqual(await new KvStore("p", { kv, key }).load(), { a: 1 });

    const keyless = new KvStore("p", { kv, env: fakeEnv() });
    const error = await keyless.load().catch((e) => e);
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /MONDAYKIT_SETTINGS_KEY/);
    assert.match(error.message, /MONDAYKIT_SETTINGS_PASSPHRASE/);
  }));

Deno.test("KvStore: passphrase key sources round trip (option, MONDAYKIT_SETTINGS_PASSPHRASE), and openSettingsStore takes a Deno.Kv handle", () =>
  withKv(async (kv) => {
    const passphrase = "kv passphrase for the test";
    const byOption = openSettingsStore("kv://pass/option", { kv, passphrase });
    assert.ok(byOption instanceof KvStore);
    await byOption.save({ token: "t-option" });
    const raw = await kv.get<Uint8Array>(["pass", "option", "settings"]);
    assert.equal(raw.value![9], 1, "passphrases use PBKDF2 (id 1)");
    assert.deepEqual(
      await new KvStore("pass/option", { kv, passphrase }).load(),
      { token: "t-option" },
    );
    await assert.rejects(
      new KvStore("pass/option", { kv, passphrase: "another one" }).load(),
      SettingsDecryptError,
    );

    const env = fakeEnv({ MONDAYKIT_SETTINGS_PASSPHRASE: passphrase });
    const byEnv = new KvStore("pass/env", { kv, env });
    await byEnv.save({ token: "t-env" });
    assert.deepEqual(
      await new KvStore("pass/env", { kv, passphrase }).load(),
      { token: "t-env" },
    );
    // The raw key variable comes first when both are set.
    const key = randomKey();
    const both = new KvStore("pass/both", {
      kv,
      env: fakeEnv({
        MONDAYKIT_SETTINGS_KEY: key,
        MONDAYKIT_SETTINGS_PASSPHRASE: passphrase,
      }),
    });
    await both.save({ token: "t-both" });
    assert.deepEqual(await new KvStore("pass/both", { kv, key }).load(), {
      token: "t-both",
    });
  }));

Deno.test("KvStore: the database is opened lazily, on first use, and only once", async () => {
  let opened = 0;
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new KvStore("lazy", {
      key: randomKey(),
      kv: () => {
        opened++;
        return Promise.resolve(kv);
      },
    });
    assert.equal(opened, 0);
    await store.load();
    await store.save({ x: 1 });
    assert.equal(opened, 1);
    store.close(); // a handle from a function is the caller's: still usable
    assert.equal(
      (await kv.get(["lazy", "settings"])).value instanceof Uint8Array,
      true,
    );
  } finally {
    kv.close();
  }
});

Deno.test("KvStore: opened from kv:// with a database path, close() closes the handle it opened", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.kv`;
  const key = randomKey();
  const store = openSettingsStore("kv://mondaykit/test", {
    kvPath: path,
    key,
  });
  assert.ok(store instanceof KvStore);
  await store.save({ persisted: true });
  store.close?.();
  await assert.rejects(store.load(), /the store is closed/);
  const kv = await Deno.openKv(path);
  try {
    const again = new KvStore("mondaykit/test", { kv, key });
    assert.deepEqual(await again.load(), { persisted: true });
  } finally {
    kv.close();
  }
});

Deno.test("KvStore: a save that lost a race throws SettingsConflictError and writes nothing", () =>
  withKv(async (kv) => {
    const key = randomKey();
    const a = new KvStore("race", { kv, key });
    const b = new KvStore("race", { kv, key });
    await a.save({ token: "v1" });
    assert.deepEqual(await a.load(), { token: "v1" });
    assert.deepEqual(await b.load(), { token: "v1" });
    await b.save({ token: "v2-from-b" });
    const error = await a.save({ token: "v2-from-a" }).catch((e) => e);
    assert.ok(error instanceof SettingsConflictError);
    assert.equal(error.location, "kv://race");
    assert.match(error.message, /load again and retry/);
    assert.deepEqual(await b.load(), { token: "v2-from-b" });
    // After loading again, a's save goes through.
    await a.load();
    await a.save({ token: "v3-from-a" });
    assert.deepEqual(await b.load(), { token: "v3-from-a" });
    // Delete checks too.
    await a.save({ token: "v4" });
    await assert.rejects(b.delete(), SettingsConflictError);
  }));

Deno.test("KvStore: withLock serialises 8 isolates' read-modify-write increments", () =>
  withKv(async (kv) => {
    const key = randomKey();
    const isolates = Array.from(
      { length: 8 },
      () => new KvStore("counter", { kv, key }),
    );
    await Promise.all(
      isolates.flatMap((store) =>
        Array.from({ length: 5 }, () =>
          store.withLock(async () => {
            const count = ((await store.load())?.count as number | undefined) ??
              0;
            await new Promise((resolve) => setTimeout(resolve, 1));
            await store.save({ count: count + 1 });
          }, { timeoutMs: 30_000 }))
      ),
    );
    assert.deepEqual(await isolates[0]!.load(), { count: 40 });
    assert.equal((await kv.get(["counter", "lock"])).value, null, "released");
  }));

Deno.test("KvStore: a live lease blocks withLock until timeout; an expired one is taken over", () =>
  withKv(async (kv) => {
    let now = 1_000_000;
    const store = new KvStore("leased", {
      kv,
      key: randomKey(),
      leaseMs: 60_000,
      now: () => now,
    });
    // Another isolate holds the lease (and perhaps died).
    await kv.set(["leased", "lock"], {
      owner: "other",
      expiresAt: now + 60_000,
    });
    let ran = false;
    const error = await store.withLock(() => {
      ran = true;
      return Promise.resolve();
    }, { timeoutMs: 30 }).catch((e) => e);
    assert.ok(error instanceof LockTimeoutError);
    assert.equal(error.lockPath, "kv://leased/lock");
    assert.match(error.message, /another process holds it/);
    assert.equal(ran, false);
    now += 60_001;
    assert.equal(await store.withLock(() => Promise.resolve("taken")), "taken");
  }));

Deno.test("KvStore: a nested withLock times out saying withLock calls do not nest", () =>
  withKv(async (kv) => {
    const store = new KvStore("nested", { kv, key: randomKey() });
    const inner = await store.withLock(() =>
      store.withLock(() => Promise.resolve(), { timeoutMs: 10 }).catch((e) => e)
    );
    assert.ok(inner instanceof LockTimeoutError);
    assert.equal(inner.lockPath, "kv://nested/lock");
    assert.match(inner.message, /withLock calls do not nest/);
    assert.equal(await store.withLock(() => Promise.resolve("free")), "free");
  }));

Deno.test("KvStore: a holder whose lease expired cannot save over the new holder", () =>
  withKv(async (kv) => {
    let now = 0;
    const key = randomKey();
    // Long leases: no renewal fires during the test (every 20 s).
    const slow = new KvStore("lost", {
      kv,
      key,
      leaseMs: 60_000,
      now: () => now,
    });
    const fast = new KvStore("lost", {
      kv,
      key,
      leaseMs: 60_000,
      now: () => now,
    });
    await slow.save({ token: "v1" });
    const error = await slow.withLock(async () => {
      await slow.load();
      now += 60_001; // the lease runs out while the slow holder stalls
      await fast.withLock(async () => {
        await fast.load();
        await fast.save({ token: "from-fast" });
      }, { timeoutMs: 1_000 });
      // The value changed and the lease is gone: the save must not win.
      await slow.save({ token: "from-slow" });
    }).catch((e) => e);
    assert.ok(error instanceof SettingsConflictError);
    assert.deepEqual(await fast.load(), { token: "from-fast" });
  }));

Deno.test("KvStore: a save checks its lease even when the value did not change", () =>
  withKv(async (kv) => {
    let now = 0;
    const key = randomKey();
    const store = new KvStore("lease-only", {
      kv,
      key,
      leaseMs: 60_000,
      now: () => now,
    });
    const error = await store.withLock(async () => {
      await store.load();
      now += 60_001;
      // Someone else takes the expired lease but writes nothing yet.
      await kv.set(["lease-only", "lock"], {
        owner: "other",
        expiresAt: now + 60_000,
      });
      await store.save({ token: "late" });
    }).catch((e) => e);
    assert.ok(error instanceof SettingsConflictError);
    assert.match(error.message, /lease/);
    assert.equal(await store.load(), undefined);
  }));

Deno.test("KvStore fails closed: foreign values and wrong keys have their own errors and are left untouched", () =>
  withKv(async (kv) => {
    await kv.set(["foreign", "settings"], "plain text");
    const foreign = new KvStore("foreign", { kv, key: randomKey() });
    const formatError = await foreign.load().catch((e) => e);
    assert.ok(formatError instanceof SettingsFormatError);
    assert.equal(formatError.reason, "notSettingsFile");
    assert.equal(formatError.location, "kv://foreign");
    await assert.rejects(foreign.save({ a: 1 }), SettingsFormatError);
    await assert.rejects(foreign.delete(), SettingsFormatError);
    assert.equal((await kv.get(["foreign", "settings"])).value, "plain text");

    await new KvStore("keyed", { kv, key: randomKey() }).save({ a: 1 });
    const before = (await kv.get(["keyed", "settings"])).value;
    const wrong = new KvStore("keyed", { kv, key: randomKey() });
    await assert.rejects(wrong.load(), SettingsDecryptError);
    await assert.rejects(wrong.save({ a: 2 }), SettingsDecryptError);
    await assert.rejects(wrong.delete(), SettingsDecryptError);
    assert.deepEqual((await kv.get(["keyed", "settings"])).value, before);
    await wrong.delete({ force: true });
    assert.equal((await kv.get(["keyed", "settings"])).value, null);
  }));

Deno.test("KvStore: bad arguments are TypeError/RangeError; records over the KV value limit are refused", () =>
  withKv(async (kv) => {
    assert.throws(() => new KvStore("", { kv, key: randomKey() }), TypeError);
    assert.throws(
      () => new KvStore("///", { kv, key: randomKey() }),
      TypeError,
    );
    assert.throws(
      () => new KvStore("p", { kv, key: randomKey(), leaseMs: 0 }),
      RangeError,
    );
    const store = new KvStore("big", { kv, key: randomKey() });
    await assert.rejects(
      store.save({ blob: "x".repeat(70_000) }),
      /value limit/,
    );
    assert.equal(await store.load(), undefined);
  }));

Deno.test("KvStore: the lease is renewed while the critical section runs", () =>
  withKv(async (kv) => {
    let now = 0;
    const key = randomKey();
    const options = { kv, key, leaseMs: 300, now: () => now };
    const holder = new KvStore("renewed", options);
    const rival = new KvStore("renewed", options);
    const result = await holder.withLock(async () => {
      await holder.load();
      now += 250; // close to expiry (300) by the shared clock
      // Wait (really) until the holder has renewed: expiresAt moves past 300.
      for (let i = 0; i < 200; i++) {
        const lease = await kv.get<{ expiresAt: number }>(["renewed", "lock"]);
        if ((lease.value?.expiresAt ?? 0) > 300) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      now += 250; // the first lease would have expired at 300
      const blocked = await rival.withLock(() => Promise.resolve(), {
        timeoutMs: 20,
      }).catch((e) => e);
      assert.ok(blocked instanceof LockTimeoutError, String(blocked));
      await holder.save({ token: "kept" });
      return "done";
    });
    assert.equal(result, "done");
    assert.deepEqual(await rival.load(), { token: "kept" });
    assert.equal((await kv.get(["renewed", "lock"])).value, null);
  }));

Deno.test("KvStore: 8 processes sharing a local KV database lose no increment", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/shared.kv`;
  const key = randomKey();
  const worker = fromFileUrl(new URL("./_kv_lock_worker.ts", import.meta.url));
  const outputs = await Promise.all(
    Array.from({ length: 8 }, () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-lock",
          "--unstable-kv",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          worker,
          path,
          "5",
        ],
        env: { MONDAYKIT_SETTINGS_KEY: key },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output()),
  );
  for (const output of outputs) {
    assert.equal(
      output.code,
      0,
      `a worker failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const kv = await Deno.openKv(path);
  try {
    assert.deepEqual(await new KvStore("shared", { kv, key }).load(), {
      count: 40,
    });
  } finally {
    kv.close();
  }
});
