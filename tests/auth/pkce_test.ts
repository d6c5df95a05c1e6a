import assert from "node:assert/strict";
import {
  createPkcePair,
  generateState,
  pkceChallenge,
} from "../../auth/pkce.ts";

Deno.test("pkceChallenge matches the RFC 7636 appendix B example", async () => {
  assert.equal(
    await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("pkceChallenge refuses verifiers outside 43-128 unreserved characters", async () => {
  await assert.rejects(pkceChallenge("short"), TypeError);
  await assert.rejects(pkceChallenge("a".repeat(129)), TypeError);
  await assert.rejects(pkceChallenge(`${"a".repeat(42)}!`), TypeError);
});

Deno.test("createPkcePair uses 32 random bytes and S256", async () => {
  const requested: number[] = [];
  const pair = await createPkcePair({
    randomBytes: (n) => {
      requested.push(n);
      return new Uint8Array(n).fill(0xfb);
    },
  });
  assert.deepEqual(requested, [32]);
  assert.equal(pair.method, "S256");
  assert.match(pair.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(pair.challenge, await pkceChallenge(pair.verifier));
  const other = await createPkcePair();
  assert.notEqual(other.verifier, pair.verifier);
});

Deno.test("generateState has 256 random bits and never repeats", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) seen.add(generateState());
  assert.equal(seen.size, 100);
  for (const state of seen) assert.match(state, /^[A-Za-z0-9_-]{43}$/);
});

Deno.test("generateState refuses a random source that returns too few bytes", () => {
  assert.throws(
    () => generateState({ randomBytes: () => new Uint8Array(8) }),
    TypeError,
  );
});
