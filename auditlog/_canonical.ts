/**
 * The fast path of {@linkcode canonicalJson}: a copy of the value with every
 * object's keys inserted in sorted order, which `JSON.stringify` then writes
 * natively, as one flat string (cheap to hash). It declines (returns
 * `undefined`) anything unusual — a value JSON cannot hold, a cycle, deep
 * nesting, keys a copy cannot keep in order — and the careful writer in
 * `entry_id.ts` takes over. A REST entry's fields are copied with one object
 * literal, which the exporter also turns into the record itself.
 *
 * @module
 */

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

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const RECENT = 16;
const recentKeys: string[][] = [];
const recentPlans: KeyPlan[] = [];
let recentNext = 0;

function planFor(keys: string[]): KeyPlan {
  // Entries of one source share their top-level shape, and their metadata
  // comes in a few shapes: compare with the shapes seen last before looking
  // the key list up.
  if (sameKeys(keys, lastKeys)) return lastPlan;
  for (let i = 0; i < recentKeys.length; i++) {
    if (sameKeys(keys, recentKeys[i]!)) return recentPlans[i]!;
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
  } else {
    recentKeys[recentNext] = keys;
    recentPlans[recentNext] = plan;
    recentNext = (recentNext + 1) % RECENT;
  }
  return plan;
}

const FAST_DEPTH = 64;

/** A field of an object: left out (`undefined`) or copied. */
function field(value: unknown, depth: number): unknown {
  return value === undefined ? undefined : sortedCopy(value, depth);
}

/**
 * {@linkcode sortedCopy} of an object with exactly the REST entry's fields,
 * added to `into` (a new object unless given: a record passes one holding its
 * `id` slot first) in sorted key order (an `undefined` field is left out by
 * `JSON.stringify`, as the canonical form leaves it out).
 */
function copyRestEntry(
  entry: Record<string, unknown>,
  depth: number,
  into: Record<string, unknown> = {},
): Record<string, unknown> {
  into.account_id = field(entry.account_id, depth);
  into.activity_metadata = field(entry.activity_metadata, depth);
  into.client_name = field(entry.client_name, depth);
  into.client_version = field(entry.client_version, depth);
  into.device_name = field(entry.device_name, depth);
  into.device_type = field(entry.device_type, depth);
  into.event = field(entry.event, depth);
  into.ip_address = field(entry.ip_address, depth);
  into.os_name = field(entry.os_name, depth);
  into.os_version = field(entry.os_version, depth);
  into.slug = field(entry.slug, depth);
  into.timestamp = field(entry.timestamp, depth);
  into.user_agent = field(entry.user_agent, depth);
  into.user_id = field(entry.user_id, depth);
  return into;
}

/**
 * A copy with every object's keys inserted in sorted order. Throws a bare
 * TypeError on anything the fast path declines.
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

/**
 * The canonical JSON of a value, or `undefined` when the fast path declines
 * it.
 *
 * @param value A JSON-compatible value.
 * @returns The canonical JSON, or `undefined`.
 */
export function fastCanonicalJson(value: unknown): string | undefined {
  try {
    const text = JSON.stringify(sortedCopy(value, 0));
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
}

/** A REST entry's record in the making: its canonical JSON and the record. */
export interface RestRecordDraft {
  /** The entry's canonical JSON (what its id hashes). */
  text: string;
  /**
   * The record: `id` first (still `undefined`; set it to the hash), then the
   * entry's fields in sorted order.
   */
  record: Record<string, unknown>;
}

/**
 * For an entry with exactly a REST entry's fields (no `id`): its canonical
 * JSON and, in the same object that was serialised (`JSON.stringify` leaves
 * the `undefined` id out), the record to fill in. `undefined` for any other
 * shape or a value the fast path declines.
 *
 * @param entry An audit-log entry.
 * @returns The draft, or `undefined`.
 */
export function restRecordDraft(
  entry: Record<string, unknown>,
): RestRecordDraft | undefined {
  try {
    if (!planFor(Object.keys(entry)).rest) return undefined;
    // The id slot first (left undefined), then the fields in sorted order.
    const record = copyRestEntry(entry, 1, { id: undefined });
    return { text: JSON.stringify(record), record };
  } catch {
    return undefined;
  }
}
