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
