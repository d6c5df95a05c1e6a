import assert from "node:assert/strict";
import { LoginRequiredError, OAuthError } from "../../auth/errors.ts";
import { OAuthClient } from "../../auth/oauth_client.ts";
import { OAuthCredentials } from "../../auth/oauth_credentials.ts";
import type { OAuthTokens } from "../../auth/types.ts";
import { MemoryStore, type SettingsStore } from "../../storage/mod.ts";
import { type AuthServer, consent, startAuthServer } from "./_auth_server.ts";

const CALLBACK = "http://127.0.0.1:8099/callback";

function clientFor(server: AuthServer, store?: SettingsStore): OAuthClient {
  return new OAuthClient({
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    authUrl: server.url,
    callbackUrl: CALLBACK,
    store: store ?? new MemoryStore(crypto.randomUUID()),
    clock: { now: server.now, sleep: () => Promise.resolve() },
    retry: { maxAttempts: 2 },
  });
}

async function login(client: OAuthClient): Promise<OAuthTokens> {
  const { url } = await client.getAuthorizationUrl();
  return await client.exchangeCode(await consent(url));
}

const TOKEN = "/oauth_ms/oauth/token";

Deno.test("OAuthCredentials answers Bearer tokens from the store and caches them", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const tokens = await login(client);
  const credentials = new OAuthCredentials(client);
  assert.equal(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  assert.equal(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  assert.equal(server.requests[TOKEN], 1);
});

Deno.test("the token is refreshed 5 minutes before expiry, once", async () => {
  await using server = await startAuthServer({ accessTokenTtlSeconds: 3600 });
  const client = clientFor(server);
  const tokens = await login(client);
  const credentials = new OAuthCredentials(client);
  server.advance(54 * 60_000);
  assert.equal(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  assert.equal(server.tokens.refreshes, 0);
  server.advance(2 * 60_000); // 56 minutes: inside the 5-minute window
  const header = await credentials.authorization();
  assert.notEqual(header, `Bearer ${tokens.accessToken}`);
  assert.equal(server.tokens.refreshes, 1);
  assert.equal(await credentials.authorization(), header);
  assert.equal(server.tokens.refreshes, 1);
  assert.ok(await server.works(header.slice(7)));
});

Deno.test("the refresh window is configurable", async () => {
  await using server = await startAuthServer({ accessTokenTtlSeconds: 3600 });
  const client = clientFor(server);
  const tokens = await login(client);
  const credentials = new OAuthCredentials(client, { refreshWindowMs: 60_000 });
  server.advance(58 * 60_000);
  assert.equal(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  server.advance(61_000);
  assert.notEqual(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  assert.equal(server.tokens.refreshes, 1);
  assert.throws(
    () => new OAuthCredentials(client, { refreshWindowMs: -1 }),
    RangeError,
  );
});

Deno.test("concurrent callers share one refresh", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  await login(client);
  const credentials = new OAuthCredentials(client);
  server.advance(3_600_000);
  const headers = await Promise.all(
    Array.from({ length: 20 }, () => credentials.authorization()),
  );
  assert.equal(new Set(headers).size, 1);
  assert.equal(server.tokens.refreshes, 1);
  assert.ok(await server.works(headers[0]!.slice(7)));
});

Deno.test("invalidate makes the next call refresh; unknown values are ignored", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  await login(client);
  const credentials = new OAuthCredentials(client);
  const first = await credentials.authorization();
  credentials.invalidate("Bearer something-else");
  assert.equal(await credentials.authorization(), first);
  credentials.invalidate(first);
  const second = await credentials.authorization();
  assert.notEqual(second, first);
  assert.equal(server.tokens.refreshes, 1);
});

Deno.test("a refresh made by another provider on the same store is reused, not repeated", async () => {
  await using server = await startAuthServer();
  const store = new MemoryStore(crypto.randomUUID());
  await login(clientFor(server, store));
  const a = new OAuthCredentials(clientFor(server, store));
  const b = new OAuthCredentials(clientFor(server, store));
  await a.authorization();
  server.advance(3_600_000);
  const fromB = await b.authorization();
  const fromA = await a.authorization();
  assert.equal(fromA, fromB);
  assert.equal(server.tokens.refreshes, 1);
  assert.ok(await server.works(fromA.slice(7)));
});

Deno.test("a transient refresh failure keeps a still-valid token; an expired one fails", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const tokens = await login(client);
  const credentials = new OAuthCredentials(client);
  server.advance(57 * 60_000);
  server.inject(TOKEN, { status: 503, body: "busy" }, 2);
  assert.equal(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  server.advance(4 * 60_000);
  server.inject(TOKEN, { status: 503, body: "busy" }, 2);
  await assert.rejects(credentials.authorization(), OAuthError);
  // The server recovers: the next call refreshes.
  assert.ok(await server.works((await credentials.authorization()).slice(7)));
});

Deno.test("REFRESH: a revoked grant asks the user to log in again", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const tokens = await login(client);
  await client.revoke({
    token: tokens.refreshToken!,
    tokenTypeHint: "refresh_token",
  });
  server.advance(3_600_000);
  const credentials = new OAuthCredentials(client, { mode: "REFRESH" });
  const error = await credentials.authorization().catch((e) => e);
  assert.ok(error instanceof LoginRequiredError);
  assert.equal(error.code, "invalid_grant");
});

Deno.test("REFRESH with nothing stored exchanges OAuthVerifier, once", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const verifier = await consent(url);
  const credentials = new OAuthCredentials(client, {
    mode: "REFRESH",
    verifier,
  });
  const header = await credentials.authorization();
  assert.ok(await server.works(header.slice(7)));
  assert.equal((await client.loadTokens())?.accessToken, header.slice(7));
});

Deno.test("REFRESH with nothing stored and no verifier never opens a browser", async () => {
  await using server = await startAuthServer();
  let logins = 0;
  const credentials = new OAuthCredentials(clientFor(server), {
    mode: "REFRESH",
    login: () => {
      logins++;
      return Promise.reject(new Error("must not run"));
    },
  });
  const error = await credentials.authorization().catch((e) => e);
  assert.ok(error instanceof LoginRequiredError);
  assert.equal(error.code, "no_tokens");
  assert.equal(logins, 0);
});

Deno.test("GETANDREFRESH logs in when nothing usable is stored", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  let logins = 0;
  const credentials = new OAuthCredentials(client, {
    mode: "GETANDREFRESH",
    login: () => {
      logins++;
      return login(client);
    },
  });
  const header = await credentials.authorization();
  assert.equal(logins, 1);
  assert.ok(await server.works(header.slice(7)));
  // A revoked grant: log in again instead of failing.
  const stored = await client.loadTokens();
  await client.revoke({
    token: stored!.refreshToken!,
    tokenTypeHint: "refresh_token",
  });
  credentials.invalidate(header);
  const again = await credentials.authorization();
  assert.equal(logins, 2);
  assert.ok(await server.works(again.slice(7)));
});

Deno.test("OFF uses the stored token as is, never refreshes", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const tokens = await login(client);
  const credentials = new OAuthCredentials(client, { mode: "OFF" });
  server.advance(10 * 3_600_000);
  assert.equal(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  credentials.invalidate(`Bearer ${tokens.accessToken}`);
  await assert.rejects(credentials.authorization(), LoginRequiredError);
  assert.equal(server.tokens.refreshes, 0);
});

Deno.test("given access and refresh tokens seed an empty store", async () => {
  await using server = await startAuthServer();
  const source = clientFor(server);
  const tokens = await login(source);
  const client = clientFor(server);
  const credentials = new OAuthCredentials(client, {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken!,
  });
  assert.equal(
    await credentials.authorization(),
    `Bearer ${tokens.accessToken}`,
  );
  const stored = await client.loadTokens();
  assert.equal(stored?.refreshToken, tokens.refreshToken);
  assert.equal(stored?.expiresAt, tokens.expiresAt);
  server.advance(3_600_000);
  assert.ok(await server.works((await credentials.authorization()).slice(7)));
});

Deno.test("a refresh token alone is exchanged for an access token", async () => {
  await using server = await startAuthServer();
  const tokens = await login(clientFor(server));
  const client = clientFor(server);
  const credentials = new OAuthCredentials(client, {
    refreshToken: tokens.refreshToken!,
  });
  assert.ok(await server.works((await credentials.authorization()).slice(7)));
  assert.equal(server.tokens.refreshes, 1);
});

Deno.test("an aborted caller stops waiting", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  await login(client);
  const credentials = new OAuthCredentials(client);
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(
    credentials.authorization({ signal: controller.signal }),
    /stop/,
  );
});

Deno.test("OAuthCredentials hides tokens from inspect", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const tokens = await login(client);
  const credentials = new OAuthCredentials(client);
  await credentials.authorization();
  const shown = Deno.inspect(credentials, { depth: 10 });
  assert.ok(!shown.includes(tokens.accessToken.slice(-12)));
  assert.ok(!shown.includes(tokens.refreshToken!.slice(-12)));
});
