/**
 * {@linkcode openSettingsStore}: picks a store from a location string, as
 * `OAuthSettingsLocation` is written.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { SettingsStore } from "./types.ts";
import { EncryptedFileStore } from "./encrypted_file_store.ts";
import { MemoryStore } from "./memory_store.ts";
import { KvStore, type KvStoreOptions } from "./kv_store.ts";
import { defaultEnv } from "./_keys.ts";

/** Options for {@linkcode openSettingsStore}: key options plus backend options. */
export interface OpenSettingsStoreOptions extends KvStoreOptions {
  /**
   * For file stores: the lock file `withLock` locks.
   *
   * @default {`${path}.lock`}
   */
  lockFile?: string;
}

/**
 * Opens the settings store a location string names. Nothing is read, created
 * or opened until the store is first used.
 *
 * - `memory://<id>` → {@linkcode MemoryStore} (`memory://` alone is id `default`)
 * - `kv://<prefix>` → {@linkcode KvStore} (with `options.kv`, or the default
 *   database opened on first use)
 * - `file:///...` URL, an absolute or relative path, or `~/...` →
 *   {@linkcode EncryptedFileStore}
 *
 * @param location The location string.
 * @param options Key options (file and KV stores) and the KV handle.
 * @returns The store.
 * @throws {TypeError} The location is empty or uses an unsupported scheme, or the key options are invalid.
 *
 * @example Choosing by location
 * ```ts
 * import { openSettingsStore } from "./open_settings_store.ts";
 * import assert from "node:assert/strict";
 *
 * const memory = openSettingsStore("memory://tests");
 * assert.equal(memory.location, "memory://tests");
 * const file = openSettingsStore("file:///var/lib/app/settings.bin", {
 *   passphrase: "correct horse battery staple",
 * });
 * assert.equal(file.location, "/var/lib/app/settings.bin");
 * ```
 */
export function openSettingsStore(
  location: string,
  options: OpenSettingsStoreOptions = {},
): SettingsStore {
  if (typeof location !== "string" || location.trim() === "") {
    throw new TypeError(
      "Invalid settings location: expected a path, file: URL, memory://id or kv://prefix",
    );
  }
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch (cause) {
      throw new TypeError(
        `Invalid settings location '${location}': bad percent-encoding`,
        { cause },
      );
    }
  };
  if (location.startsWith("memory://")) {
    const id = decode(location.slice("memory://".length));
    return new MemoryStore(id === "" ? "default" : id);
  }
  if (location.startsWith("kv://")) {
    return new KvStore(decode(location.slice("kv://".length)), options);
  }
  let path = location;
  if (/^file:/i.test(location)) {
    try {
      path = fileURLToPath(location);
    } catch (cause) {
      throw new TypeError(
        `Invalid settings location '${location}': not a valid file URL`,
        { cause },
      );
    }
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(location)) {
    throw new TypeError(
      `Invalid settings location '${location}': unsupported scheme (use a path, file: URL, memory://id or kv://prefix)`,
    );
  } else if (location === "~" || /^~[\\/]/.test(location)) {
    const env = options.env ?? defaultEnv;
    const home = env("HOME") || env("USERPROFILE");
    if (home === undefined || home === "") {
      throw new TypeError(
        `Invalid settings location '${location}': cannot expand '~' because 'HOME' is not set`,
      );
    }
    path = join(home, location.slice(1));
  }
  return new EncryptedFileStore(path, options);
}
