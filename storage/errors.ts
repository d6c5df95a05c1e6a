/**
 * Error classes the settings stores throw for conditions a caller may want to
 * catch: a file that is not a readable settings file, a file that does not
 * decrypt, a lock that could not be taken in time, and a save that lost a race.
 *
 * @module
 */

/**
 * Why a settings file or value could not be parsed.
 *
 * - `"notSettingsFile"`: the bytes do not start with the settings magic.
 * - `"unsupportedVersion"`: a format version this release cannot read.
 * - `"truncated"`: the data ends before the length its header declares.
 * - `"badParameters"`: the header names an unknown key derivation or
 *   parameters outside the accepted bounds.
 * - `"badContent"`: the data decrypted but is not a JSON object.
 * - `"badKey"`: a key file does not hold a base64 256-bit key.
 */
export type SettingsFormatReason =
  | "notSettingsFile"
  | "unsupportedVersion"
  | "truncated"
  | "badParameters"
  | "badContent"
  | "badKey";

/** Options for {@linkcode SettingsFormatError}. */
export interface SettingsFormatErrorOptions {
  /**
   * The underlying error, if any.
   *
   * @default {undefined}
   */
  cause?: unknown;
}

/**
 * Thrown when stored settings are not in a format this release can read: not a
 * settings file at all, an unsupported format version, truncated data, or
 * header parameters out of bounds. The store never overwrites or deletes data
 * that raised this error.
 *
 * @example Telling the failure modes apart
 * ```ts
 * import { SettingsFormatError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new SettingsFormatError(
 *   "/tmp/settings.bin",
 *   "truncated",
 *   "Cannot read settings file '/tmp/settings.bin': the file is truncated",
 * );
 * assert.equal(error.reason, "truncated");
 * assert.equal(error.location, "/tmp/settings.bin");
 * ```
 */
export class SettingsFormatError extends Error {
  /** Where the data came from: a file path, `kv://...` or `transfer blob`. */
  readonly location: string;
  /** Which format check failed. */
  readonly reason: SettingsFormatReason;

  /**
   * Constructs a new instance.
   *
   * @param location Where the data came from.
   * @param reason Which format check failed.
   * @param message The message, naming the location and what to do.
   * @param options The cause, if any.
   */
  constructor(
    location: string,
    reason: SettingsFormatReason,
    message: string,
    options?: SettingsFormatErrorOptions,
  ) {
    super(message, options);
    this.name = "SettingsFormatError";
    this.location = location;
    this.reason = reason;
  }
}

/**
 * Thrown when stored settings have a valid header but do not decrypt: the key
 * is wrong or the data was changed (AES-GCM cannot tell the two apart). The
 * store never overwrites or deletes data that raised this error.
 *
 * @example Catching a wrong key
 * ```ts
 * import { SettingsDecryptError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new SettingsDecryptError(
 *   "/tmp/settings.bin",
 *   "Cannot decrypt settings file '/tmp/settings.bin': wrong key or the file was modified",
 * );
 * assert.ok(error instanceof Error);
 * assert.equal(error.location, "/tmp/settings.bin");
 * ```
 */
export class SettingsDecryptError extends Error {
  /** Where the data came from: a file path, `kv://...` or `transfer blob`. */
  readonly location: string;

  /**
   * Constructs a new instance.
   *
   * @param location Where the data came from.
   * @param message The message, naming the location and what to do.
   * @param options The cause, if any.
   */
  constructor(
    location: string,
    message: string,
    options?: SettingsFormatErrorOptions,
  ) {
    super(message, options);
    this.name = "SettingsDecryptError";
    this.location = location;
  }
}

/**
 * Who holds a lock that `withLock` waited for in vain: another process,
 * another caller in this process, or the caller itself (a nested `withLock`).
 */
export type LockHolder = "process" | "caller" | "nested";

const LOCK_HOLDERS: Record<LockHolder, string> = {
  process:
    "another process holds it; retry later, or stop the process that holds it",
  caller:
    "another caller in this process holds it; retry later, or let it finish first",
  nested:
    "this call is inside a withLock of the same settings, and withLock calls do not nest: do the work in the outer critical section",
};

/**
 * Thrown by `withLock` when the lock could not be taken within the allowed
 * time, because another process (or another part of this one) holds it. The
 * message says which, and says so when the call was made inside a `withLock`
 * of the same store (those calls do not nest, so it could never succeed).
 *
 * @example Reading the lock path
 * ```ts
 * import { LockTimeoutError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new LockTimeoutError("/tmp/settings.bin.lock", 10_000);
 * assert.equal(error.lockPath, "/tmp/settings.bin.lock");
 * assert.equal(error.timeoutMs, 10_000);
 * assert.match(error.message, /settings\.bin\.lock/);
 * ```
 */
export class LockTimeoutError extends Error {
  /** The lock that could not be taken: a lock file path or a `kv://` key. */
  readonly lockPath: string;
  /** How long the caller waited, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Constructs a new instance.
   *
   * @param lockPath The lock file path or KV lock location.
   * @param timeoutMs How long the caller waited, in milliseconds.
   * @param holder Who holds the lock, as far as the store can tell.
   * @default {"process"}
   */
  constructor(
    lockPath: string,
    timeoutMs: number,
    holder: LockHolder = "process",
  ) {
    super(
      `Cannot lock settings: timed out after ${timeoutMs} ms waiting for '${lockPath}' (${
        LOCK_HOLDERS[holder]
      })`,
    );
    this.name = "LockTimeoutError";
    this.lockPath = lockPath;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Thrown by a store with optimistic concurrency (Deno KV) when a save or
 * delete lost a race: the stored value changed since this store last loaded
 * or saved it, or the `withLock` lease expired and another holder took it.
 * Load again and retry the read-modify-write, preferably inside `withLock`.
 *
 * @example Reading the location
 * ```ts
 * import { SettingsConflictError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new SettingsConflictError(
 *   "kv://mondaykit",
 *   "Cannot save settings to 'kv://mondaykit': the value changed since it was loaded",
 * );
 * assert.equal(error.location, "kv://mondaykit");
 * ```
 */
export class SettingsConflictError extends Error {
  /** The store's location. */
  readonly location: string;

  /**
   * Constructs a new instance.
   *
   * @param location The store's location.
   * @param message The message, naming the location and what to do.
   */
  constructor(location: string, message: string) {
    super(message);
    this.name = "SettingsConflictError";
    this.location = location;
  }
}
