// Conformance with docs/settings-format.md: an independent writer built from
// the specification alone produces data the stores read, and the reader's
// checks give the documented errors.

import assert from "node:assert/strict";
import {
  EncryptedFileStore,
  exportSettings,
  MemoryStore,
  SettingsDecryptError,
  SettingsFormatError,
} from "../../storage/mod.ts";
import { tempDir } from "./_helpers.ts";

const MAGIC = [0x89, 0x4d, 0x4b, 0x53, 0x0d, 0x0a, 0x1a, 0x0a];

interface SpecOptions {
  version?: number;
  kdf?: number;
  parameter?: number;
  plaintext?: string;
  trailing?: number;
}

/** Writes the format from the spec, with a raw key (HKDF). */
async function specWrite(
  rawKey: Uint8Array<ArrayBuffer>,
  options: SpecOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(
    options.plaintext ?? '{"from":"spec"}',
  );
  const header = new Uint8Array(46);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  view.setUint8(8, options.version ?? 1);
  view.setUint8(9, options.kdf ?? 2);
  view.setUint32(10, options.parameter ?? 0);
  header.set(salt, 14);
  header.set(iv, 30);
  view.setUint32(42, plaintext.length + 16);
  const base = await crypto.subtle.importKey("raw", rawKey, "HKDF", false, [
    "deriveKey",
  ]);
  const key = await crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt,
      info: new TextEncoder().encode("mondaykit settings v1"),
    },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt"],
  );
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: header },
      key,
      plaintext,
    ),
  );
  const out = new Uint8Array(46 + ciphertext.length + (options.trailing ?? 0));
  out.set(header, 0);
  out.set(ciphertext, 46);
  return out;
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

async function loadBytes(
  bytes: Uint8Array,
  rawKey: Uint8Array,
): Promise<unknown> {
  await using dir = await tempDir();
  const path = `${dir.path}/s.bin`;
  await Deno.writeFile(path, bytes);
  return await new EncryptedFileStore(path, { key: base64(rawKey) }).load()
    .catch((e) => e);
}

Deno.test("settings format: a file written from the specification alone is read by the store", async () => {
  const rawKey = crypto.getRandomValues(new Uint8Array(32));
  assert.deepEqual(await loadBytes(await specWrite(rawKey), rawKey), {
    from: "spec",
  });
  // URL-safe, unpadded base64 is the same key.
  await using dir = await tempDir();
  const path = `${dir.path}/s.bin`;
  await Deno.writeFile(path, await specWrite(rawKey));
  const urlSafe = base64(rawKey).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  assert.deepEqual(
    await new EncryptedFileStore(path, { key: ` ${urlSafe}\n` }).load(),
    { from: "spec" },
  );
});

Deno.test("settings format: the reader's checks give the documented errors", async () => {
  const rawKey = crypto.getRandomValues(new Uint8Array(32));
  const reasonOf = async (options: SpecOptions) => {
    const error = await loadBytes(await specWrite(rawKey, options), rawKey);
    assert.ok(error instanceof SettingsFormatError, String(error));
    return error.reason;
  };
  assert.equal(await reasonOf({ version: 2 }), "unsupportedVersion");
  assert.equal(await reasonOf({ version: 0 }), "unsupportedVersion");
  assert.equal(await reasonOf({ kdf: 3 }), "badParameters");
  assert.equal(await reasonOf({ kdf: 0 }), "badParameters");
  assert.equal(await reasonOf({ parameter: 1 }), "badParameters");
  assert.equal(
    await reasonOf({ kdf: 1, parameter: 599_999 }),
    "badParameters",
  );
  assert.equal(
    await reasonOf({ kdf: 1, parameter: 10_000_001 }),
    "badParameters",
  );
  assert.equal(await reasonOf({ trailing: 1 }), "badParameters");
  assert.equal(await reasonOf({ plaintext: "[1,2]" }), "badContent");
  assert.equal(await reasonOf({ plaintext: "not json" }), "badContent");
  const short = (await specWrite(rawKey)).slice(0, 8);
  const error = await loadBytes(short, rawKey);
  assert.ok(error instanceof SettingsFormatError);
  assert.equal(error.reason, "truncated");
  // A wrong key with a valid header is a decryption failure.
  const other = crypto.getRandomValues(new Uint8Array(32));
  assert.ok(
    await loadBytes(await specWrite(rawKey), other) instanceof
      SettingsDecryptError,
  );
});

Deno.test("settings format: a transfer blob decrypts with PBKDF2 exactly as specified", async () => {
  const source = new MemoryStore(crypto.randomUUID());
  await source.save({ moved: "yes" });
  // "é" composed vs decomposed: the passphrase is NFC-normalised.
  const blob = await exportSettings(source, "caf\u0065\u0301 passphrase");
  const view = new DataView(blob.buffer, blob.byteOffset);
  assert.deepEqual(Array.from(blob.slice(0, 8)), MAGIC);
  assert.equal(view.getUint8(8), 1);
  assert.equal(view.getUint8(9), 1);
  const iterations = view.getUint32(10);
  assert.equal(iterations, 600_000);
  assert.equal(view.getUint32(42), blob.length - 46);
  const base = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode("caf\u00e9 passphrase"),
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  const key = await crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: blob.slice(14, 30), iterations },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["decrypt"],
  );
  const plaintext = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: blob.slice(30, 42),
      additionalData: blob.slice(0, 46),
    },
    key,
    blob.slice(46),
  );
  assert.deepEqual(JSON.parse(new TextDecoder().decode(plaintext)), {
    moved: "yes",
  });
});
