import assert from "node:assert/strict";
import {
  EncryptedFileStore,
  exportSettings,
  importSettings,
  KvStore,
  MemoryStore,
  MIN_TRANSFER_PASSPHRASE_LENGTH,
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
    const blob = await exportSettings(source, "kv transfer passphrase");
    const key = randomKey();
    await importSettings(
      new KvStore("dest", { kv, key }),
      blob,
      "kv transfer passphrase",
    );
    assert.deepEqual(await new KvStore("dest", { kv, key }).load(), {
      token: "t",
    });
  } finally {
    kv.close();
  }
});

Deno.test("exportSettings: nothing stored, or an empty passphrase, is an error", async () => {
  const empty = new MemoryStore(crypto.randomUUID());
  const long = "a passphrase long enough";
  await assert.rejects(exportSettings(empty, long), /nothing is stored/);
  await empty.save({ a: 1 });
  await assert.rejects(exportSettings(empty, ""), TypeError);
  await assert.rejects(
    exportSettings(empty, long, { iterations: 10 }),
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
  const blob = await exportSettings(source, "transfer passphrase");
  const destination = new EncryptedFileStore(path, { key: randomKey() });
  await assert.rejects(
    importSettings(destination, blob, "transfer passphrase"),
    SettingsDecryptError,
  );
  assert.deepEqual(await Deno.readFile(path), before);
});

Deno.test("exportSettings: a passphrase under 15 characters is a RangeError naming the input; nothing is read", async () => {
  const source = new MemoryStore(crypto.randomUUID());
  await source.save({ refreshToken: "r1" });
  let loads = 0;
  const counting = Object.assign(Object.create(source), {
    load: (options?: { signal?: AbortSignal }) => {
      loads++;
      return source.load(options);
    },
  });
  for (
    const short of [
      "p",
      "swordfish",
      "fourteen chars",
      "caf\u0065\u0301 fourteen",
    ]
  ) {
    await assert.rejects(
      exportSettings(counting, short),
      (error: unknown) =>
        error instanceof RangeError &&
        /^Invalid transfer passphrase: expected at least 15 characters, got \d+/
          .test(error.message) &&
        (short.length < 5 || !error.message.includes(short)),
      short,
    );
  }
  assert.equal(MIN_TRANSFER_PASSPHRASE_LENGTH, 15);
  assert.equal(loads, 0, "refused before the store is read");
  // 15 characters, counted as code points after NFC ("é" written as e + U+0301 is one).
  const blob = await exportSettings(counting, "caf\u0065\u0301 fifteen ch");
  assert.equal(loads, 1);
  // Importing does not check the length (blobs made before the rule still import).
  await assert.rejects(
    importSettings(new MemoryStore(crypto.randomUUID()), blob, "short"),
    SettingsDecryptError,
  );
});
