/**
 * The settings store interface shared by every backend, and the key options
 * the encrypted backends accept.
 *
 * @module
 */

/** One settings record: a JSON-serialisable object. */
export type SettingsRecord = Record<string, unknown>;

/** Options for {@linkcode SettingsStore.load}. */
export interface LoadOptions {
  /**
   * Aborts the load.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** Options for {@linkcode SettingsStore.save}. */
export interface SaveOptions {
  /**
   * Aborts the save before its data is committed. Once the new data is being
   * committed (the rename, or the KV commit) the save completes.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** Options for {@linkcode SettingsStore.delete}. */
export interface DeleteOptions {
  /**
   * Aborts the delete.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * Delete even when the stored data cannot be read (wrong key, tampered,
   * unknown format). Without it such data is left untouched and the read
   * error is thrown.
   *
   * @default {false}
   */
  force?: boolean;
}

/** Options for {@linkcode SettingsStore.withLock}. */
export interface LockOptions {
  /**
   * Aborts the wait for the lock (the callback is not called).
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * How long to wait for the lock before throwing `LockTimeoutError`, in
   * milliseconds.
   *
   * @default {10000}
   */
  timeoutMs?: number;
}

/**
 * Where credentials persist. A store holds one settings record and knows
 * nothing of what is in it.
 *
 * @example Using any store
 * ```ts
 * import { MemoryStore, type SettingsStore } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const store: SettingsStore = new MemoryStore("types-example");
 * await store.withLock(async () => {
 *   const record = (await store.load()) ?? {};
 *   await store.save({ ...record, count: 1 });
 * });
 * assert.deepEqual(await store.load(), { count: 1 });
 * await store.delete();
 * ```
 */
export interface SettingsStore {
  /** A description of where the record lives (a path, `memory://id`, `kv://prefix`); never a secret. */
  readonly location: string;
  /**
   * Reads the record.
   *
   * @param options A signal.
   * @returns The record, or `undefined` when nothing is stored yet.
   * @throws {SettingsFormatError} The stored data is not readable settings.
   * @throws {SettingsDecryptError} The key is wrong or the data was changed.
   */
  load(options?: LoadOptions): Promise<SettingsRecord | undefined>;
  /**
   * Replaces the record, atomically.
   *
   * @param record A JSON-serialisable object.
   * @param options A signal.
   * @returns A promise that resolves once the record is durable.
   * @throws {TypeError} The record is not a JSON-serialisable object.
   * @throws {SettingsFormatError} Existing data is unreadable (left untouched).
   * @throws {SettingsDecryptError} Existing data does not decrypt (left untouched).
   */
  save(record: SettingsRecord, options?: SaveOptions): Promise<void>;
  /**
   * Removes the record. Removing nothing is not an error.
   *
   * @param options A signal, and `force` to remove unreadable data.
   * @returns A promise that resolves once the record is gone.
   */
  delete(options?: DeleteOptions): Promise<void>;
  /**
   * Runs `fn` while holding the store's exclusive lock; across processes
   * where the backend allows it. Not reentrant.
   *
   * @param fn The critical section.
   * @param options A signal and a timeout for the wait.
   * @returns What `fn` returns.
   * @throws {LockTimeoutError} The lock was not free within `timeoutMs`.
   */
  withLock<T>(fn: () => Promise<T>, options?: LockOptions): Promise<T>;
  /** Releases resources the store opened itself (a KV handle). */
  close?(): void;
}

/**
 * Where an encrypted store gets its key. Sources, in order: `key`,
 * `passphrase` or `keyFile` given here; then the `MONDAYKIT_SETTINGS_KEY` and
 * `MONDAYKIT_SETTINGS_PASSPHRASE` environment variables; then (file stores
 * only) the default key file, created on first use.
 */
export interface KeyOptions {
  /**
   * A raw 256-bit key in base64 (standard or URL-safe, padding optional),
   * stretched per file with HKDF-SHA256.
   *
   * @default {undefined}
   */
  key?: string;
  /**
   * A passphrase, stretched with PBKDF2-HMAC-SHA256.
   *
   * @default {undefined}
   */
  passphrase?: string;
  /**
   * A file holding a base64 256-bit key; created (mode 0600) on first use if
   * missing.
   *
   * @default {undefined}
   */
  keyFile?: string;
  /**
   * Reads an environment variable; called only when a key is first needed.
   *
   * @default {Deno.env.get, where the permission is granted}
   */
  env?: (name: string) => string | undefined;
  /**
   * PBKDF2 iterations for new data encrypted under a passphrase (bounded to
   * 600,000 ... 10,000,000).
   *
   * @default {600000}
   */
  iterations?: number;
}
