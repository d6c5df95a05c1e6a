/**
 * {@linkcode KvStore}: encrypted settings in Deno KV, for Deno Deploy and for
 * local programs run with `--unstable-kv`.
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
import { encodeRecord, sealBytes, type Subject, unseal } from "./_format.ts";
import { createKeySource, type KeySource } from "./_keys.ts";
import { checkTimeout, Mutex } from "./_mutex.ts";
import { sleep } from "../_http/mod.ts";
import {
  LockTimeoutError,
  SettingsConflictError,
  SettingsFormatError,
} from "./errors.ts";

/** Largest value Deno KV stores. */
const KV_VALUE_LIMIT = 65_536;

/** Options for {@linkcode KvStore}. */
export interface KvStoreOptions extends KeyOptions {
  /**
   * The KV database: a handle (the caller closes it), or a function returning
   * one (called once, on first use; the caller closes it). Without it the
   * store opens `Deno.openKv(kvPath)` on first use and `close()` closes it.
   *
   * @default {undefined}
   */
  kv?: Deno.Kv | (() => Promise<Deno.Kv>);
  /**
   * The database path passed to `Deno.openKv` when `kv` is not given.
   *
   * @default {undefined (the default database)}
   */
  kvPath?: string;
  /**
   * How long a `withLock` lease lasts, in milliseconds. The holder renews it
   * every third of this while its critical section runs; a holder that dies
   * (or stalls longer than this) blocks others at most this long, and a
   * stalled holder's later saves throw `SettingsConflictError`.
   *
   * @default {30000}
   */
  leaseMs?: number;
  /**
   * The wall clock leases are stamped with (ms since the epoch); shared by
   * every isolate using the database.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/** SQLite's "busy" error from a local KV file shared by several processes. */
function isBusy(error: unknown): boolean {
  return error instanceof Error &&
    /database is (locked|busy)/i.test(error.message);
}

/**
 * Runs a KV operation, retrying while a local database is busy (another
 * process holds SQLite's write lock): up to ~10 s, then the error propagates.
 * A busy commit is not applied, so retrying it is safe.
 */
async function retryBusy<T>(
  op: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  let delay = 2;
  for (let attempt = 0;; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!isBusy(error) || attempt >= 100) throw error;
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 100);
  }
}

interface Lease {
  owner: string;
  expiresAt: number;
}

/**
 * A settings store in Deno KV under the key prefix `prefix` (`a/b` →
 * `["a", "b", ...]`). The record is kept at `[...prefix, "settings"]`,
 * encrypted in the same format as the settings file (see
 * `docs/settings-format.md`); the key comes from the `key`, `passphrase` or
 * `keyFile` option, else `MONDAYKIT_SETTINGS_KEY`, else
 * `MONDAYKIT_SETTINGS_PASSPHRASE` (there is no default key file: Deploy has
 * no writable disk).
 *
 * Concurrency: every save and delete is an atomic check-and-set on the
 * versionstamp this store last saw (by `load`, `save` or `delete`). If another
 * isolate changed the value since, it throws `SettingsConflictError` and
 * writes nothing: load again and redo the change. Inside `withLock`, writes
 * also check that this store still holds its lease `[...prefix, "lock"]`, so
 * two isolates cannot both win a token refresh. The database is opened
 * lazily, on first use, never at import.
 *
 * Permissions: `--unstable-kv` locally (nothing on Deno Deploy),
 * `--allow-env` for the key variables, `--allow-read`/`--allow-write` for a
 * local database file.
 *
 * @example A read-modify-write under the lease
 * ```ts
 * import { KvStore } from "./kv_store.ts";
 * import assert from "node:assert/strict";
 *
 * const kv = await Deno.openKv(":memory:");
 * const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
 * const store = new KvStore("mondaykit/example", { kv, key });
 * await store.withLock(async () => {
 *   const record = (await store.load()) ?? { count: 0 };
 *   await store.save({ count: (record.count as number) + 1 });
 * });
 * assert.deepEqual(await store.load(), { count: 1 });
 * kv.close();
 * ```
 */
export class KvStore implements SettingsStore {
  /** `kv://<prefix>`. */
  readonly location: string;
  #prefix: string[];
  #keys: KeySource;
  #subject: Subject;
  #kvOption: Deno.Kv | (() => Promise<Deno.Kv>) | undefined;
  #path: string | undefined;
  #kv: Promise<Deno.Kv> | undefined;
  #owned: Deno.Kv | undefined;
  #closed = false;
  #leaseMs: number;
  #now: () => number;
  #mutex = new Mutex();
  /** The versionstamp last seen: null = seen absent; undefined = never looked. */
  #seen: string | null | undefined;
  #lease: string | undefined;
  /** Writes in flight; the lease is not renewed meanwhile. */
  #writing = 0;
  /** A lease renewal in flight; writes wait for it. */
  #renewing: Promise<void> | undefined;

  /**
   * Creates the store; nothing is opened until first use.
   *
   * @param prefix The KV key prefix, parts separated by `/`.
   * @param options The KV handle, key source and lease settings.
   * @throws {TypeError} `prefix` is empty, or key options conflict or are invalid.
   * @throws {RangeError} `leaseMs` or `iterations` is out of bounds.
   */
  constructor(prefix: string, options: KvStoreOptions = {}) {
    if (typeof prefix !== "string") {
      throw new TypeError("Invalid KV prefix: expected a string");
    }
    const parts = prefix.split("/").filter((part) => part !== "");
    if (parts.length === 0) {
      throw new TypeError(
        `Invalid KV prefix: expected at least one key part, got '${prefix}'`,
      );
    }
    this.#prefix = parts;
    this.location = `kv://${parts.join("/")}`;
    const leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isFinite(leaseMs) || leaseMs < 1) {
      throw new RangeError(
        `Invalid leaseMs: expected a finite number >= 1, got '${leaseMs}'`,
      );
    }
    this.#leaseMs = leaseMs;
    this.#now = options.now ?? Date.now;
    this.#kvOption = options.kv;
    this.#path = options.kvPath;
    const what = `settings in '${this.location}'`;
    this.#keys = createKeySource(options, { what, location: this.location });
    this.#subject = {
      location: this.location,
      what,
      advice:
        "restore them, or remove them with delete({ force: true }) and sign in again",
    };
  }

  get #settingsKey(): Deno.KvKey {
    return [...this.#prefix, "settings"];
  }

  get #lockKey(): Deno.KvKey {
    return [...this.#prefix, "lock"];
  }

  #db(): Promise<Deno.Kv> {
    if (this.#closed) {
      return Promise.reject(
        new TypeError(`Cannot use '${this.location}': the store is closed`),
      );
    }
    this.#kv ??= (async () => {
      const option = this.#kvOption;
      if (typeof option === "function") return await option();
      if (option !== undefined) return option;
      const open = (Deno as { openKv?: typeof Deno.openKv }).openKv;
      if (typeof open !== "function") {
        throw new TypeError(
          `Cannot open '${this.location}': Deno KV is not available; run with --unstable-kv or on Deno Deploy`,
        );
      }
      const kv = await retryBusy(() => open(this.#path));
      if (this.#closed) {
        kv.close();
        throw new TypeError(
          `Cannot use '${this.location}': the store is closed`,
        );
      }
      this.#owned = kv;
      return kv;
    })();
    this.#kv.catch(() => {
      this.#kv = undefined;
    });
    return this.#kv;
  }

  async #read(
    kv: Deno.Kv,
  ): Promise<
    { entry: Deno.KvEntryMaybe<unknown>; record: SettingsRecord | undefined }
  > {
    const entry = await retryBusy(() => kv.get<unknown>(this.#settingsKey));
    if (entry.value === null) return { entry, record: undefined };
    if (!(entry.value instanceof Uint8Array)) {
      throw new SettingsFormatError(
        this.location,
        "notSettingsFile",
        `Cannot read ${this.#subject.what}: the value is not a mondaykit settings blob; ${this.#subject.advice}`,
      );
    }
    return {
      entry,
      record: await unseal(entry.value, this.#keys, this.#subject),
    };
  }

  #conflict(action: string): SettingsConflictError {
    return new SettingsConflictError(
      this.location,
      `Cannot ${action} '${this.location}': another writer changed the settings${
        this.#lease !== undefined ? " or this store's lock lease expired" : ""
      } since this store last read them; load again and retry (inside withLock)`,
    );
  }

  /**
   * Reads and decrypts the record.
   *
   * @param options A signal.
   * @returns The record, or `undefined` when none is stored.
   * @throws {SettingsFormatError} The value is not readable settings.
   * @throws {SettingsDecryptError} Wrong key, or the value was changed.
   */
  async load(options: LoadOptions = {}): Promise<SettingsRecord | undefined> {
    options.signal?.throwIfAborted();
    const kv = await this.#db();
    options.signal?.throwIfAborted();
    const { entry, record } = await this.#read(kv);
    this.#seen = entry.versionstamp;
    return record;
  }

  /**
   * Encrypts and stores `record` with an atomic check-and-set.
   *
   * @param record A JSON-serialisable object.
   * @param options A signal.
   * @returns A promise that resolves once committed.
   * @throws {TypeError} The record is not a JSON-serialisable object.
   * @throws {RangeError} The encrypted record exceeds KV's 64 KiB value limit.
   * @throws {SettingsConflictError} The value changed since this store last saw it, or the lease was lost.
   * @throws {SettingsFormatError} The stored value is unreadable (left untouched).
   * @throws {SettingsDecryptError} The stored value does not decrypt (left untouched).
   */
  async save(record: SettingsRecord, options: SaveOptions = {}): Promise<void> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const plaintext = encodeRecord(record, this.#subject.what);
    this.#writing++;
    try {
      await this.#renewing;
      await this.#save(plaintext, signal);
    } finally {
      this.#writing--;
    }
  }

  async #save(
    plaintext: Uint8Array<ArrayBuffer>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const kv = await this.#db();
    const { entry } = await this.#read(kv);
    if (this.#seen !== undefined && entry.versionstamp !== this.#seen) {
      throw this.#conflict("save settings to");
    }
    const bytes = await sealBytes(plaintext, this.#keys, this.#subject.what);
    if (bytes.length > KV_VALUE_LIMIT) {
      throw new RangeError(
        `Cannot save ${this.#subject.what}: ${bytes.length} encrypted bytes exceed Deno KV's ${KV_VALUE_LIMIT}-byte value limit`,
      );
    }
    signal?.throwIfAborted();
    let op = kv.atomic().check(entry);
    if (this.#lease !== undefined) {
      op = op.check({ key: this.#lockKey, versionstamp: this.#lease });
    }
    op = op.set(this.#settingsKey, bytes);
    const result = await retryBusy(() => op.commit());
    if (!result.ok) throw this.#conflict("save settings to");
    this.#seen = result.versionstamp;
  }

  /**
   * Removes the record with an atomic check. Unreadable data is left alone
   * unless `force` is set.
   *
   * @param options A signal and `force`.
   * @returns A promise that resolves once removed.
   * @throws {SettingsConflictError} The value changed since this store last saw it, or the lease was lost.
   * @throws {SettingsFormatError} The value is unreadable (without `force`).
   * @throws {SettingsDecryptError} The value does not decrypt (without `force`).
   */
  async delete(options: DeleteOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    this.#writing++;
    try {
      await this.#renewing;
      await this.#delete(options);
    } finally {
      this.#writing--;
    }
  }

  async #delete(options: DeleteOptions): Promise<void> {
    const kv = await this.#db();
    const entry = options.force === true
      ? await retryBusy(() => kv.get<unknown>(this.#settingsKey))
      : (await this.#read(kv)).entry;
    if (
      options.force !== true && this.#seen !== undefined &&
      entry.versionstamp !== this.#seen
    ) {
      throw this.#conflict("delete settings in");
    }
    options.signal?.throwIfAborted();
    let op = kv.atomic().check(entry);
    if (this.#lease !== undefined) {
      op = op.check({ key: this.#lockKey, versionstamp: this.#lease });
    }
    op = op.delete(this.#settingsKey);
    const result = await retryBusy(() => op.commit());
    if (!result.ok) throw this.#conflict("delete settings in");
    this.#seen = null;
  }

  /**
   * Runs `fn` holding an expiring lease at `[...prefix, "lock"]`, exclusive
   * across isolates and processes sharing the database. The lease is renewed
   * every `leaseMs / 3` while `fn` runs; a lease whose holder died expires
   * after `leaseMs`. Not reentrant.
   *
   * @param fn The critical section.
   * @param options A signal and a timeout for the wait.
   * @returns What `fn` returns.
   * @throws {LockTimeoutError} The lease was not free within `timeoutMs`.
   * @throws {RangeError} `timeoutMs` is negative or not finite.
   */
  async withLock<T>(
    fn: () => Promise<T>,
    options: LockOptions = {},
  ): Promise<T> {
    const timeoutMs = checkTimeout(options.timeoutMs);
    const deadline = Date.now() + timeoutMs;
    const lockName = `${this.location}/lock`;
    const releaseLocal = await this.#mutex.acquire(
      lockName,
      timeoutMs,
      options.signal,
    );
    try {
      const kv = await this.#db();
      const owner = crypto.randomUUID();
      let delay = 5;
      while (true) {
        options.signal?.throwIfAborted();
        try {
          const entry = await kv.get<Lease>(this.#lockKey);
          const now = this.#now();
          const lease = entry.value;
          if (
            lease === null || typeof lease !== "object" ||
            typeof lease.expiresAt !== "number" || lease.expiresAt <= now
          ) {
            const result = await kv.atomic().check(entry).set(
              this.#lockKey,
              { owner, expiresAt: now + this.#leaseMs } satisfies Lease,
              { expireIn: this.#leaseMs },
            ).commit();
            if (result.ok) {
              this.#lease = result.versionstamp;
              break;
            }
            continue; // another holder got there first: look again
          }
        } catch (error) {
          // A local database busy with another process: wait and retry.
          if (!isBusy(error)) throw error;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new LockTimeoutError(lockName, timeoutMs);
        await sleep(Math.min(delay, left), options.signal);
        delay = Math.min(delay * 2, 100);
      }
      // Renew the lease every third of its length while fn runs, so a slow
      // critical section (a token refresh that retries) keeps it.
      const renew = () => {
        const held = this.#lease;
        if (held === undefined || this.#writing > 0 || this.#renewing) return;
        const now = this.#now();
        this.#renewing = kv.atomic()
          .check({ key: this.#lockKey, versionstamp: held })
          .set(
            this.#lockKey,
            { owner, expiresAt: now + this.#leaseMs } satisfies Lease,
            { expireIn: this.#leaseMs },
          ).commit()
          .then((result) => {
            if (result.ok && this.#lease === held) {
              this.#lease = result.versionstamp;
            }
          }, () => {})
          .finally(() => {
            this.#renewing = undefined;
          });
      };
      const timer = setInterval(
        renew,
        Math.max(1, Math.floor(this.#leaseMs / 3)),
      );
      try {
        return await this.#mutex.hold(fn);
      } finally {
        clearInterval(timer);
        await this.#renewing;
        const held = this.#lease;
        this.#lease = undefined;
        if (held !== undefined) {
          const release = kv.atomic()
            .check({ key: this.#lockKey, versionstamp: held })
            .delete(this.#lockKey);
          // If this fails the lease simply expires after leaseMs.
          await retryBusy(() => release.commit()).catch(() => {});
        }
      }
    } finally {
      releaseLocal();
    }
  }

  /** Closes the KV database if this store opened it. */
  close(): void {
    this.#closed = true;
    this.#owned?.close();
    this.#owned = undefined;
    this.#kv = undefined;
  }
}
