/**
 * Stable ids for audit-log entries, which the API serves without one: the
 * SHA-256 of the entry's canonical JSON (object keys sorted recursively, no
 * whitespace, UTF-8). The format is specified in `docs/audit-export.md`.
 *
 * @module
 */

import { fastCanonicalJson } from "./_canonical.ts";
import { sha256Hex } from "./_sha256.ts";
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
 * @throws {RangeError} When the value is nested more than 1,000 levels deep
 * (untrusted data must not exhaust the call stack).
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
  const text = fastCanonicalJson(value);
  if (text !== undefined) return text;
  // The careful writer names where the value went wrong (and handles what
  // the fast path declines).
  const parts: string[] = [];
  write(value, parts, new Set(), "$", 0);
  return parts.join("");
}

/**
 * How deep the careful writer walks. Server data is untrusted: a value
 * nested deeper than this is refused with a RangeError (naming where)
 * instead of exhausting the call stack.
 */
const MAX_DEPTH = 1000;

/** A path for an error: its start and end when it is long. */
function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-40)}`;
}

function write(
  value: unknown,
  out: string[],
  seen: Set<object>,
  path: string,
  depth: number,
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
      if (depth >= MAX_DEPTH) {
        throw new RangeError(
          `Cannot serialise value as JSON: nested more than ${MAX_DEPTH} levels deep at '${
            shortPath(path)
          }'`,
        );
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
          write(value[i], out, seen, `${path}[${i}]`, depth + 1);
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
          write(record[key], out, seen, `${path}.${key}`, depth + 1);
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
export function entryId(entry: AuditLogEntry): Promise<string> {
  try {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new TypeError(
        `Cannot compute entry id: expected an object, got '${
          Array.isArray(entry) ? "array" : String(entry)
        }'`,
      );
    }
    return Promise.resolve(sha256Hex(entryCanonicalText(entry)));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The text an entry's id hashes: the canonical JSON of the entry without a
 * top-level `id` (the one definition; the exporter uses it too).
 *
 * @param entry An audit-log entry.
 * @returns The canonical JSON.
 * @throws {TypeError} When the entry holds a value JSON cannot represent.
 * @throws {RangeError} When it is nested too deeply.
 */
export function entryCanonicalText(entry: AuditLogEntry): string {
  if (!Object.hasOwn(entry, "id")) return canonicalJson(entry);
  const { id: _ignored, ...rest } = entry as AuditLogEntry & { id?: unknown };
  return canonicalJson(rest);
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
