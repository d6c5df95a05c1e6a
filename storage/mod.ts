/**
 * Where mondaykit keeps credentials: an AES-256-GCM encrypted settings file
 * (the default), an in-process memory store, or Deno KV. A store holds one
 * settings record and offers `load`, `save`, `delete` and an exclusive
 * `withLock`; it knows nothing of OAuth.
 *
 * Pick a store from a location string with {@linkcode openSettingsStore}:
 * a path or `file:` URL, `memory://id`, or `kv://prefix`. Move settings
 * between machines with {@linkcode exportSettings} / {@linkcode importSettings}.
 * The file format is specified in `docs/settings-format.md`.
 *
 * @example Saving and loading through the lock
 * ```ts
 * import { openSettingsStore } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
 * const store = openSettingsStore(`${dir}/settings.bin`, { key });
 * await store.withLock(async () => {
 *   const current = (await store.load()) ?? {};
 *   await store.save({ ...current, refreshToken: "r1" });
 * });
 * assert.deepEqual(await store.load(), { refreshToken: "r1" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export type {
  DeleteOptions,
  KeyOptions,
  LoadOptions,
  LockOptions,
  SaveOptions,
  SettingsRecord,
  SettingsStore,
} from "./types.ts";
export {
  type LockHolder,
  LockTimeoutError,
  SettingsConflictError,
  SettingsDecryptError,
  SettingsFormatError,
  type SettingsFormatErrorOptions,
  type SettingsFormatReason,
} from "./errors.ts";
export {
  EncryptedFileStore,
  type EncryptedFileStoreOptions,
} from "./encrypted_file_store.ts";
export { MemoryStore } from "./memory_store.ts";
export { KvStore, type KvStoreOptions } from "./kv_store.ts";
export {
  openSettingsStore,
  type OpenSettingsStoreOptions,
} from "./open_settings_store.ts";
export {
  exportSettings,
  type ExportSettingsOptions,
  importSettings,
  type ImportSettingsOptions,
  MIN_TRANSFER_PASSPHRASE_LENGTH,
} from "./transfer.ts";
export {
  defaultKeyFilePath,
  type DefaultPathOptions,
  defaultSettingsPath,
} from "./default_settings_path.ts";
