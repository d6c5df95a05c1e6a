import assert from "node:assert/strict";
import { TokenRegistry } from "../../emulator/_tokens.ts";

function fakeClock(start = Date.UTC(2026, 10, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

function decodePayload(jwt: string): Record<string, unknown> {
  const parts = jwt.split(".");
  assert.equal(parts.length, 3, "a JWT has three parts");
  const text = atob(parts[1]!.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(text);
}

Deno.test("TokenRegistry accepts personal and audit tokens with all scopes", () => {
  const tokens = new TokenRegistry(fakeClock());
  tokens.addPersonal("personal-1", "11");
  tokens.addAudit("audit-1", "11");
  assert.deepEqual(tokens.check("personal-1"), {
    ok: true,
    info: { kind: "personal", userId: "11", scopes: "all" },
  });
  assert.deepEqual(tokens.check("audit-1"), {
    ok: true,
    info: { kind: "audit", userId: "11", scopes: "all" },
  });
  assert.deepEqual(tokens.check("personal-2"), {
    ok: false,
    reason: "unknown",
  });
  assert.deepEqual(tokens.check(""), { ok: false, reason: "unknown" });
});

Deno.test("TokenRegistry refuses to register an empty token", () => {
  const tokens = new TokenRegistry(fakeClock());
  assert.throws(() => tokens.addPersonal("", "1"), TypeError);
  assert.throws(
    () => new TokenRegistry({} as { now(): number }),
    TypeError,
  );
});

Deno.test("TokenRegistry legacy OAuth tokens never expire and carry no exp", () => {
  const clock = fakeClock();
  const tokens = new TokenRegistry(clock);
  const token = tokens.issueLegacy("5", ["me:read", "boards:read"], {
    clientId: "client",
  });
  const payload = decodePayload(token);
  assert.equal(payload.exp, undefined);
  assert.equal(payload.sub, "5");
  assert.equal(payload.scp, "me:read boards:read");
  clock.advance(5 * 365 * 86_400_000);
  const check = tokens.check(token);
  assert.ok(check.ok);
  assert.equal(check.info.kind, "oauth_legacy");
  assert.deepEqual(check.info.scopes, ["me:read", "boards:read"]);
  assert.equal(check.info.expiresAt, undefined);
  assert.equal(tokens.issued, 1);
});

Deno.test("TokenRegistry OAuth 2.1 access tokens are JWTs that expire on the clock", () => {
  const clock = fakeClock();
  const tokens = new TokenRegistry(clock);
  const pair = tokens.issueOAuth("7", ["boards:read"], {
    ttlSeconds: 60,
    clientId: "c1",
  });
  const payload = decodePayload(pair.accessToken);
  assert.equal(payload.sub, "7");
  assert.equal(payload.scp, "boards:read");
  assert.equal(payload.iat, Math.floor(clock.now() / 1000));
  assert.equal(payload.exp, Math.floor(clock.now() / 1000) + 60);
  assert.equal(pair.expiresAt, (payload.exp as number) * 1000);
  const header = JSON.parse(atob(pair.accessToken.split(".")[0]!));
  assert.deepEqual(header, { alg: "HS256", typ: "JWT" });

  const check = tokens.check(pair.accessToken);
  assert.ok(check.ok);
  assert.equal(check.info.kind, "oauth");
  assert.equal(check.info.family, pair.family);
  assert.equal(check.info.clientId, "c1");

  clock.advance(59_999);
  assert.equal(tokens.check(pair.accessToken).ok, true);
  clock.advance(1);
  assert.deepEqual(tokens.check(pair.accessToken), {
    ok: false,
    reason: "expired",
  });
  // A refresh token is not an access token.
  assert.deepEqual(tokens.check(pair.refreshToken), {
    ok: false,
    reason: "unknown",
  });
  assert.throws(
    () => tokens.issueOAuth("7", [], { ttlSeconds: 0 }),
    RangeError,
  );
});

Deno.test("TokenRegistry rotates refresh tokens and keeps issuing fresh access tokens", () => {
  const clock = fakeClock();
  const tokens = new TokenRegistry(clock);
  const first = tokens.issueOAuth("7", ["me:read"], { ttlSeconds: 60 });
  clock.advance(61_000);
  assert.equal(tokens.check(first.accessToken).ok, false);
  const second = tokens.refresh(first.refreshToken);
  assert.ok(second.ok);
  assert.notEqual(second.tokens.refreshToken, first.refreshToken);
  assert.notEqual(second.tokens.accessToken, first.accessToken);
  assert.equal(second.tokens.family, first.family);
  assert.deepEqual(second.tokens.scopes, ["me:read"]);
  assert.equal(tokens.check(second.tokens.accessToken).ok, true);
  const third = tokens.refresh(second.tokens.refreshToken);
  assert.ok(third.ok);
  assert.equal(tokens.refreshes, 2);
  assert.equal(tokens.issued, 3);
  assert.equal(tokens.revoked, 0);
});

Deno.test("TokenRegistry reuse of a refresh token revokes the whole family", () => {
  const clock = fakeClock();
  const tokens = new TokenRegistry(clock);
  const other = tokens.issueOAuth("8", ["me:read"]);
  const first = tokens.issueOAuth("7", ["me:read"]);
  const second = tokens.refresh(first.refreshToken);
  assert.ok(second.ok);
  assert.equal(tokens.check(second.tokens.accessToken).ok, true);

  assert.deepEqual(tokens.refresh(first.refreshToken), {
    ok: false,
    reason: "reused",
  });
  assert.deepEqual(tokens.check(second.tokens.accessToken), {
    ok: false,
    reason: "revoked",
  });
  assert.deepEqual(tokens.check(first.accessToken), {
    ok: false,
    reason: "revoked",
  });
  // The newest refresh token of the family is dead too.
  assert.deepEqual(tokens.refresh(second.tokens.refreshToken), {
    ok: false,
    reason: "revoked",
  });
  // Another family is untouched.
  assert.equal(tokens.check(other.accessToken).ok, true);
  assert.equal(tokens.refresh(other.refreshToken).ok, true);
  // 2 access + 2 refresh tokens of the family.
  assert.equal(tokens.revoked, 4);
});

Deno.test("TokenRegistry refresh checks the client and unknown tokens", () => {
  const tokens = new TokenRegistry(fakeClock());
  const pair = tokens.issueOAuth("7", [], { clientId: "a" });
  assert.deepEqual(tokens.refresh(pair.refreshToken, { clientId: "b" }), {
    ok: false,
    reason: "client_mismatch",
  });
  assert.deepEqual(tokens.refresh("nope"), { ok: false, reason: "unknown" });
  assert.deepEqual(tokens.refresh(pair.accessToken), {
    ok: false,
    reason: "unknown",
  });
  // The mismatch did not consume the token.
  assert.equal(tokens.refresh(pair.refreshToken, { clientId: "a" }).ok, true);
});

Deno.test("TokenRegistry revoke: access token alone, refresh token takes its family", () => {
  const tokens = new TokenRegistry(fakeClock());
  const a = tokens.issueOAuth("7", [], { clientId: "c" });
  const b = tokens.issueOAuth("7", [], { clientId: "c" });
  assert.equal(tokens.revoke(a.accessToken, { clientId: "c" }), true);
  assert.deepEqual(tokens.check(a.accessToken), {
    ok: false,
    reason: "revoked",
  });
  // Its refresh token still works after revoking only the access token.
  assert.equal(tokens.refresh(a.refreshToken).ok, true);
  assert.equal(tokens.revoked, 1);

  assert.equal(tokens.revoke(b.refreshToken, { clientId: "other" }), false);
  assert.equal(tokens.check(b.accessToken).ok, true);
  assert.equal(tokens.revoke(b.refreshToken), true);
  assert.deepEqual(tokens.check(b.accessToken), {
    ok: false,
    reason: "revoked",
  });
  assert.deepEqual(tokens.refresh(b.refreshToken), {
    ok: false,
    reason: "revoked",
  });
  assert.equal(tokens.revoke("unknown"), false);
  assert.equal(tokens.isRefreshToken(b.refreshToken), true);
  assert.equal(tokens.isRefreshToken(b.accessToken), false);

  tokens.addPersonal("p", "1");
  assert.equal(tokens.revoke("p"), true);
  assert.deepEqual(tokens.check("p"), { ok: false, reason: "revoked" });
});

Deno.test("TokenRegistry signs with its key: different registries mint different tokens", () => {
  const clock = fakeClock();
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const a = new TokenRegistry(clock, { random, signingKey: "k1" });
  const b = new TokenRegistry(clock, { signingKey: "k2" });
  const tokenA = a.issueLegacy("1", []);
  assert.equal(b.check(tokenA).ok, false);
  assert.ok(!Deno.inspect(a).includes("k1"));
  assert.ok(!Deno.inspect(a).includes(tokenA));
});
