/**
 * Stable ids for audit-log entries, which the API serves without one: the
 * SHA-256 of the entry's canonical JSON (object keys sorted recursively, no
 * whitespace, UTF-8). The format is specified in `docs/audit-export.md`.
 *
 * @module
 */

import { loadSha256Hex, webSha256Hex } from "./_sha256.ts";
import type { AuditLogEntry, AuditLogRecord } from "./types.ts";

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code
 * units at every depth, no whitespace, strings and numbers written as
 * `JSON.stringify` writes them (the same rules as RFC 8785, JCS). Object
 * properties that are `undefined` are left out; values with a `toJSON` method
 * (such as `Date`) are replaced by its result first.
 *
 * @param value A JSON-compatible value.
 * @returns The canonical JSON text.
 * @throws {TypeError} When the value holds something JSON cannot represent: a
 * non-finite number, a bigint, a function, a symbol, `undefined` at the top
 * level or in an array, or a cycle.
 *
 * @example Keys are sorted at every level
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalJson } from "./entry_id.ts";
 *
 * assert.equal(
 *   canonicalJson({ b: 1, a: { d: [true, null], c: "x" } }),
 *   '{"a":{"c":"x","d":[true,null]},"b":1}',
 * );
 * ```
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(sortedCopy(value, 0));
  } catch {
    // The careful writer below names where the value went wrong (and handles
    // what the fast path declines).
  }
  if (typeof text === "string") return text;
  const parts: string[] = [];
  write(value, parts, new Set(), "$");
  return parts.join("");
}

/** One object shape: its keys sorted, and whether a copy keeps that order. */
interface KeyPlan {
  sorted: string[];
  /** The keys are exactly those of a REST entry ({@linkcode copyRestEntry}). */
  rest: boolean;
  /**
   * False when an object built by inserting the keys in sorted order would
   * not list them in that order (array-index keys such as `"10"` always come
   * first, in numeric order) or not hold them all (`__proto__`).
   */
  copyable: boolean;
}

const MAX_PLANS = 1024;
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;
const plans = new Map<string, KeyPlan>();
let lastKeys: string[] = [];
let lastPlan: KeyPlan = { sorted: [], rest: false, copyable: true };

/** The fields of a REST audit-log entry, sorted. */
const REST_KEYS = [
  "account_id",
  "activity_metadata",
  "client_name",
  "client_version",
  "device_name",
  "device_type",
  "event",
  "ip_address",
  "os_name",
  "os_version",
  "slug",
  "timestamp",
  "user_agent",
  "user_id",
];

function planFor(keys: string[]): KeyPlan {
  // Entries of one source share their top-level shape: compare with the last
  // one before looking the key list up.
  if (keys.length === lastKeys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== lastKeys[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastPlan;
  }
  const signature = keys.join("\u0000");
  let plan = plans.get(signature);
  if (plan === undefined) {
    const sorted = [...keys].sort();
    plan = {
      sorted,
      rest: sorted.length === REST_KEYS.length &&
        sorted.every((key, i) => key === REST_KEYS[i]),
      copyable: !sorted.some((key) =>
        key === "__proto__" ||
        (ARRAY_INDEX.test(key) && Number(key) < 4_294_967_295)
      ),
    };
    if (plans.size >= MAX_PLANS) plans.clear();
    plans.set(signature, plan);
  }
  if (keys.length > 4) {
    lastKeys = keys;
    lastPlan = plan;
  }
  return plan;
}

const FAST_DEPTH = 64;

/** A field of an object: left out (`undefined`) or copied. */
function field(value: unknown, depth: number): unknown {
  return value === undefined ? undefined : sortedCopy(value, depth);
}

/**
 * {@linkcode sortedCopy} of an object with exactly the REST entry's fields:
 * one object literal, whose keys are in sorted order (an `undefined` field
 * is left out by `JSON.stringify`, as the canonical form leaves it out).
 */
function copyRestEntry(
  entry: Record<string, unknown>,
  depth: number,
): Record<string, unknown> {
  return {
    account_id: field(entry.account_id, depth),
    activity_metadata: field(entry.activity_metadata, depth),
    client_name: field(entry.client_name, depth),
    client_version: field(entry.client_version, depth),
    device_name: field(entry.device_name, depth),
    device_type: field(entry.device_type, depth),
    event: field(entry.event, depth),
    ip_address: field(entry.ip_address, depth),
    os_name: field(entry.os_name, depth),
    os_version: field(entry.os_version, depth),
    slug: field(entry.slug, depth),
    timestamp: field(entry.timestamp, depth),
    user_agent: field(entry.user_agent, depth),
    user_id: field(entry.user_id, depth),
  };
}

/**
 * The fast path: a copy of the value with every object's keys inserted in
 * sorted order, which `JSON.stringify` then writes natively, as one flat
 * string (cheap to hash). It throws a bare TypeError on anything unusual (a
 * value JSON cannot hold, a cycle, deep nesting, keys a copy cannot keep in
 * order); {@linkcode canonicalJson} then uses the careful writer, which also
 * names where a value went wrong.
 */
function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("non-finite");
      return value;
    case "object": {
      if (value === null) return null;
      if (depth >= FAST_DEPTH) throw new TypeError("too deep");
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        return sortedCopy(
          (value as { toJSON: () => unknown }).toJSON(),
          depth + 1,
        );
      }
      if (Array.isArray(value)) {
        const copy = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          copy[i] = sortedCopy(value[i], depth + 1);
        }
        return copy;
      }
      const record = value as Record<string, unknown>;
      const { sorted, rest, copyable } = planFor(Object.keys(record));
      if (rest) return copyRestEntry(record, depth + 1);
      if (!copyable) throw new TypeError("keys out of order");
      const copy: Record<string, unknown> = {};
      for (let i = 0; i < sorted.length; i++) {
        const key = sorted[i]!;
        const item = record[key];
        if (item !== undefined) copy[key] = sortedCopy(item, depth + 1);
      }
      return copy;
    }
    default:
      throw new TypeError("unsupported");
  }
}

function write(
  value: unknown,
  out: string[],
  seen: Set<object>,
  path: string,
): void {
  if (
    value !== null && typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(
          `Cannot serialise value as JSON: non-finite number '${
            String(value)
          }' at '${path}'`,
        );
      }
      out.push(JSON.stringify(value));
      return;
    case "object": {
      if (value === null) {
        out.push("null");
        return;
      }
      if (seen.has(value)) {
        throw new TypeError(
          `Cannot serialise value as JSON: cycle at '${path}'`,
        );
      }
      seen.add(value);
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          write(value[i], out, seen, `${path}[${i}]`);
        }
        out.push("]");
      } else {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record).filter((key) =>
          record[key] !== undefined
        ).sort();
        out.push("{");
        keys.forEach((key, i) => {
          if (i > 0) out.push(",");
          out.push(JSON.stringify(key), ":");
          write(record[key], out, seen, `${path}.${key}`);
        });
        out.push("}");
      }
      seen.delete(value);
      return;
    }
    default:
      throw new TypeError(
        `Cannot serialise value as JSON: unsupported ${typeof value} at '${path}'`,
      );
  }
}

/**
 * Computes an entry's stable id: the SHA-256, as 64 lowercase hex digits, of
 * the UTF-8 bytes of its canonical JSON ({@linkcode canonicalJson}). A
 * top-level `id` field is left out, so an exported record hashes to its own
 * id. Two entries that are equal in every field get the same id.
 *
 * @param entry An audit-log entry.
 * @returns The id.
 * @throws {TypeError} When the entry is not a JSON object.
 *
 * @example Key order does not matter
 * ```ts
 * import assert from "node:assert/strict";
 * import { entryId } from "./entry_id.ts";
 *
 * const a = await entryId({ timestamp: "2026-11-01T00:00:00.000Z", event: "login" });
 * const b = await entryId({ event: "login", timestamp: "2026-11-01T00:00:00.000Z" });
 * assert.equal(a, b);
 * assert.match(a, /^[0-9a-f]{64}$/);
 * ```
 */
export async function entryId(entry: AuditLogEntry): Promise<string> {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new TypeError(
      `Cannot compute entry id: expected an object, got '${
        Array.isArray(entry) ? "array" : String(entry)
      }'`,
    );
  }
  const text = canonicalJson(withoutId(entry));
  const sha256Hex = await loadSha256Hex();
  return sha256Hex ? sha256Hex(text) : await webSha256Hex(text);
}

/** The entry without a top-level `id` (itself when it has none, as served). */
function withoutId(entry: AuditLogEntry): AuditLogEntry {
  if (!Object.hasOwn(entry, "id")) return entry;
  const { id: _ignored, ...rest } = entry as AuditLogEntry & { id?: unknown };
  return rest;
}

/**
 * Adds the stable `id` to an entry: `{ id, ...entry }`, with `id` first.
 *
 * @param entry An audit-log entry.
 * @returns A new object with `id` first, then the entry's fields.
 * @throws {TypeError} When the entry is not a JSON object.
 *
 * @example Tag an entry
 * ```ts
 * import assert from "node:assert/strict";
 * import { entryId, withEntryId } from "./entry_id.ts";
 *
 * const entry = { timestamp: "2026-11-01T00:00:00.000Z", event: "login" };
 * const record = await withEntryId(entry);
 * assert.equal(record.id, await entryId(entry));
 * assert.deepEqual(Object.keys(record), ["id", "timestamp", "event"]);
 * ```
 */
export async function withEntryId(
  entry: AuditLogEntry,
): Promise<AuditLogRecord> {
  const id = await entryId(entry);
  const { id: _old, ...rest } = entry as AuditLogEntry & { id?: unknown };
  return { id, ...rest } as AuditLogRecord;
}
