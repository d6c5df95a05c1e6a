import assert from "node:assert/strict";
import {
  EncryptedFileStore,
  KvStore,
  MemoryStore,
  openSettingsStore,
} from "../../storage/mod.ts";
import { fakeEnv, randomKey, tempDir } from "./_helpers.ts";

Deno.test("openSettingsStore: picks the store from the location string", () => {
  const memory = openSettingsStore("memory://shared-id");
  assert.ok(memory instanceof MemoryStore);
  assert.equal(memory.location, "memory://shared-id");
  assert.equal(openSettingsStore("memory://").location, "memory://default");

  const kv = openSettingsStore("kv://a/b", { key: randomKey() });
  assert.ok(kv instanceof KvStore);
  assert.equal(kv.location, "kv://a/b");

  const file = openSettingsStore("/var/lib/app/settings.bin", {
    key: randomKey(),
  });
  assert.ok(file instanceof EncryptedFileStore);
  assert.equal(file.location, "/var/lib/app/settings.bin");

  if (Deno.build.os !== "windows") {
    const url = openSettingsStore("file:///var/lib/my%20app/s.bin");
    assert.equal(url.location, "/var/lib/my app/s.bin");
    const home = openSettingsStore("~/creds/s.bin", {
      env: fakeEnv({ HOME: "/home/ada" }),
    });
    assert.equal(home.location, "/home/ada/creds/s.bin");
  }
  assert.equal(openSettingsStore("relative/s.bin").location, "relative/s.bin");
});

Deno.test("openSettingsStore: rejects empty locations and unknown schemes", () => {
  assert.throws(() => openSettingsStore(""), TypeError);
  assert.throws(
    () => openSettingsStore("https://example.com/settings"),
    /unsupported scheme/,
  );
  assert.throws(() => openSettingsStore("~/x", { env: fakeEnv() }), /HOME/);
  assert.throws(() => openSettingsStore("memory://%E0"), /percent-encoding/);
});

Deno.test("openSettingsStore: opening does no I/O; the file store works end to end", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/sub/settings.bin`;
  const store = openSettingsStore(path, { key: randomKey() });
  await assert.rejects(Deno.stat(`${dir.path}/sub`), Deno.errors.NotFound);
  await store.save({ ok: true });
  assert.deepEqual(await store.load(), { ok: true });
});
