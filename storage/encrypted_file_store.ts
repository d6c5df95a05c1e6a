/**
 * {@linkcode EncryptedFileStore}: settings in an AES-256-GCM encrypted file,
 * written atomically and locked across processes.
 *
 * @module
 */

import type {
  DeleteOptions,
  KeyOptions,
  LoadOptions,
  LockOptions,
  SaveOptions,
  SettingsRecord,
  SettingsStore,
} from "./types.ts";
import {
  encodeRecord,
  HEADER_LENGTH,
  MAX_CIPHERTEXT_LENGTH,
  sealBytes,
  type Subject,
  unseal,
} from "./_format.ts";
import { createKeySource, defaultKeyFileIn, type KeySource } from "./_keys.ts";
import {
  assertRegularFile,
  atomicReplace,
  lockFile,
  readIfExists,
  syncDir,
} from "./_fs.ts";
import { checkTimeout, mutexFor } from "./_mutex.ts";
import { dirname } from "node:path";

/** Options for {@linkcode EncryptedFileStore}. */
export interface EncryptedFileStoreOptions extends KeyOptions {
  /**
   * The lock file `withLock` locks.
   *
   * @default {`${path}.lock`}
   */
  lockFile?: string;
}

/**
 * A settings store in one encrypted file (format: `docs/settings-format.md`).
 *
 * - AES-256-GCM with a fresh random 96-bit IV per save; the header is
 *   authenticated, so any changed byte fails to decrypt.
 * - The key comes from, in order: the `key`, `passphrase` or `keyFile` option;
 *   `MONDAYKIT_SETTINGS_KEY` (base64 256-bit key); `MONDAYKIT_SETTINGS_PASSPHRASE`;
 *   else the per-user key file `<config dir>/mondaykit/settings.key`, created
 *   (mode 0600) on first use. The environment is read when a key is first
 *   needed; the derived key is cached per store.
 * - Saves are atomic (temp file mode 0600 in the same directory, fsync,
 *   rename, directory fsync); missing directories are created mode 0700.
 * - `withLock` holds an exclusive `flock` on `<path>.lock` (never deleted).
 * - Unreadable files are never overwritten or deleted (unless
 *   `delete({ force: true })`); errors name the path and what to do.
 *
 * Permissions: `--allow-read` and `--allow-write` for the settings directory
 * (and the key file's directory), `--allow-env` for the key variables and
 * the config directory (`HOME`, `XDG_CONFIG_HOME`, `APPDATA`).
 *
 * @example Round trip with a raw key
 * ```ts
 * import { EncryptedFileStore } from "./encrypted_file_store.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
 * const store = new EncryptedFileStore(`${dir}/settings.bin`, { key });
 * await store.withLock(async () => {
 *   await store.save({ refreshToken: "r1" });
 * });
 * assert.deepEqual(await store.load(), { refreshToken: "r1" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class EncryptedFileStore implements SettingsStore {
  /** The settings file path. */
  readonly location: string;
  #path: string;
  #lockPath: string;
  #keys: KeySource;
  #subject: Subject;

  /**
   * Opens (lazily: nothing is read until used) the settings file at `path`.
   *
   * @param path The settings file path.
   * @param options Where the key comes from, and the lock file.
   * @throws {TypeError} `path` is empty, or key options conflict or are invalid.
   * @throws {RangeError} `iterations` is out of bounds.
   */
  constructor(path: string, options: EncryptedFileStoreOptions = {}) {
    if (typeof path !== "string" || path === "") {
      throw new TypeError("Invalid settings path: expected a non-empty string");
    }
    this.location = path;
    this.#path = path;
    this.#lockPath = options.lockFile ?? `${path}.lock`;
    const env = options.env;
    const what = `settings file '${path}'`;
    this.#keys = createKeySource(options, {
      what,
      location: path,
      defaultKeyFile: () => defaultKeyFileIn(env === undefined ? {} : { env }),
    });
    this.#subject = {
      location: path,
      what,
      advice:
        `restore it from a backup, or move it aside (e.g. to '${path}.bad') and sign in again`,
    };
  }

  /** The lock file `withLock` uses. */
  get lockPath(): string {
    return this.#lockPath;
  }

  async #readVerified(
    signal: AbortSignal | undefined,
  ): Promise<SettingsRecord | undefined> {
    signal?.throwIfAborted();
    const bytes = await readIfExists(
      this.#path,
      HEADER_LENGTH + MAX_CIPHERTEXT_LENGTH,
    );
    if (bytes === undefined) return undefined;
    signal?.throwIfAborted();
    return await unseal(bytes, this.#keys, this.#subject);
  }

  /**
   * Reads and decrypts the file.
   *
   * @param options A signal.
   * @returns The record, or `undefined` when the file does not exist.
   * @throws {TypeError} The path is a directory or another non-file.
   * @throws {SettingsFormatError} Not a settings file, unsupported version, truncated, or bad parameters.
   * @throws {SettingsDecryptError} Wrong key, or the file was changed.
   */
  load(options: LoadOptions = {}): Promise<SettingsRecord | undefined> {
    return this.#readVerified(options.signal);
  }

  /**
   * Encrypts `record` and replaces the file atomically. An existing file is
   * first checked to decrypt with this store's key; if it does not, it is
   * left untouched and the read error is thrown.
   *
   * @param record A JSON-serialisable object.
   * @param options A signal.
   * @returns A promise that resolves once the new file is durable.
   * @throws {TypeError} The record is not a JSON-serialisable object.
   * @throws {SettingsFormatError} The existing file is not readable settings.
   * @throws {SettingsDecryptError} The existing file does not decrypt.
   */
  async save(record: SettingsRecord, options: SaveOptions = {}): Promise<void> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const plaintext = encodeRecord(record, this.#subject.what);
    // Refuse to replace what cannot be read; this also derives the key from
    // the file's salt, so the save below reuses it.
    await this.#readVerified(signal);
    const bytes = await sealBytes(plaintext, this.#keys, this.#subject.what);
    signal?.throwIfAborted();
    await atomicReplace(this.#path, bytes, signal);
  }

  /**
   * Deletes the file. A file that cannot be read is left alone (its error is
   * thrown) unless `force` is set.
   *
   * @param options A signal and `force`.
   * @returns A promise that resolves once the file is gone.
   * @throws {SettingsFormatError} The file is not readable settings (without `force`).
   * @throws {SettingsDecryptError} The file does not decrypt (without `force`).
   */
  async delete(options: DeleteOptions = {}): Promise<void> {
    if (options.force !== true) await this.#readVerified(options.signal);
    options.signal?.throwIfAborted();
    try {
      // Even with `force`, never remove a directory given by mistake.
      assertRegularFile(this.#path, await Deno.stat(this.#path));
      await Deno.remove(this.#path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    await syncDir(dirname(this.#path));
  }

  /**
   * Runs `fn` holding the exclusive lock on the lock file, across processes
   * and within this one. Not reentrant: calling `withLock` inside `fn` waits
   * for itself and times out.
   *
   * @param fn The critical section.
   * @param options A signal and a timeout for the wait.
   * @returns What `fn` returns.
   * @throws {LockTimeoutError} The lock was not free within `timeoutMs`; names the lock file.
   * @throws {RangeError} `timeoutMs` is negative or not finite.
   */
  async withLock<T>(
    fn: () => Promise<T>,
    options: LockOptions = {},
  ): Promise<T> {
    const timeoutMs = checkTimeout(options.timeoutMs);
    const started = Date.now();
    const mutex = mutexFor(`file:${this.#lockPath}`);
    const releaseLocal = await mutex.acquire(
      this.#lockPath,
      timeoutMs,
      options.signal,
    );
    try {
      const releaseFile = await lockFile(this.#lockPath, {
        timeoutMs,
        deadlineMs: started + timeoutMs,
        signal: options.signal,
      });
      try {
        return await mutex.hold(fn);
      } finally {
        releaseFile();
      }
    } finally {
      releaseLocal();
    }
  }
}
