import assert from "node:assert/strict";
import {
  EncryptedFileStore,
  SettingsDecryptError,
  SettingsFormatError,
} from "../../storage/mod.ts";
import { fakeEnv, isWindows, modeOf, randomKey, tempDir } from "./_helpers.ts";

const HEADER = 46;

Deno.test("EncryptedFileStore: load before any save is undefined and creates nothing", async () => {
  await using dir = await tempDir();
  const store = new EncryptedFileStore(`${dir.path}/new/settings.bin`, {
    key: randomKey(),
  });
  assert.equal(await store.load(), undefined);
  await assert.rejects(Deno.stat(`${dir.path}/new`), Deno.errors.NotFound);
});

Deno.test("EncryptedFileStore: round trip with a raw key; a new instance reads it back", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const key = randomKey();
  const record = {
    accessToken: "access-secret-1234",
    nested: { list: [1, "two", null], flag: true },
    unicode: "Grüße ✓",
  };
  await new EncryptedFileStore(path, { key }).save(record);
  assert.deepEqual(await new EncryptedFileStore(path, { key }).load(), record);
  const bytes = await Deno.readFile(path);
  assert.equal(bytes[9], 2, "raw keys use HKDF (id 2)");
  assert.ok(
    !new TextDecoder("latin1").decode(bytes).includes("access-secret"),
    "the plaintext must not be on disk",
  );
});

Deno.test({
  name:
    "EncryptedFileStore: file is 0600, created directories 0700, existing directory untouched",
  ignore: isWindows,
}, async () => {
  await using dir = await tempDir();
  await Deno.chmod(dir.path, 0o755);
  const path = `${dir.path}/a/b/settings.bin`;
  const store = new EncryptedFileStore(path, { key: randomKey() });
  await store.save({ x: 1 });
  assert.equal(await modeOf(path), 0o600);
  assert.equal(await modeOf(`${dir.path}/a`), 0o700);
  assert.equal(await modeOf(`${dir.path}/a/b`), 0o700);
  assert.equal(await modeOf(dir.path), 0o755);
  // A file replaced by a save with looser permissions is 0600 again.
  await Deno.chmod(path, 0o644);
  await store.save({ x: 2 });
  assert.equal(await modeOf(path), 0o600);
  await store.withLock(() => Promise.resolve());
  assert.equal(await modeOf(`${path}.lock`), 0o600);
});

Deno.test("EncryptedFileStore: every save uses a fresh IV and leaves no temp files", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const store = new EncryptedFileStore(path, { key: randomKey() });
  const ivs = new Set<string>();
  for (let i = 0; i < 20; i++) {
    await store.save({ same: "record" });
    const bytes = await Deno.readFile(path);
    ivs.add(bytes.slice(30, 42).join(","));
  }
  assert.equal(ivs.size, 20);
  const names = [];
  for await (const entry of Deno.readDir(dir.path)) names.push(entry.name);
  assert.deepEqual(names, ["settings.bin"]);
});

Deno.test("EncryptedFileStore: a save removes temp files a killed writer left over an hour ago, and no others", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const stale = `${dir.path}/.settings.bin.00112233aabbccdd.tmp`;
  const recent = `${dir.path}/.settings.bin.44556677aabbccdd.tmp`;
  const otherFile = `${dir.path}/.other.bin.8899aabbccddeeff.tmp`;
  const unrelated = `${dir.path}/.settings.bin.notes.tmp`;
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
  for (const file of [stale, recent, otherFile, unrelated]) {
    await Deno.writeFile(file, new Uint8Array([1, 2, 3]));
    if (file !== recent) await Deno.utime(file, twoHoursAgo, twoHoursAgo);
  }
  await new EncryptedFileStore(path, { key: randomKey() }).save({ x: 1 });
  const names = [];
  for await (const entry of Deno.readDir(dir.path)) names.push(entry.name);
  assert.deepEqual(names.sort(), [
    ".other.bin.8899aabbccddeeff.tmp",
    ".settings.bin.44556677aabbccdd.tmp",
    ".settings.bin.notes.tmp",
    "settings.bin",
  ]);
});

Deno.test("EncryptedFileStore: a directory given as the settings path is a TypeError naming it; even a forced delete leaves it", async () => {
  await using dir = await tempDir();
  const store = new EncryptedFileStore(dir.path, { key: randomKey() });
  for (
    const attempt of [
      () => store.load(),
      () => store.save({ x: 1 }),
      () => store.delete(),
      () => store.delete({ force: true }),
    ]
  ) {
    const error = await attempt().then(() => undefined, (e) => e);
    assert.ok(error instanceof TypeError, String(error));
    assert.ok(error.message.includes(`'${dir.path}'`), error.message);
    assert.match(
      error.message,
      /is a directory: give the settings file's path/,
    );
  }
  assert.ok((await Deno.stat(dir.path)).isDirectory);
});

Deno.test("EncryptedFileStore: a passphrase round trip at the real PBKDF2 cost (600,000 iterations)", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const passphrase = "correct horse battery staple";
  const writer = new EncryptedFileStore(path, { passphrase });
  await writer.save({ refreshToken: "r-1" });
  const salt = (await Deno.readFile(path)).slice(14, 30);
  await writer.save({ refreshToken: "r-2" });
  const bytes = await Deno.readFile(path);
  // The derived key is cached: the second save kept the salt (no new PBKDF2).
  assert.deepEqual(bytes.slice(14, 30), salt);
  const view = new DataView(bytes.buffer);
  assert.equal(bytes[9], 1, "passphrases use PBKDF2 (id 1)");
  assert.equal(view.getUint32(10), 600_000);
  // A fresh store derives the key from the salt in the header.
  const reader = new EncryptedFileStore(path, { passphrase });
  assert.deepEqual(await reader.load(), { refreshToken: "r-2" });
  // A store that read the file reuses its salt and key when it saves.
  await reader.save({ refreshToken: "r-3" });
  assert.deepEqual((await Deno.readFile(path)).slice(14, 30), salt);
  assert.deepEqual(await writer.load(), { refreshToken: "r-3" });
  // The wrong passphrase fails closed.
  const wrong = new EncryptedFileStore(path, {
    passphrase: "correct horse battery stapler",
  });
  const error = await wrong.load().catch((e) => e);
  assert.ok(error instanceof SettingsDecryptError);
  assert.ok(!error.message.includes("stapl"), "no passphrase in messages");
});

Deno.test("EncryptedFileStore: iterations below 600,000 or above 10,000,000 are refused", () => {
  assert.throws(
    () =>
      new EncryptedFileStore("/x/s.bin", { passphrase: "p", iterations: 1000 }),
    RangeError,
  );
  assert.throws(
    () =>
      new EncryptedFileStore("/x/s.bin", {
        passphrase: "p",
        iterations: 20_000_000,
      }),
    RangeError,
  );
});

Deno.test("EncryptedFileStore: MONDAYKIT_SETTINGS_KEY is used, read only when a key is needed", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const key = randomKey();
  const asked: string[] = [];
  const env = (name: string) => {
    asked.push(name);
    return name === "MONDAYKIT_SETTINGS_KEY" ? key : undefined;
  };
  const store = new EncryptedFileStore(path, { env });
  assert.deepEqual(asked, [], "no environment access at construction");
  await store.save({ a: 1 });
  assert.deepEqual(asked, ["MONDAYKIT_SETTINGS_KEY"]);
  await store.load();
  assert.deepEqual(asked, ["MONDAYKIT_SETTINGS_KEY"], "resolved once");
  // The same key given explicitly reads the file.
  assert.deepEqual(await new EncryptedFileStore(path, { key }).load(), {
    a: 1,
  });
});

Deno.test("EncryptedFileStore: key sources in order: option, MONDAYKIT_SETTINGS_KEY, MONDAYKIT_SETTINGS_PASSPHRASE, key file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const optionKey = randomKey();
  const envKey = randomKey();
  const env = fakeEnv({
    MONDAYKIT_SETTINGS_KEY: envKey,
    MONDAYKIT_SETTINGS_PASSPHRASE: "not used",
    HOME: `${dir.path}/home`,
  });
  // The explicit option wins over the environment.
  await new EncryptedFileStore(path, { key: optionKey, env }).save({ by: 1 });
  assert.deepEqual(
    await new EncryptedFileStore(path, { key: optionKey }).load(),
    {
      by: 1,
    },
  );
  await Deno.remove(path);
  // The key variable wins over the passphrase variable (HKDF, not PBKDF2).
  await new EncryptedFileStore(path, { env }).save({ by: 2 });
  assert.equal((await Deno.readFile(path))[9], 2);
  assert.deepEqual(await new EncryptedFileStore(path, { key: envKey }).load(), {
    by: 2,
  });
  // No key file was created while a variable was set.
  await assert.rejects(Deno.stat(`${dir.path}/home`), Deno.errors.NotFound);
});

Deno.test("EncryptedFileStore: MONDAYKIT_SETTINGS_PASSPHRASE is used when no key variable is set", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const env = fakeEnv({ MONDAYKIT_SETTINGS_PASSPHRASE: "env passphrase" });
  const store = new EncryptedFileStore(path, { env });
  await store.save({ by: "env passphrase" });
  assert.equal((await Deno.readFile(path))[9], 1);
  assert.deepEqual(await store.load(), { by: "env passphrase" });
});

Deno.test("EncryptedFileStore: with no key configured, a key file is created on first use (0600) and reused", async () => {
  await using dir = await tempDir();
  const home = `${dir.path}/home`;
  const env = fakeEnv({ HOME: home });
  const path = `${dir.path}/data/settings.bin`;
  await new EncryptedFileStore(path, { env }).save({ token: "t" });
  const keyFile = Deno.build.os === "darwin"
    ? `${home}/Library/Application Support/mondaykit/settings.key`
    : `${home}/.config/mondaykit/settings.key`;
  const text = await Deno.readTextFile(keyFile);
  assert.match(text, /^[A-Za-z0-9+/]{43}=\n$/);
  if (!isWindows) {
    assert.equal(await modeOf(keyFile), 0o600);
    assert.equal(await modeOf(`${home}/.config`), 0o700);
  }
  // Another store (another run) finds the same key file.
  assert.deepEqual(await new EncryptedFileStore(path, { env }).load(), {
    token: "t",
  });
  // The key file holds the raw key: it decrypts the file as an explicit key.
  assert.deepEqual(
    await new EncryptedFileStore(path, { key: text.trim() }).load(),
    { token: "t" },
  );
});

Deno.test("EncryptedFileStore: an explicit keyFile is created once and shared; a corrupt key file is a SettingsFormatError", async () => {
  await using dir = await tempDir();
  const keyFile = `${dir.path}/keys/my.key`;
  const path = `${dir.path}/settings.bin`;
  const stores = Array.from(
    { length: 4 },
    () => new EncryptedFileStore(path, { keyFile, env: fakeEnv() }),
  );
  // Concurrent first use: one key file wins, all stores agree on it.
  await Promise.all(stores.map((store) => store.load()));
  await stores[0]!.save({ shared: true });
  for (const store of stores) {
    assert.deepEqual(await store.load(), { shared: true });
  }
  if (!isWindows) assert.equal(await modeOf(keyFile), 0o600);

  await Deno.writeTextFile(`${dir.path}/bad.key`, "not a key\n");
  const error = await new EncryptedFileStore(path, {
    keyFile: `${dir.path}/bad.key`,
  }).load().catch((e) => e);
  assert.ok(error instanceof SettingsFormatError);
  assert.equal(error.reason, "badKey");
  assert.equal(error.location, `${dir.path}/bad.key`);
});

Deno.test("EncryptedFileStore: bad key options are TypeErrors that never echo the value", () => {
  assert.throws(
    () => new EncryptedFileStore("/x/s.bin", { key: "c2hvcnQ=" }),
    (e: unknown) =>
      e instanceof TypeError && /32 bytes/.test(e.message) &&
      !e.message.includes("c2hvcnQ"),
  );
  assert.throws(
    () =>
      new EncryptedFileStore("/x/s.bin", { key: randomKey(), passphrase: "p" }),
    /more than one key source: got 'key' and 'passphrase'/,
  );
  assert.throws(
    () => new EncryptedFileStore("/x/s.bin", { passphrase: "" }),
    TypeError,
  );
  assert.throws(() => new EncryptedFileStore(""), TypeError);
});

Deno.test("EncryptedFileStore: an invalid MONDAYKIT_SETTINGS_KEY names the variable, not the value", async () => {
  await using dir = await tempDir();
  const store = new EncryptedFileStore(`${dir.path}/s.bin`, {
    env: fakeEnv({ MONDAYKIT_SETTINGS_KEY: "secret-but-wrong-length" }),
  });
  const error = await store.save({ a: 1 }).catch((e) => e);
  assert.ok(error instanceof TypeError);
  assert.match(error.message, /MONDAYKIT_SETTINGS_KEY/);
  assert.ok(!error.message.includes("secret-but"));
  await assert.rejects(Deno.stat(`${dir.path}/s.bin`), Deno.errors.NotFound);
});

Deno.test("EncryptedFileStore: a record that is not a JSON object is a TypeError and writes nothing", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/s.bin`;
  const store = new EncryptedFileStore(path, { key: randomKey() });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (
    const bad of [
      cyclic,
      { big: 1n },
      [1, 2] as unknown as Record<string, unknown>,
      null as unknown as Record<string, unknown>,
    ]
  ) {
    await assert.rejects(store.save(bad), TypeError);
  }
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
});

Deno.test("EncryptedFileStore: delete removes the file; deleting nothing is fine", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/s.bin`;
  const store = new EncryptedFileStore(path, { key: randomKey() });
  await store.save({ a: 1 });
  await store.delete();
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  assert.equal(await store.load(), undefined);
  await store.delete();
});

Deno.test("EncryptedFileStore: an aborted signal stops load, save and delete before they touch the file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/s.bin`;
  const store = new EncryptedFileStore(path, { key: randomKey() });
  await store.save({ keep: 1 });
  const before = await Deno.readFile(path);
  const signal = AbortSignal.abort(new Error("cancelled"));
  await assert.rejects(store.load({ signal }), /cancelled/);
  await assert.rejects(store.save({ keep: 2 }, { signal }), /cancelled/);
  await assert.rejects(store.delete({ signal }), /cancelled/);
  assert.deepEqual(await Deno.readFile(path), before);
});

Deno.test("EncryptedFileStore: inspecting a store shows no key or passphrase", () => {
  const key = randomKey();
  const text = Deno.inspect(
    [
      new EncryptedFileStore("/x/a.bin", { key }),
      new EncryptedFileStore("/x/b.bin", { passphrase: "hunter2-passphrase" }),
    ],
    { depth: 10, showHidden: true },
  );
  assert.ok(!text.includes(key));
  assert.ok(!text.includes("hunter2"));
});

// ---- Failure modes: each has its own error, and the file stays byte-for-byte.

interface Case {
  name: string;
  /** Makes the bad file from a good one (raw-key file). */
  corrupt: (good: Uint8Array) => Uint8Array;
  /** The store that reads it (defaults to one with the right key). */
  reader?: (path: string, key: string) => EncryptedFileStore;
  check: (error: unknown) => void;
}

function formatReason(reason: string): (error: unknown) => void {
  return (error) => {
    assert.ok(error instanceof SettingsFormatError, String(error));
    assert.equal(error.reason, reason);
  };
}

const cases: Case[] = [
  {
    name: "not a settings file",
    corrupt: () => new TextEncoder().encode('{"accessToken":"plain json"}\n'),
    check: formatReason("notSettingsFile"),
  },
  {
    name: "empty file",
    corrupt: () => new Uint8Array(0),
    check: formatReason("truncated"),
  },
  {
    name: "unsupported version",
    corrupt: (good) => {
      const bad = good.slice();
      bad[8] = 2;
      return bad;
    },
    check: (error) => {
      formatReason("unsupportedVersion")(error);
      assert.match((error as Error).message, /version 2.*upgrade mondaykit/);
    },
  },
  {
    name: "truncated in the header",
    corrupt: (good) => good.slice(0, 20),
    check: formatReason("truncated"),
  },
  {
    name: "truncated in the ciphertext",
    corrupt: (good) => good.slice(0, good.length - 1),
    check: formatReason("truncated"),
  },
  {
    name: "absurd PBKDF2 iteration count (refused before any derivation)",
    corrupt: (good) => {
      const bad = good.slice();
      bad[9] = 1;
      new DataView(bad.buffer).setUint32(10, 0xffffffff);
      return bad;
    },
    reader: (path) => new EncryptedFileStore(path, { passphrase: "p" }),
    check: formatReason("badParameters"),
  },
  {
    name: "wrong key",
    corrupt: (good) => good,
    reader: (path) => new EncryptedFileStore(path, { key: randomKey() }),
    check: (error) => {
      assert.ok(error instanceof SettingsDecryptError, String(error));
      assert.match(error.message, /wrong key or the data was modified/);
    },
  },
  {
    name: "tampered ciphertext",
    corrupt: (good) => {
      const bad = good.slice();
      bad[HEADER + 3]! ^= 0x01;
      return bad;
    },
    check: (error) => assert.ok(error instanceof SettingsDecryptError),
  },
  {
    name: "raw-key file read with a passphrase",
    corrupt: (good) => good,
    reader: (path) =>
      new EncryptedFileStore(path, { passphrase: "some passphrase" }),
    check: (error) => {
      assert.ok(error instanceof SettingsDecryptError, String(error));
      assert.match(error.message, /encrypted with a raw key/);
    },
  },
];

for (const c of cases) {
  Deno.test(`EncryptedFileStore fails closed: ${c.name}; load, save and delete leave the file byte-for-byte`, async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/settings.bin`;
    const key = randomKey();
    await new EncryptedFileStore(path, { key }).save({ token: "t-1234" });
    const bad = c.corrupt(await Deno.readFile(path));
    await Deno.writeFile(path, bad);
    const store = c.reader?.(path, key) ??
      new EncryptedFileStore(path, { key });

    const loadError = await store.load().catch((e) => e);
    c.check(loadError);
    assert.equal(loadError.location, path);
    assert.ok(loadError.message.includes(path), "the message names the path");
    assert.match(loadError.message, /restore it from a backup|move it aside/);
    assert.ok(!loadError.message.includes(key));

    c.check(await store.save({ token: "new" }).catch((e) => e));
    c.check(await store.delete().catch((e) => e));
    assert.deepEqual(await Deno.readFile(path), bad);
    const names = [];
    for await (const entry of Deno.readDir(dir.path)) names.push(entry.name);
    assert.deepEqual(names, ["settings.bin"], "no temp files left behind");

    // The way out: a forced delete.
    await store.delete({ force: true });
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
}

Deno.test("EncryptedFileStore tamper test: flipping any single byte of a saved file fails, and the file is kept", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const key = randomKey();
  const store = new EncryptedFileStore(path, { key });
  await store.save({ refreshToken: "r-abcdef", expiresAt: 1_700_000_000 });
  const good = await Deno.readFile(path);
  const decryptErrors = new Set<number>();
  for (let i = 0; i < good.length; i++) {
    const bad = good.slice();
    bad[i]! ^= 0xff;
    await Deno.writeFile(path, bad);
    const error = await store.load().then(
      (record) =>
        new Error(`byte ${i} flipped still loaded ${JSON.stringify(record)}`),
      (e) => e,
    );
    assert.ok(
      error instanceof SettingsDecryptError ||
        error instanceof SettingsFormatError,
      `byte ${i}: ${error}`,
    );
    if (error instanceof SettingsDecryptError) decryptErrors.add(i);
    assert.deepEqual(await Deno.readFile(path), bad);
  }
  // Salt, IV, ciphertext and tag are covered by authentication alone.
  for (let i = 14; i < 42; i++) assert.ok(decryptErrors.has(i), `byte ${i}`);
  for (let i = HEADER; i < good.length; i++) {
    assert.ok(decryptErrors.has(i), `byte ${i}`);
  }
  await Deno.writeFile(path, good);
  assert.deepEqual(await store.load(), {
    refreshToken: "r-abcdef",
    expiresAt: 1_700_000_000,
  });
});

Deno.test("EncryptedFileStore: a settings file whose key file is missing is refused, and no new key file is made", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/settings.bin`;
  const keyFile = `${dir.path}/settings.key`;
  await new EncryptedFileStore(path, { keyFile }).save({ token: "t" });
  const before = await Deno.readFile(path);
  // The settings file travels to a machine without the key file.
  await Deno.remove(keyFile);
  const store = new EncryptedFileStore(path, { keyFile });
  const error = await store.load().catch((e) => e);
  assert.ok(error instanceof SettingsDecryptError, String(error));
  assert.equal(error.location, path);
  assert.match(error.message, /key file '.*settings\.key' does not exist/);
  await assert.rejects(store.save({ token: "u" }), SettingsDecryptError);
  await assert.rejects(Deno.stat(keyFile), Deno.errors.NotFound);
  assert.deepEqual(await Deno.readFile(path), before);
});
