// Key sources for the encrypted stores: resolution order, environment access
// (only when a key is first needed), the default key file, key derivation and
// the per-store key cache (PBKDF2 is paid once per store per salt).

import { join } from "node:path";
import { SettingsDecryptError, SettingsFormatError } from "./errors.ts";
import type { KeyOptions } from "./types.ts";
import {
  type DerivedKey,
  KDF_HKDF,
  KDF_PBKDF2,
  type KdfId,
  type KeySource,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SALT_LENGTH,
} from "./_format.ts";
import { writeNewFile } from "./_fs.ts";
import { readEnv } from "../_common/mod.ts";

// KeySource lives beside the format that consumes it (so _format.ts needs
// nothing from this file); re-exported for the stores that make one.
export type { DerivedKey, KeySource } from "./_format.ts";

export const ENV_KEY = "MONDAYKIT_SETTINGS_KEY";
export const ENV_PASSPHRASE = "MONDAYKIT_SETTINGS_PASSPHRASE";
const HKDF_INFO = new TextEncoder().encode("mondaykit settings v1");
const KEY_LENGTH = 32;

type Resolved =
  | { kind: "raw"; bytes: Uint8Array<ArrayBuffer>; description: string }
  | { kind: "passphrase"; passphrase: string; description: string };

/** The package's one non-prompting environment reader (see `_common/env.ts`). */
const defaultEnv: (name: string) => string | undefined = readEnv;
export { defaultEnv };

/** Decodes a base64 (standard or URL-safe, padding optional) 256-bit key. */
export function decodeKey(text: string): Uint8Array<ArrayBuffer> | undefined {
  const cleaned = text.trim().replaceAll("-", "+").replaceAll("_", "/")
    .replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(cleaned) || cleaned.length % 4 === 1) {
    return undefined;
  }
  const padded = cleaned + "=".repeat((4 - (cleaned.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  if (binary.length !== KEY_LENGTH) return undefined;
  const out = new Uint8Array(KEY_LENGTH);
  for (let i = 0; i < KEY_LENGTH; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Options for the configuration directory helpers. */
export interface ConfigDirOptions {
  /**
   * Reads an environment variable.
   *
   * @default {Deno.env.get, where the permission is granted}
   */
  env?: (name: string) => string | undefined;
  /**
   * The operating system.
   *
   * @default {Deno.build.os}
   */
  os?: typeof Deno.build.os;
}

/** The per-user mondaykit configuration directory. */
export function configDir(options: ConfigDirOptions = {}): string {
  const env = options.env ?? defaultEnv;
  const os = options.os ?? Deno.build.os;
  const get = (name: string) => {
    const value = env(name);
    return value === undefined || value === "" ? undefined : value;
  };
  if (os === "windows") {
    const appData = get("APPDATA");
    if (appData !== undefined) return join(appData, "mondaykit");
    const profile = get("USERPROFILE");
    if (profile !== undefined) {
      return join(profile, "AppData", "Roaming", "mondaykit");
    }
    throw new TypeError(
      "Cannot find the configuration directory: neither 'APPDATA' nor 'USERPROFILE' is set or readable (grant --allow-env); pass a settings path explicitly",
    );
  }
  const home = get("HOME");
  if (os === "darwin" && home !== undefined) {
    return join(home, "Library", "Application Support", "mondaykit");
  }
  const xdg = get("XDG_CONFIG_HOME");
  if (xdg !== undefined && xdg.startsWith("/")) return join(xdg, "mondaykit");
  if (home !== undefined) return join(home, ".config", "mondaykit");
  throw new TypeError(
    "Cannot find the configuration directory: neither 'XDG_CONFIG_HOME' nor 'HOME' is set or readable (grant --allow-env); pass a settings path explicitly",
  );
}

/** Validates the `iterations` option. */
export function checkIterations(iterations: number | undefined): number {
  if (iterations === undefined) return MIN_ITERATIONS;
  if (
    !Number.isInteger(iterations) || iterations < MIN_ITERATIONS ||
    iterations > MAX_ITERATIONS
  ) {
    throw new RangeError(
      `Invalid iterations: expected an integer in ${MIN_ITERATIONS}..${MAX_ITERATIONS}, got '${iterations}'`,
    );
  }
  return iterations;
}

/** Context for {@linkcode createKeySource}. */
export interface KeySourceContext {
  /** The key file to fall back to, or undefined when there is none. */
  defaultKeyFile?: () => string;
  /** Names the store in messages, e.g. `settings file '/x'`. */
  what: string;
  /** The `location` of errors about the stored data. */
  location: string;
}

async function readOrCreateKeyFile(
  path: string,
  create: boolean,
  context: KeySourceContext,
): Promise<Uint8Array<ArrayBuffer>> {
  const read = async (): Promise<Uint8Array<ArrayBuffer> | undefined> => {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    const bytes = decodeKey(text);
    if (bytes === undefined) {
      throw new SettingsFormatError(
        path,
        "badKey",
        `Cannot read key file '${path}': it does not hold a base64 256-bit key; restore it from a backup (settings encrypted with it cannot be read without it)`,
      );
    }
    return bytes;
  };
  const existing = await read();
  if (existing !== undefined) return existing;
  if (!create) {
    // Reading existing data: a new key could never decrypt it.
    throw new SettingsDecryptError(
      context.location,
      `Cannot decrypt ${context.what}: its key file '${path}' does not exist (a new machine, or the key file was removed); copy the key file from the machine that wrote the settings, set '${ENV_KEY}' to its content, or move the settings aside and sign in again`,
    );
  }
  const bytes = crypto.getRandomValues(new Uint8Array(KEY_LENGTH));
  const created = await writeNewFile(
    path,
    new TextEncoder().encode(encodeBase64(bytes) + "\n"),
  );
  if (created) return bytes;
  // Another process created it first: use theirs.
  const theirs = await read();
  if (theirs === undefined) {
    throw new Error(
      `Cannot create key file '${path}': it vanished while being created`,
    );
  }
  return theirs;
}

/**
 * Builds a lazy key source: options are validated now; the environment and
 * key file are read when a key is first needed.
 */
export function createKeySource(
  options: KeyOptions,
  context: KeySourceContext,
): KeySource {
  const given = [
    options.key !== undefined ? "key" : undefined,
    options.passphrase !== undefined ? "passphrase" : undefined,
    options.keyFile !== undefined ? "keyFile" : undefined,
  ].filter((name) => name !== undefined);
  if (given.length > 1) {
    throw new TypeError(
      `Cannot use more than one key source: got ${
        given.map((name) => `'${name}'`).join(" and ")
      }`,
    );
  }
  let explicitKey: Uint8Array<ArrayBuffer> | undefined;
  if (options.key !== undefined) {
    if (typeof options.key !== "string") {
      throw new TypeError("Invalid key: expected a base64 string");
    }
    explicitKey = decodeKey(options.key);
    if (explicitKey === undefined) {
      throw new TypeError(
        "Invalid key: expected 32 bytes (256 bits) in base64",
      );
    }
  }
  if (options.passphrase !== undefined) {
    if (typeof options.passphrase !== "string" || options.passphrase === "") {
      throw new TypeError("Invalid passphrase: expected a non-empty string");
    }
  }
  if (
    options.keyFile !== undefined &&
    (typeof options.keyFile !== "string" || options.keyFile === "")
  ) {
    throw new TypeError("Invalid keyFile: expected a non-empty path");
  }
  const iterations = checkIterations(options.iterations);
  const env = options.env ?? defaultEnv;

  let resolved: Promise<Resolved> | undefined;
  /** `create`: a missing key file may be created (writing, not reading). */
  const resolve = (create: boolean): Promise<Resolved> => {
    resolved ??= (async (): Promise<Resolved> => {
      if (explicitKey !== undefined) {
        return {
          kind: "raw",
          bytes: explicitKey,
          description: "the 'key' option",
        };
      }
      if (options.passphrase !== undefined) {
        return {
          kind: "passphrase",
          passphrase: options.passphrase.normalize("NFC"),
          description: "the 'passphrase' option",
        };
      }
      if (options.keyFile !== undefined) {
        return {
          kind: "raw",
          bytes: await readOrCreateKeyFile(options.keyFile, create, context),
          description: `key file '${options.keyFile}'`,
        };
      }
      const envKey = env(ENV_KEY);
      if (envKey !== undefined && envKey !== "") {
        const bytes = decodeKey(envKey);
        if (bytes === undefined) {
          throw new TypeError(
            `Invalid ${ENV_KEY}: expected 32 bytes (256 bits) in base64`,
          );
        }
        return { kind: "raw", bytes, description: `'${ENV_KEY}'` };
      }
      const envPassphrase = env(ENV_PASSPHRASE);
      if (envPassphrase !== undefined && envPassphrase !== "") {
        return {
          kind: "passphrase",
          passphrase: envPassphrase.normalize("NFC"),
          description: `'${ENV_PASSPHRASE}'`,
        };
      }
      if (context.defaultKeyFile !== undefined) {
        const path = context.defaultKeyFile();
        return {
          kind: "raw",
          bytes: await readOrCreateKeyFile(path, create, context),
          description: `key file '${path}'`,
        };
      }
      throw new TypeError(
        `Cannot open ${context.what}: no key: pass 'key' or 'passphrase', or set '${ENV_KEY}' or '${ENV_PASSPHRASE}'`,
      );
    })();
    // A failed resolution (e.g. unreadable key file) may be retried later.
    resolved.catch(() => {
      resolved = undefined;
    });
    return resolved;
  };

  const derive = async (
    kdf: KdfId,
    rounds: number,
    salt: Uint8Array<ArrayBuffer>,
    create: boolean,
  ): Promise<CryptoKey> => {
    const source = await resolve(create);
    const usages: KeyUsage[] = ["encrypt", "decrypt"];
    const aes = { name: "AES-GCM", length: 256 };
    if (kdf === KDF_PBKDF2 && source.kind === "passphrase") {
      const base = await crypto.subtle.importKey(
        "raw",
        new TextEncoder().encode(source.passphrase),
        "PBKDF2",
        false,
        ["deriveKey"],
      );
      return await crypto.subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt, iterations: rounds },
        base,
        aes,
        false,
        usages,
      );
    }
    if (kdf === KDF_HKDF && source.kind === "raw") {
      const base = await crypto.subtle.importKey(
        "raw",
        source.bytes,
        "HKDF",
        false,
        ["deriveKey"],
      );
      return await crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt, info: HKDF_INFO },
        base,
        aes,
        false,
        usages,
      );
    }
    throw new TypeError("Key derivation does not match the key source");
  };

  let writeKey: Promise<DerivedKey> | undefined;
  const readKeys = new Map<string, Promise<CryptoKey>>();
  const cacheId = (kdf: number, rounds: number, salt: Uint8Array) =>
    `${kdf}:${rounds}:${
      Array.from(salt, (b) => b.toString(16).padStart(2, "0")).join("")
    }`;

  const kdfOf = async (create: boolean): Promise<KdfId> =>
    (await resolve(create)).kind === "raw" ? KDF_HKDF : KDF_PBKDF2;

  return {
    kdf: () => kdfOf(false),
    async describe(): Promise<string> {
      try {
        return (await resolve(false)).description;
      } catch {
        return "an unavailable key source";
      }
    },
    forWrite(): Promise<DerivedKey> {
      writeKey ??= (async (): Promise<DerivedKey> => {
        const kdf = await kdfOf(true);
        const rounds = kdf === KDF_PBKDF2 ? iterations : 0;
        const salt = crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
        const key = await derive(kdf, rounds, salt, true);
        readKeys.set(cacheId(kdf, rounds, salt), Promise.resolve(key));
        return { kdf, iterations: rounds, salt, key };
      })();
      writeKey.catch(() => {
        writeKey = undefined;
      });
      return writeKey;
    },
    forRead(kdf, rounds, salt): Promise<CryptoKey> {
      const id = cacheId(kdf, rounds, salt);
      let key = readKeys.get(id);
      if (key === undefined) {
        if (readKeys.size >= 8) readKeys.clear();
        key = derive(kdf, rounds, salt, false);
        readKeys.set(id, key);
        key.catch(() => readKeys.delete(id));
        // Reuse the file's salt for the next write: no second derivation.
        if (
          writeKey === undefined && (kdf === KDF_HKDF || rounds >= iterations)
        ) {
          const pending = key;
          writeKey = pending.then((derived) => ({
            kdf,
            iterations: rounds,
            salt,
            key: derived,
          }));
          writeKey.catch(() => {
            writeKey = undefined;
          });
        }
      }
      return key;
    },
  };
}

/** Where the default key file lives: beside the default settings file. */
export function defaultKeyFileIn(options: ConfigDirOptions = {}): string {
  return join(configDir(options), "settings.key");
}
