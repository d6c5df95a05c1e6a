import assert from "node:assert/strict";
import { decodeJwtPayload, jwtExpiry } from "../../auth/jwt.ts";

function jwt(payload: unknown): string {
  const encode = (value: unknown) =>
    btoa(
      String.fromCharCode(
        ...new TextEncoder().encode(JSON.stringify(value)),
      ),
    ).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
  return `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}.signature`;
}

Deno.test("jwtExpiry reads exp in seconds and returns ms", () => {
  assert.equal(
    jwtExpiry(jwt({ exp: 1_900_000_000, sub: "1" })),
    1_900_000_000_000,
  );
});

Deno.test("jwtExpiry is undefined without a numeric exp or for opaque tokens", () => {
  assert.equal(jwtExpiry(jwt({ sub: "1" })), undefined);
  assert.equal(jwtExpiry(jwt({ exp: "1900000000" })), undefined);
  assert.equal(jwtExpiry("opaque-legacy-token"), undefined);
  assert.equal(jwtExpiry("a.b.c"), undefined);
  assert.equal(jwtExpiry("a..c"), undefined);
});

Deno.test("decodeJwtPayload reads non-ASCII claims and refuses arrays", () => {
  assert.deepEqual(decodeJwtPayload(jwt({ name: "Zoë ✓" })), { name: "Zoë ✓" });
  assert.equal(decodeJwtPayload(jwt([1, 2])), undefined);
  assert.equal(decodeJwtPayload(jwt(null)), undefined);
});
