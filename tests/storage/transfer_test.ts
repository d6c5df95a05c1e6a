import assert from "node:assert/strict";
import {
  EncryptedFileStore,
  exportSettings,
  importSettings,
  KvStore,
  MemoryStore,
  SettingsDecryptError,
  SettingsFormatError,
} from "../../storage/mod.ts";
import { randomKey, tempDir } from "./_helpers.ts";

Deno.test("exportSettings/importSettings: a file under one key moves to a file under another", async () => {
  await using dir = await tempDir();
  const record = { refreshToken: "r-secret-1", accessToken: "a-secret-2" };
  const sourceKey = randomKey();
  const source = new EncryptedFileStore(`${dir.path}/desktop.bin`, {
    key: sourceKey,
  });
  await source.save(record);
  const passphrase = "transfer passphrase 42";
  const blob = await exportSettings(source, passphrase);

  // The blob is the settings format under PBKDF2 (id 1), without plaintext.
  assert.equal(blob[9], 1);
  assert.equal(new DataView(blob.buffer).getUint32(10), 600_000);
  assert.ok(!new TextDecoder("latin1").decode(blob).includes("secret"));

  const destinationKey = randomKey();
  const destination = new EncryptedFileStore(`${dir.path}/server.bin`, {
    key: destinationKey,
  });
  await importSettings(destination, blob, passphrase);
  assert.deepEqual(
    await new EncryptedFileStore(`${dir.path}/server.bin`, {
      key: destinationKey,
    }).load(),
    record,
  );
  // Saved under the destination's key, not the transfer passphrase.
  assert.equal((await Deno.readFile(`${dir.path}/server.bin`))[9], 2);

  // A wrong passphrase or a damaged blob is refused, destination untouched.
  const before = await Deno.readFile(`${dir.path}/server.bin`);
  await assert.rejects(
    importSettings(destination, blob, "wrong passphrase"),
    (e: unknown) =>
      e instanceof SettingsDecryptError && e.location === "transfer blob" &&
      !e.message.includes("wrong passphrase"),
  );
  await assert.rejects(
    importSettings(destination, blob.slice(0, 40), passphrase),
    (e: unknown) =>
      e instanceof SettingsFormatError && e.reason === "truncated",
  );
  await assert.rejects(
    importSettings(destination, new TextEncoder().encode("hello"), passphrase),
    (e: unknown) =>
      e instanceof SettingsFormatError && e.reason === "notSettingsFile",
  );
  assert.deepEqual(await Deno.readFile(`${dir.path}/server.bin`), before);
});

Deno.test("importSettings: into Deno KV, under the store's key", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const source = new MemoryStore(crypto.randomUUID());
    await source.save({ token: "t" });
    const blob = await exportSettings(source, "kv transfer");
    const key = randomKey();
    await importSettings(new KvStore("dest", { kv, key }), blob, "kv transfer");
    assert.deepEqual(await new KvStore("dest", { kv, key }).load(), {
      token: "t",
    });
  } finally {
    kv.close();
  }
});

Deno.test("exportSettings: nothing stored, or an empty passphrase, is an error", async () => {
  const empty = new MemoryStore(crypto.randomUUID());
  await assert.rejects(exportSettings(empty, "p"), /nothing is stored/);
  await empty.save({ a: 1 });
  await assert.rejects(exportSettings(empty, ""), TypeError);
  await assert.rejects(
    exportSettings(empty, "p", { iterations: 10 }),
    RangeError,
  );
  await assert.rejects(
    importSettings(empty, "blob" as unknown as Uint8Array, "p"),
    TypeError,
  );
});

Deno.test("importSettings: never overwrites a destination it cannot read", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  await new EncryptedFileStore(path, { key: randomKey() }).save({ old: 1 });
  const before = await Deno.readFile(path);
  const source = new MemoryStore(crypto.randomUUID());
  await source.save({ fresh: 1 });
  const blob = await exportSettings(source, "passphrase");
  const destination = new EncryptedFileStore(path, { key: randomKey() });
  await assert.rejects(
    importSettings(destination, blob, "passphrase"),
    SettingsDecryptError,
  );
  assert.deepEqual(await Deno.readFile(path), before);
});
