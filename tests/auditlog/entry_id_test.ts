import assert from "node:assert/strict";
import { canonicalJson, entryId, withEntryId } from "../../auditlog/mod.ts";

Deno.test("canonicalJson() sorts keys at every depth and writes no whitespace", () => {
  assert.equal(
    canonicalJson({
      z: [{ b: 2, a: 1 }, "x"],
      a: { "é": 1, e: null, E: true },
    }),
    '{"a":{"E":true,"e":null,"é":1},"z":[{"a":1,"b":2},"x"]}',
  );
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(canonicalJson("line\nbreak \u2028"), '"line\\nbreak \u2028"');
  assert.equal(canonicalJson([1e21, 0.1, -0]), "[1e+21,0.1,0]");
  assert.equal(canonicalJson(new Date(0)), '"1970-01-01T00:00:00.000Z"');
});

Deno.test("canonicalJson() rejects what JSON cannot hold", () => {
  assert.throws(() => canonicalJson({ a: NaN }), {
    name: "TypeError",
    message: /non-finite number 'NaN' at '\$\.a'/,
  });
  assert.throws(() => canonicalJson({ a: 1n }), /unsupported bigint/);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(() => canonicalJson(cycle), /cycle at '\$\.self'/);
});

Deno.test("entryId() is the SHA-256 of the canonical JSON, ignoring a top-level id", async () => {
  const entry = {
    timestamp: "2026-11-01T00:00:00.000Z",
    user_id: 5,
    activity_metadata: { b: [1], a: "x" },
  };
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(canonicalJson(entry)),
    ),
  );
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  assert.equal(await entryId(entry), hex);
  // A known value, so the id can never change silently between versions.
  assert.equal(
    await entryId({ timestamp: "2026-11-01T00:00:00.000Z", event: "login" }),
    // printf '%s' '{"event":"login","timestamp":"2026-11-01T00:00:00.000Z"}' | sha256sum
    "476800d764ebe3a19fbb7e7de3b96a0df47c7ef12bba2cd074d5650d28c52ede",
  );
  const record = await withEntryId(entry);
  assert.equal(await entryId(record), record.id);
  assert.notEqual(await entryId({ ...entry, user_id: 6 }), record.id);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => entryId([] as any), TypeError);
});

/** A plain reference for the canonical form, independent of the library's. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined)
      .sort();
    return `{${
      keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(value);
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  "a",
  "B",
  "é",
  "10",
  "9",
  "0",
  "__proto__",
  "toJSON",
  "id",
  "z z",
  "\u{1F600}",
  "",
];
const STRINGS = [
  "",
  "x",
  'q"uote',
  "back\\slash",
  "\n\t",
  "é€",
  "\ud800",
  "\u2028",
];

function randomValue(random: () => number, depth: number): unknown {
  const pick = random();
  if (depth > 3 || pick < 0.35) {
    const leaf = random();
    if (leaf < 0.3) return STRINGS[Math.floor(random() * STRINGS.length)];
    if (leaf < 0.5) return Math.round((random() - 0.5) * 1e6) / 7;
    if (leaf < 0.6) return random() < 0.5;
    if (leaf < 0.7) return null;
    return Math.floor(random() * 1e9);
  }
  if (pick < 0.55) {
    return Array.from(
      { length: Math.floor(random() * 4) },
      () => randomValue(random, depth + 1),
    );
  }
  const object: Record<string, unknown> = {};
  const count = Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    const key = KEYS[Math.floor(random() * KEYS.length)]!;
    const value = random() < 0.1 ? undefined : randomValue(random, depth + 1);
    // JSON.parse makes "__proto__" an own property; so does defineProperty.
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

const REST_ENTRY = {
  timestamp: "2026-11-01T09:30:00.123Z",
  account_id: 9000001,
  user_id: 40000002,
  event: "login",
  slug: "acme",
  ip_address: "192.0.2.7",
  user_agent: "Mozilla/5.0",
  client_name: "Firefox",
  client_version: "133.0",
  os_name: "Linux",
  os_version: "",
  device_name: "",
  device_type: "desktop",
  activity_metadata: { board_id: 12, "10": "x", "9": ["é", null] },
};

Deno.test("canonicalJson() matches a plain reference on random values, REST entries included", () => {
  const random = seeded(11);
  for (let i = 0; i < 2000; i++) {
    const value = randomValue(random, 0);
    assert.equal(canonicalJson(value), reference(value), `value ${i}`);
  }
  // The REST entry shape takes its own path: any key order, undefined
  // fields, nested index keys.
  const shuffled = Object.fromEntries(Object.entries(REST_ENTRY).reverse());
  assert.equal(canonicalJson(shuffled), reference(REST_ENTRY));
  const withHole = { ...REST_ENTRY, os_version: undefined };
  assert.equal(canonicalJson(withHole), reference(withHole));
  assert.ok(!canonicalJson(withHole).includes("os_version"));
  assert.throws(() => canonicalJson({ ...REST_ENTRY, user_id: Infinity }), {
    name: "TypeError",
    message: /non-finite number 'Infinity' at '\$\.user_id'/,
  });
});

Deno.test("entryId() hashes the UTF-8 of the canonical JSON, whatever the characters", async () => {
  for (const text of STRINGS) {
    const entry = { timestamp: "2026-11-01T00:00:00.000Z", note: text };
    const digest = new Uint8Array(
      await crypto.subtle.digest(
        "SHA-256",
        new TextEncoder().encode(canonicalJson(entry)),
      ),
    );
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0"))
      .join("");
    assert.equal(await entryId(entry), hex, JSON.stringify(text));
  }
});
