/**
 * Where the exporter remembers how far it got: the timestamp of the last
 * exported entry, the ids exported at exactly that timestamp, and the sink's
 * state. Stores for a file (atomic replace: temp file, fsync, rename), Deno
 * KV and memory.
 *
 * @module
 */

import { checkFileMode, writeFileAtomic } from "../_fs/mod.ts";
import type { SinkState } from "./sinks.ts";

/** The exporter's saved position. */
export interface AuditCheckpoint {
  /** The format version, `1`. */
  version: 1;
  /**
   * The timestamp (ISO 8601, UTC, milliseconds) of the last exported entry,
   * or `null` before the first one.
   */
  timestamp: string | null;
  /**
   * The ids of the entries exported at exactly `timestamp` (an id appears
   * once per entry, so equal entries appear as often as they were exported).
   */
  ids: string[];
  /** The sink's state after the last acknowledged batch. */
  sink?: SinkState;
  /** The filters the export runs with (API spelling, without times). */
  filters?: Record<string, unknown>;
  /** How many entries were exported in total. */
  exported: number;
  /** When the checkpoint was saved (ISO 8601). */
  updatedAt: string;
}

/** Options for checkpoint store operations. */
export interface CheckpointOperationOptions {
  /** Aborts the operation where the backend allows. */
  signal?: AbortSignal;
}

/** A place to load and save an {@linkcode AuditCheckpoint}. */
export interface CheckpointStore {
  /** A description of where, for messages (no secrets). */
  readonly location: string;
  /**
   * Loads the checkpoint.
   *
   * @param options Signal.
   * @returns The checkpoint, or `undefined` when none was saved.
   */
  load(
    options?: CheckpointOperationOptions,
  ): Promise<AuditCheckpoint | undefined>;
  /**
   * Saves the checkpoint durably, replacing the old one atomically.
   *
   * @param checkpoint The checkpoint.
   * @param options Signal.
   * @returns A promise that resolves once it is stored.
   */
  save(
    checkpoint: AuditCheckpoint,
    options?: CheckpointOperationOptions,
  ): Promise<void>;
  /**
   * Removes the checkpoint (the next export starts afresh).
   *
   * @param options Signal.
   * @returns A promise that resolves once removed.
   */
  delete(options?: CheckpointOperationOptions): Promise<void>;
}

/**
 * Checks that a parsed value is a checkpoint of a version this code reads.
 *
 * @param value The parsed JSON.
 * @param location Where it came from, for messages.
 * @returns The checkpoint.
 * @throws {SyntaxError} When the value is not a valid checkpoint.
 *
 * @example Validate a checkpoint
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCheckpoint } from "./checkpoint.ts";
 *
 * const checkpoint = parseCheckpoint({
 *   version: 1, timestamp: null, ids: [], exported: 0, updatedAt: "2026-11-01T00:00:00.000Z",
 * }, "test");
 * assert.equal(checkpoint.exported, 0);
 * assert.throws(() => parseCheckpoint({ version: 9 }, "test"), SyntaxError);
 * ```
 */
export function parseCheckpoint(
  value: unknown,
  location: string,
): AuditCheckpoint {
  const fail = (what: string): never => {
    throw new SyntaxError(`Invalid checkpoint at '${location}': ${what}`);
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail("expected a JSON object");
  }
  const v = value as Record<string, unknown>;
  if (v.version !== 1) {
    return fail(`unsupported version '${String(v.version)}' (expected 1)`);
  }
  if (
    v.timestamp !== null &&
    (typeof v.timestamp !== "string" || Number.isNaN(Date.parse(v.timestamp)))
  ) {
    return fail("'timestamp' must be an ISO 8601 string or null");
  }
  if (
    !Array.isArray(v.ids) ||
    !v.ids.every((id) => typeof id === "string" && /^[0-9a-f]{64}$/.test(id))
  ) {
    return fail("'ids' must be a list of SHA-256 hex ids");
  }
  if (
    v.sink !== undefined &&
    (v.sink === null || typeof v.sink !== "object" || Array.isArray(v.sink))
  ) {
    return fail("'sink' must be an object");
  }
  if (typeof v.exported !== "number" || !Number.isSafeInteger(v.exported)) {
    return fail("'exported' must be an integer");
  }
  return value as AuditCheckpoint;
}

/**
 * Keeps the checkpoint in a JSON file, mode 0600 unless
 * {@linkcode FileCheckpointStoreOptions.mode} says otherwise. Each save
 * writes a temporary file next to it, `fsync`s it, renames it over the old
 * one and `fsync`s the directory, so a crash leaves either the old or the
 * new checkpoint, never a torn one.
 *
 * Needs `--allow-read` and `--allow-write` for the file's directory.
 *
 * @example Save and load
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileCheckpointStore } from "./checkpoint.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = new FileCheckpointStore(`${dir}/checkpoint.json`);
 * assert.equal(await store.load(), undefined);
 * await store.save({ version: 1, timestamp: null, ids: [], exported: 0, updatedAt: new Date().toISOString() });
 * assert.equal((await store.load())?.exported, 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  #path: string;
  #mode: number;

  /**
   * Makes a file checkpoint store; nothing is read until `load`.
   *
   * @param path The checkpoint file.
   * @param options The file's mode.
   * @throws {TypeError} When the path is empty.
   * @throws {RangeError} When the mode is not an integer from 0 to 0o777.
   */
  constructor(path: string, options: FileCheckpointStoreOptions = {}) {
    if (typeof path !== "string" || path === "") {
      throw new TypeError(
        "Invalid checkpoint path: expected a non-empty string",
      );
    }
    this.#path = path;
    this.#mode = checkFileMode(options.mode ?? 0o600, "checkpoint file mode");
  }

  /** The file's path. */
  get location(): string {
    return this.#path;
  }

  /**
   * Reads the checkpoint file.
   *
   * @returns The checkpoint, or `undefined` when the file does not exist.
   * @throws {SyntaxError} When the file is not a valid checkpoint.
   */
  async load(): Promise<AuditCheckpoint | undefined> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.#path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SyntaxError(
        `Invalid checkpoint at '${this.#path}': not JSON`,
      );
    }
    return parseCheckpoint(parsed, this.#path);
  }

  /**
   * Replaces the checkpoint file atomically and durably.
   *
   * @param checkpoint The checkpoint.
   * @returns A promise that resolves once it is on disk.
   */
  async save(checkpoint: AuditCheckpoint): Promise<void> {
    await writeFileAtomic(this.#path, JSON.stringify(checkpoint) + "\n", {
      mode: this.#mode,
    });
  }

  /**
   * Deletes the checkpoint file (no error when it does not exist).
   *
   * @returns A promise that resolves once deleted.
   */
  async delete(): Promise<void> {
    try {
      await Deno.remove(this.#path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

/** Options for {@linkcode FileCheckpointStore}. */
export interface FileCheckpointStoreOptions {
  /**
   * The permission bits of the checkpoint file (before the umask). A
   * checkpoint names the export's output file and its filters (user ids, IP
   * addresses), so by default only its owner may read it.
   *
   * @default {0o600}
   */
  mode?: number;
}

/** Options for {@linkcode KvCheckpointStore}. */
export interface KvCheckpointStoreOptions {
  /**
   * The key the checkpoint lives under (its parts are stored under longer
   * keys starting with it).
   *
   * @default {["mondaykit", "audit-checkpoint"]}
   */
  key?: Deno.KvKey;
}

const KV_CHUNK = 60_000;

/**
 * Keeps the checkpoint in Deno KV (on Deno Deploy, or locally with
 * `--unstable-kv`). The JSON is split into parts below KV's 64 KiB value
 * limit and written in one atomic commit.
 *
 * @example Save and load in an in-memory KV
 * ```ts
 * import assert from "node:assert/strict";
 * import { KvCheckpointStore } from "./checkpoint.ts";
 *
 * using kv = await Deno.openKv(":memory:");
 * const store = new KvCheckpointStore(kv);
 * await store.save({ version: 1, timestamp: null, ids: [], exported: 3, updatedAt: new Date().toISOString() });
 * assert.equal((await store.load())?.exported, 3);
 * ```
 */
export class KvCheckpointStore implements CheckpointStore {
  #kv: Deno.Kv;
  #key: Deno.KvKey;

  /**
   * Makes a KV checkpoint store.
   *
   * @param kv An open KV database (the caller closes it).
   * @param options The key.
   */
  constructor(kv: Deno.Kv, options: KvCheckpointStoreOptions = {}) {
    this.#kv = kv;
    this.#key = options.key ?? ["mondaykit", "audit-checkpoint"];
  }

  /** A description of the key. */
  get location(): string {
    return `kv://${this.#key.map(String).join("/")}`;
  }

  /**
   * Reads the checkpoint.
   *
   * @returns The checkpoint, or `undefined` when none is stored.
   * @throws {SyntaxError} When the stored value is not a valid checkpoint.
   */
  async load(): Promise<AuditCheckpoint | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const head = await this.#kv.get<{ generation: string; parts: number }>(
        [...this.#key, "head"],
      );
      if (head.value === null) return undefined;
      const { generation, parts } = head.value;
      let text = "";
      let complete = true;
      for (let i = 0; i < parts; i++) {
        const part = await this.#kv.get<string>([
          ...this.#key,
          "part",
          generation,
          i,
        ]);
        if (typeof part.value !== "string") {
          complete = false;
          break;
        }
        text += part.value;
      }
      if (!complete) continue; // replaced while reading: read the new one
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new SyntaxError(
          `Invalid checkpoint at '${this.location}': not JSON`,
        );
      }
      return parseCheckpoint(parsed, this.location);
    }
    throw new Error(
      `Cannot read checkpoint at '${this.location}': it keeps changing`,
    );
  }

  /**
   * Writes the checkpoint in one atomic commit, removing the old one's parts.
   *
   * @param checkpoint The checkpoint.
   * @returns A promise that resolves once committed.
   * @throws {RangeError} When the checkpoint is too large for one commit.
   */
  async save(checkpoint: AuditCheckpoint): Promise<void> {
    const text = JSON.stringify(checkpoint);
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += KV_CHUNK) {
      parts.push(text.slice(i, i + KV_CHUNK));
    }
    if (parts.length > 12) {
      throw new RangeError(
        `Cannot save checkpoint at '${this.location}': ${text.length} characters is more than one KV commit holds`,
      );
    }
    const headKey = [...this.#key, "head"];
    const old = await this.#kv.get<{ generation: string; parts: number }>(
      headKey,
    );
    const generation = crypto.randomUUID();
    const op = this.#kv.atomic().check(old);
    parts.forEach((part, i) => {
      op.set([...this.#key, "part", generation, i], part);
    });
    op.set(headKey, { generation, parts: parts.length });
    if (old.value) {
      for (let i = 0; i < old.value.parts; i++) {
        op.delete([...this.#key, "part", old.value.generation, i]);
      }
    }
    const result = await op.commit();
    if (!result.ok) {
      throw new Error(
        `Cannot save checkpoint at '${this.location}': another writer changed it at the same time`,
      );
    }
  }

  /**
   * Deletes the checkpoint.
   *
   * @returns A promise that resolves once deleted.
   */
  async delete(): Promise<void> {
    const headKey = [...this.#key, "head"];
    const old = await this.#kv.get<{ generation: string; parts: number }>(
      headKey,
    );
    if (!old.value) return;
    const op = this.#kv.atomic().check(old).delete(headKey);
    for (let i = 0; i < old.value.parts; i++) {
      op.delete([...this.#key, "part", old.value.generation, i]);
    }
    await op.commit();
  }
}

/**
 * Keeps the checkpoint in memory (lost when the process ends). The default
 * when no store is given.
 *
 * @example Save and load
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryCheckpointStore } from "./checkpoint.ts";
 *
 * const store = new MemoryCheckpointStore();
 * await store.save({ version: 1, timestamp: null, ids: [], exported: 1, updatedAt: "2026-11-01T00:00:00.000Z" });
 * assert.equal((await store.load())?.exported, 1);
 * ```
 */
export class MemoryCheckpointStore implements CheckpointStore {
  #value: string | undefined;

  /** Always `memory://`. */
  get location(): string {
    return "memory://";
  }

  /**
   * Returns a copy of the saved checkpoint.
   *
   * @returns The checkpoint, or `undefined`.
   */
  load(): Promise<AuditCheckpoint | undefined> {
    return Promise.resolve(
      this.#value === undefined ? undefined : JSON.parse(this.#value),
    );
  }

  /**
   * Stores a copy of the checkpoint.
   *
   * @param checkpoint The checkpoint.
   * @returns A resolved promise.
   */
  save(checkpoint: AuditCheckpoint): Promise<void> {
    this.#value = JSON.stringify(checkpoint);
    return Promise.resolve();
  }

  /**
   * Forgets the checkpoint.
   *
   * @returns A resolved promise.
   */
  delete(): Promise<void> {
    this.#value = undefined;
    return Promise.resolve();
  }
}
