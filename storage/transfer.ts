/**
 * {@linkcode exportSettings} and {@linkcode importSettings}: move a settings
 * record between machines, encrypted under a transfer passphrase.
 *
 * @module
 */

import type { SettingsStore } from "./types.ts";
import { seal, type Subject, unseal } from "./_format.ts";
import { checkIterations, createKeySource } from "./_keys.ts";

/** Options for {@linkcode exportSettings}. */
export interface ExportSettingsOptions {
  /**
   * Aborts the export.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * PBKDF2 iterations for the transfer blob (600,000 ... 10,000,000).
   *
   * @default {600000}
   */
  iterations?: number;
}

/** Options for {@linkcode importSettings}. */
export interface ImportSettingsOptions {
  /**
   * Aborts the import (before the record is saved).
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * How long to wait for the destination's lock, in milliseconds.
   *
   * @default {10000}
   */
  timeoutMs?: number;
}

const TRANSFER: Subject = {
  location: "transfer blob",
  what: "transfer blob",
  advice: "check the transfer passphrase and that the blob was copied whole",
};

/**
 * The shortest transfer passphrase {@linkcode exportSettings} accepts, in
 * characters (Unicode code points, after NFC normalization): 15, the minimum
 * NIST SP 800-63B-4 sets for a password that alone protects a secret. A
 * transfer blob may travel (mail, chat, a shared disk) and then be guessed
 * offline, as fast as an attacker's hardware allows, so only its length
 * stands between the blob and the tokens inside it. Importing does not
 * check it.
 *
 * @example Checking a passphrase before asking for it twice
 * ```ts
 * import { MIN_TRANSFER_PASSPHRASE_LENGTH } from "./transfer.ts";
 * import assert from "node:assert/strict";
 * assert.equal(MIN_TRANSFER_PASSPHRASE_LENGTH, 15);
 * assert.ok([..."correct horse battery staple"].length >= MIN_TRANSFER_PASSPHRASE_LENGTH);
 * ```
 */
export const MIN_TRANSFER_PASSPHRASE_LENGTH: number = 15;

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== "string" || passphrase === "") {
    throw new TypeError(
      "Invalid transfer passphrase: expected a non-empty string",
    );
  }
}

/**
 * Checks a passphrase for a new transfer blob against
 * {@linkcode MIN_TRANSFER_PASSPHRASE_LENGTH}.
 */
function checkNewPassphrase(passphrase: string): void {
  checkPassphrase(passphrase);
  const length = [...passphrase.normalize("NFC")].length;
  if (length < MIN_TRANSFER_PASSPHRASE_LENGTH) {
    throw new RangeError(
      `Invalid transfer passphrase: expected at least ${MIN_TRANSFER_PASSPHRASE_LENGTH} characters, got ${length} (a blob that travels can be attacked offline; several words make a good passphrase)`,
    );
  }
}

/**
 * Reads the record from `store` and encrypts it under `passphrase`
 * (PBKDF2-HMAC-SHA256, AES-256-GCM), in the settings file format, so it can
 * be copied to another machine and imported there. The blob is binary; encode
 * it (e.g. base64) to paste it through a terminal.
 *
 * @param store The store to read.
 * @param passphrase The transfer passphrase, at least
 * {@linkcode MIN_TRANSFER_PASSPHRASE_LENGTH} (15) characters; share it by
 * another channel.
 * @param options A signal and the PBKDF2 iteration count.
 * @returns The transfer blob.
 * @throws {TypeError} The passphrase is not a string or is empty.
 * @throws {RangeError} The passphrase is shorter than 15 characters, or
 * `iterations` is out of bounds.
 * @throws {Error} The store holds nothing to export.
 * @throws {SettingsFormatError} The store's data is unreadable.
 * @throws {SettingsDecryptError} The store's data does not decrypt.
 *
 * @example Copying settings between two stores
 * ```ts
 * import { exportSettings, importSettings, MemoryStore } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const source = new MemoryStore("export-source");
 * await source.save({ refreshToken: "r1" });
 * const blob = await exportSettings(source, "a transfer passphrase");
 * const destination = new MemoryStore("export-destination");
 * await importSettings(destination, blob, "a transfer passphrase");
 * assert.deepEqual(await destination.load(), { refreshToken: "r1" });
 * ```
 */
export async function exportSettings(
  store: SettingsStore,
  passphrase: string,
  options: ExportSettingsOptions = {},
): Promise<Uint8Array> {
  checkNewPassphrase(passphrase);
  const iterations = checkIterations(options.iterations);
  const record = await store.load(
    options.signal === undefined ? {} : { signal: options.signal },
  );
  if (record === undefined) {
    throw new Error(
      `Cannot export settings from '${store.location}': nothing is stored there; sign in first`,
    );
  }
  options.signal?.throwIfAborted();
  const keys = createKeySource({ passphrase, iterations }, {
    what: "transfer blob",
    location: "transfer blob",
  });
  return await seal(record, keys, "transfer blob");
}

/**
 * Decrypts a blob made by {@linkcode exportSettings} and saves the record in
 * `store`, under the store's own key, while holding the store's lock. If the
 * store holds data it cannot read, nothing is overwritten (delete it with
 * `force` first).
 *
 * @param store The destination store.
 * @param blob The transfer blob.
 * @param passphrase The transfer passphrase.
 * @param options A signal and the lock timeout.
 * @returns A promise that resolves once the record is saved.
 * @throws {TypeError} The blob is not bytes or the passphrase is empty.
 * @throws {SettingsFormatError} The blob is not a transfer blob, or is truncated.
 * @throws {SettingsDecryptError} Wrong passphrase, or the blob was changed.
 * @throws {LockTimeoutError} The destination's lock was busy.
 *
 * @example Importing
 * ```ts
 * import { exportSettings, importSettings, MemoryStore } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const source = new MemoryStore("import-source");
 * await source.save({ accessToken: "a1" });
 * const blob = await exportSettings(source, "swordfish swordfish");
 * await assert.rejects(
 *   importSettings(new MemoryStore("import-destination"), blob, "wrong"),
 * );
 * ```
 */
export async function importSettings(
  store: SettingsStore,
  blob: Uint8Array,
  passphrase: string,
  options: ImportSettingsOptions = {},
): Promise<void> {
  if (!(blob instanceof Uint8Array)) {
    throw new TypeError("Invalid transfer blob: expected a Uint8Array");
  }
  checkPassphrase(passphrase);
  options.signal?.throwIfAborted();
  // The header's parameters are bounded before any PBKDF2 work is done.
  const keys = createKeySource({ passphrase }, {
    what: "transfer blob",
    location: "transfer blob",
  });
  const record = await unseal(blob, keys, TRANSFER);
  const signal = options.signal;
  const io = signal === undefined ? {} : { signal };
  await store.withLock(async () => {
    await store.load(io);
    await store.save(record, io);
  }, {
    ...io,
    ...(options.timeoutMs === undefined
      ? {}
      : { timeoutMs: options.timeoutMs }),
  });
}
