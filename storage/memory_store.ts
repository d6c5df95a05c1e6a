/**
 * {@linkcode MemoryStore}: settings held in this process only, shared by id.
 *
 * @module
 */

import type {
  DeleteOptions,
  LoadOptions,
  LockOptions,
  SaveOptions,
  SettingsRecord,
  SettingsStore,
} from "./types.ts";
import { encodeRecord } from "./_format.ts";
import { checkTimeout, Mutex } from "./_mutex.ts";

interface Slot {
  json: string | undefined;
  mutex: Mutex;
}

/** Runs `fn` now, turning a throw into a rejected promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

const REGISTRY_KEY = Symbol.for("mondaykit.storage.memory");

function slotFor(id: string): Slot {
  const global = globalThis as unknown as Record<symbol, Map<string, Slot>>;
  global[REGISTRY_KEY] ??= new Map<string, Slot>();
  const registry = global[REGISTRY_KEY];
  let slot = registry.get(id);
  if (slot === undefined) {
    slot = { json: undefined, mutex: new Mutex() };
    registry.set(id, slot);
  }
  return slot;
}

/**
 * A settings store in this process's memory, shared by every `MemoryStore`
 * with the same id (`memory://<id>`), gone when the process exits. Records are
 * copied in and out as JSON, so callers cannot change the stored record by
 * mutating an object. `withLock` is an in-process FIFO lock. Needs no
 * permissions.
 *
 * @example Two handles on one id
 * ```ts
 * import { MemoryStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 *
 * const a = new MemoryStore("example");
 * const b = new MemoryStore("example");
 * await a.save({ token: "t1" });
 * assert.deepEqual(await b.load(), { token: "t1" });
 * await b.delete();
 * assert.equal(await a.load(), undefined);
 * ```
 */
export class MemoryStore implements SettingsStore {
  /** `memory://<id>`. */
  readonly location: string;
  #slot: Slot;

  /**
   * Opens the in-memory store `id`.
   *
   * @param id The store id; stores with the same id share the record.
   * @throws {TypeError} `id` is empty.
   */
  constructor(id: string = "default") {
    if (typeof id !== "string" || id === "") {
      throw new TypeError(
        "Invalid memory store id: expected a non-empty string",
      );
    }
    this.location = `memory://${id}`;
    this.#slot = slotFor(id);
  }

  /**
   * Reads the record.
   *
   * @param options A signal.
   * @returns A copy of the record, or `undefined` when none is stored.
   */
  load(options: LoadOptions = {}): Promise<SettingsRecord | undefined> {
    return settle(() => {
      options.signal?.throwIfAborted();
      const json = this.#slot.json;
      return json === undefined
        ? undefined
        : JSON.parse(json) as SettingsRecord;
    });
  }

  /**
   * Replaces the record with a copy of `record`.
   *
   * @param record A JSON-serialisable object.
   * @param options A signal.
   * @returns A promise that resolves once stored.
   * @throws {TypeError} The record is not a JSON-serialisable object.
   */
  save(record: SettingsRecord, options: SaveOptions = {}): Promise<void> {
    return settle(() => {
      options.signal?.throwIfAborted();
      const bytes = encodeRecord(record, `settings to '${this.location}'`);
      this.#slot.json = new TextDecoder().decode(bytes);
    });
  }

  /**
   * Removes the record.
   *
   * @param options A signal.
   * @returns A promise that resolves once removed.
   */
  delete(options: DeleteOptions = {}): Promise<void> {
    return settle(() => {
      options.signal?.throwIfAborted();
      this.#slot.json = undefined;
    });
  }

  /**
   * Runs `fn` holding this id's in-process lock (FIFO).
   *
   * @param fn The critical section.
   * @param options A signal and a timeout for the wait.
   * @returns What `fn` returns.
   * @throws {LockTimeoutError} The lock was not free within `timeoutMs`.
   * @throws {RangeError} `timeoutMs` is negative or not finite.
   */
  async withLock<T>(
    fn: () => Promise<T>,
    options: LockOptions = {},
  ): Promise<T> {
    const timeoutMs = checkTimeout(options.timeoutMs);
    const release = await this.#slot.mutex.acquire(
      this.location,
      timeoutMs,
      options.signal,
    );
    try {
      return await this.#slot.mutex.hold(fn);
    } finally {
      release();
    }
  }
}
