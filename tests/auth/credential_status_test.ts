import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import { credentialStatus } from "../../auth/credential_status.ts";
import { OAuthClient } from "../../auth/oauth_client.ts";
import { MemoryStore } from "../../storage/mod.ts";

function jwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
  return `${encode({ alg: "HS256" })}.${encode(payload)}.sig-nature-value`;
}

Deno.test("credentialStatus shows who, until when and only the last 4 characters", async () => {
  const clock = new FakeClock({ start: 1_000_000 });
  const store = new MemoryStore(crypto.randomUUID());
  const client = new OAuthClient({ clientId: "app-1", store, clock });
  const access = jwt({ sub: "77", actid: 9, exp: 2_000 });
  await client.saveTokens({
    ...client.tokensFrom(access, "refresh-token-secret-abcd"),
    scope: "me:read",
  });
  const status = await credentialStatus(store, { clock });
  assert.deepEqual(status, {
    location: store.location,
    loggedIn: true,
    pendingAuthorizations: 0,
    version: "2.1",
    clientId: "app-1",
    scope: "me:read",
    accessToken: `…${access.slice(-4)}`,
    refreshToken: "…abcd",
    expiresAt: 2_000_000,
    expired: false,
    obtainedAt: 1_000_000,
    userId: "77",
    accountId: "9",
  });
  clock.advance(1_000_000);
  assert.equal((await credentialStatus(store, { clock })).expired, true);
  assert.ok(!JSON.stringify(status).includes("refresh-token-secret"));
});

Deno.test("credentialStatus asks lookupUser who the token is, keeps failures without the token", async () => {
  const clock = new FakeClock({ start: 1_000_000 });
  const store = new MemoryStore(crypto.randomUUID());
  const client = new OAuthClient({ clientId: "app-1", store, clock });
  const access = jwt({ sub: "77", exp: 2_000 });
  await client.saveTokens(
    client.tokensFrom(access, "refresh-token-secret-abcd"),
  );
  const seen: string[] = [];
  const found = await credentialStatus(store, {
    clock,
    lookupUser: (authorization) => {
      seen.push(authorization);
      return Promise.resolve({
        id: "77",
        name: "Ada",
        email: "ada@example.com",
      });
    },
  });
  assert.deepEqual(seen, [`Bearer ${access}`]);
  assert.equal(found.userName, "Ada");
  assert.equal(found.userEmail, "ada@example.com");
  assert.ok(!JSON.stringify(found).includes(access));

  const failed = await credentialStatus(store, {
    clock,
    lookupUser: (authorization) =>
      Promise.reject(new Error(`Refused '${authorization}'`)),
  });
  assert.equal(failed.loggedIn, true);
  assert.equal(failed.userName, undefined);
  assert.match(failed.userLookupError!, /^Refused/);
  assert.ok(!failed.userLookupError!.includes(access), "token redacted");

  clock.advance(1_000_000);
  let called = false;
  const expired = await credentialStatus(store, {
    clock,
    lookupUser: () => {
      called = true;
      return Promise.resolve({});
    },
  });
  assert.equal(expired.expired, true);
  assert.equal(called, false, "an expired token is not sent");
});
