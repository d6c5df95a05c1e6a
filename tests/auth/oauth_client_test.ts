import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import {
  LoginRequiredError,
  OAuthCallbackError,
  OAuthError,
} from "../../auth/errors.ts";
import {
  OAuthClient,
  type OAuthClientOptions,
} from "../../auth/oauth_client.ts";
import { pkceChallenge } from "../../auth/pkce.ts";
import { EncryptedFileStore, MemoryStore } from "../../storage/mod.ts";
import { type AuthServer, consent, startAuthServer } from "./_auth_server.ts";

const CALLBACK = "http://127.0.0.1:8099/callback";

function clientFor(
  server: AuthServer,
  options: Partial<OAuthClientOptions> = {},
): OAuthClient {
  return new OAuthClient({
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    authUrl: server.url,
    callbackUrl: CALLBACK,
    scope: "boards:read me:read",
    store: new MemoryStore(crypto.randomUUID()),
    clock: { now: server.now, sleep: () => Promise.resolve() },
    ...options,
  });
}

Deno.test("getAuthorizationUrl sends PKCE S256 and state and keeps the verifier pending", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server, { clock: new FakeClock({ start: 5_000 }) });
  const request = await client.getAuthorizationUrl();
  const url = new URL(request.url);
  assert.equal(url.origin + url.pathname, `${server.url}/oauth2/authorize`);
  assert.equal(url.searchParams.get("client_id"), server.clientId);
  assert.equal(url.searchParams.get("redirect_uri"), CALLBACK);
  assert.equal(url.searchParams.get("response_type"), "code");
  assert.equal(url.searchParams.get("scope"), "boards:read me:read");
  assert.equal(url.searchParams.get("state"), request.state);
  assert.ok(request.state.length >= 22);
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  const record = await client.store.load();
  const pending =
    (record?.oauthPending as { verifier: string; state: string }[])[0]!;
  assert.equal(pending.state, request.state);
  assert.equal(
    url.searchParams.get("code_challenge"),
    await pkceChallenge(pending.verifier),
  );
  assert.equal(request.expiresAt, 605_000);
});

Deno.test("the pending verifier is encrypted in a settings file", async () => {
  await using server = await startAuthServer();
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/OAuthSettings.txt`;
    const key = btoa(
      String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))),
    );
    const client = clientFor(server, {
      store: new EncryptedFileStore(path, { key }),
    });
    const request = await client.getAuthorizationUrl();
    const bytes = await Deno.readFile(path);
    const text = new TextDecoder("latin1").decode(bytes);
    assert.ok(!text.includes(request.state));
    assert.ok(!text.includes("verifier"));
    // Another process (a new client on the same file) completes the flow.
    const other = clientFor(server, {
      store: new EncryptedFileStore(path, { key }),
    });
    const tokens = await other.exchangeCode(await consent(request.url));
    assert.ok(await server.works(tokens.accessToken));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exchangeCode exchanges a pasted redirect URL and saves 2.1 tokens with the JWT expiry", async () => {
  await using server = await startAuthServer({ accessTokenTtlSeconds: 3600 });
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const tokens = await client.exchangeCode(await consent(url));
  assert.equal(tokens.version, "2.1");
  assert.equal(tokens.tokenType, "Bearer");
  assert.ok(tokens.refreshToken);
  assert.equal(tokens.scope, "boards:read me:read");
  assert.ok(tokens.expiresAt !== undefined);
  assert.ok(Math.abs(tokens.expiresAt - (server.now() + 3_600_000)) < 2_000);
  assert.deepEqual(await client.loadTokens(), tokens);
  assert.ok(await server.works(tokens.accessToken));
  assert.equal(server.requests["/oauth_ms/oauth/token"], 1);
});

Deno.test("exchangeCode takes a bare code and uses the latest pending verifier", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const code = new URL(await consent(url)).searchParams.get("code")!;
  const tokens = await client.exchangeCode(code);
  assert.ok(await server.works(tokens.accessToken));
});

Deno.test("a callback with an unknown state is refused before any token request", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const callback = new URL(await consent(url));
  callback.searchParams.set("state", "x".repeat(43));
  const error = await client.exchangeCode(callback.href).catch((e) => e);
  assert.ok(error instanceof OAuthCallbackError);
  assert.equal(error.code, "state_mismatch");
  assert.equal(server.requests["/oauth_ms/oauth/token"], undefined);
});

Deno.test("a replayed callback URL is refused: state is single use", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const callback = await consent(url);
  await client.exchangeCode(callback);
  const error = await client.exchangeCode(callback).catch((e) => e);
  assert.ok(error instanceof OAuthCallbackError);
  assert.equal(error.code, "state_mismatch");
  assert.equal(server.requests["/oauth_ms/oauth/token"], 1);
});

Deno.test("a replayed code is refused by the server as a permanent error and never retried", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const first = await client.getAuthorizationUrl();
  const callback = new URL(await consent(first.url));
  const tokens = await client.exchangeCode(callback.href);
  // A second authorization is pending; replay the old code with the new state.
  const second = await client.getAuthorizationUrl();
  const error = await client.exchangeCode(
    callback.searchParams.get("code")!,
    {
      state: second.state,
    },
  ).catch((e) => e);
  assert.ok(error instanceof LoginRequiredError);
  assert.equal(error.code, "invalid_grant");
  assert.match(error.message, /log in again/);
  assert.equal(server.requests["/oauth_ms/oauth/token"], 2);
  // The server revoked what the code had issued (RFC 6749 §4.1.2).
  assert.equal(await server.works(tokens.accessToken), false);
});

Deno.test("an expired state is refused", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const callback = await consent(url);
  server.advance(600_001);
  const error = await client.exchangeCode(callback).catch((e) => e);
  assert.ok(error instanceof OAuthCallbackError);
  assert.equal(error.code, "state_expired");
});

Deno.test("error callbacks are reported, and checked for state like any callback", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { state } = await client.getAuthorizationUrl();
  const denied =
    `${CALLBACK}?error=access_denied&error_description=User+said+no&state=${state}`;
  const error = await client.exchangeCode(denied).catch((e) => e);
  assert.ok(error instanceof OAuthCallbackError);
  assert.equal(error.code, "access_denied");
  assert.equal(error.description, "User said no");
  // The state was consumed by the error callback.
  const again = await client.exchangeCode(denied).catch((e) => e);
  assert.equal(again.code, "state_mismatch");
  // A forged error callback with an unknown state is a state mismatch.
  await client.getAuthorizationUrl();
  const forged = await client.exchangeCode(
    `${CALLBACK}?error=access_denied&state=${"f".repeat(43)}`,
  ).catch((e) => e);
  assert.equal(forged.code, "state_mismatch");
});

Deno.test("OAuth 2.1 needs a pending verifier for a bare code", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const error = await client.exchangeCode("some-code").catch((e) => e);
  assert.ok(error instanceof OAuthCallbackError);
  assert.equal(error.code, "no_pending_authorization");
});

Deno.test("refreshTokens rotates the refresh token; reusing the old one is a permanent error", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const first = await client.exchangeCode(await consent(url));
  server.advance(1000);
  const second = await client.refreshTokens();
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.notEqual(second.accessToken, first.accessToken);
  assert.deepEqual(await client.loadTokens(), second);
  assert.ok(await server.works(second.accessToken));
  assert.equal(server.tokens.refreshes, 1);
  const error = await client.refreshTokens({
    refreshToken: first.refreshToken!,
  }).then(() => undefined, (e) => e);
  // The stored (new) refresh token is used, not the given one.
  assert.equal(error, undefined);
  await client.saveTokens({ ...second, refreshToken: first.refreshToken! });
  const reuse = await client.refreshTokens().catch((e) => e);
  assert.ok(reuse instanceof LoginRequiredError);
  assert.equal(reuse.code, "invalid_grant");
  assert.equal(server.requests["/oauth_ms/oauth/token"], 4);
});

Deno.test("refreshTokens with onlyIfDue skips a refresh when the stored token is fresh", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const tokens = await client.exchangeCode(await consent(url));
  const same = await client.refreshTokens({ onlyIfDue: true });
  assert.deepEqual(same, tokens);
  assert.equal(server.tokens.refreshes, 0);
  const forced = await client.refreshTokens({
    onlyIfDue: true,
    rejected: tokens.accessToken,
  });
  assert.notEqual(forced.accessToken, tokens.accessToken);
  server.advance(3_600_000 - 299_000);
  const due = await client.refreshTokens({ onlyIfDue: true });
  assert.notEqual(due.accessToken, forced.accessToken);
  assert.equal(server.tokens.refreshes, 2);
});

Deno.test("the CData names getAccessToken and refreshAccessToken exchange and refresh like exchangeCode and refreshTokens", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const first = await client.getAccessToken(await consent(url));
  assert.deepEqual(await client.loadTokens(), first);
  server.advance(1000);
  const second = await client.refreshAccessToken();
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.deepEqual(await client.loadTokens(), second);
  assert.equal(server.tokens.refreshes, 1);
  const fresh = await client.refreshAccessToken({ onlyIfDue: true });
  assert.deepEqual(fresh, second);
  assert.equal(server.tokens.refreshes, 1);
});

Deno.test("refreshTokens checks its refresh window like OAuthCredentials does", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  await assert.rejects(
    client.refreshTokens({ refreshWindowMs: -1 }),
    (error: unknown) =>
      error instanceof RangeError && /'refreshWindowMs'/.test(error.message),
  );
});

Deno.test("refreshTokens without stored tokens asks to log in", async () => {
  await using server = await startAuthServer();
  const error = await clientFor(server).refreshTokens().catch((e) => e);
  assert.ok(error instanceof LoginRequiredError);
  assert.equal(error.code, "no_tokens");
  assert.equal(server.requests["/oauth_ms/oauth/token"], undefined);
});

Deno.test("legacy OAuth 2.0: no PKCE, token never expires, cannot be refreshed", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server, { version: "legacy" });
  const { url } = await client.getAuthorizationUrl();
  assert.equal(new URL(url).searchParams.get("code_challenge"), null);
  const tokens = await client.exchangeCode(await consent(url));
  assert.equal(tokens.version, "legacy");
  assert.equal(tokens.expiresAt, undefined);
  assert.equal(tokens.refreshToken, undefined);
  assert.equal(server.requests["/oauth2/token"], 1);
  assert.ok(await server.works(tokens.accessToken));
  await assert.rejects(client.refreshTokens(), LoginRequiredError);
});

Deno.test("client_secret_basic authenticates too", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server, {
    clientAuthentication: "client_secret_basic",
  });
  const { url } = await client.getAuthorizationUrl();
  const tokens = await client.exchangeCode(await consent(url));
  assert.ok(await server.works(tokens.accessToken));
});

Deno.test("a wrong client secret is a permanent error (invalid_client)", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server, { clientSecret: "wrong-secret-value-1234" });
  const { url } = await client.getAuthorizationUrl();
  const error = await client.exchangeCode(await consent(url)).catch((e) => e);
  assert.ok(error instanceof LoginRequiredError);
  assert.equal(error.code, "invalid_client");
  assert.equal(error.status, 401);
  assert.equal(server.requests["/oauth_ms/oauth/token"], 1);
  assert.doesNotMatch(
    `${error.message} ${Deno.inspect(error)}`,
    /wrong-secret-value/,
  );
});

Deno.test("429 and 5xx are retried, honouring Retry-After", async () => {
  await using server = await startAuthServer();
  const clock = new FakeClock({ start: server.now() });
  const client = clientFor(server, { clock });
  const { url } = await client.getAuthorizationUrl();
  const callback = await consent(url);
  server.inject(
    "/oauth_ms/oauth/token",
    {
      status: 429,
      body: JSON.stringify({ error: "slow_down" }),
      headers: { "content-type": "application/json", "retry-after": "7" },
    },
  );
  server.inject(
    "/oauth_ms/oauth/token",
    { status: 503, body: "oops" },
  );
  const tokens = await client.exchangeCode(callback);
  assert.ok(await server.works(tokens.accessToken));
  assert.equal(server.requests["/oauth_ms/oauth/token"], 3);
  assert.equal(clock.sleeps[0], 7000);
});

Deno.test("5xx that never ends gives up with OAuthError", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server, {
    clock: new FakeClock(),
    retry: { maxAttempts: 3 },
  });
  server.inject(
    "/oauth_ms/oauth/token",
    { status: 502, body: "down" },
    10,
  );
  await client.saveTokens(client.tokensFrom("a-token", "a-refresh-token"));
  const error = await client.refreshTokens().catch((e) => e);
  assert.ok(error instanceof OAuthError);
  assert.equal(error.status, 502);
  assert.equal(server.requests["/oauth_ms/oauth/token"], 3);
});

Deno.test("expiry comes from expires_in when the server sends it", async () => {
  const clock = new FakeClock({ start: 1_000_000 });
  let body: Record<string, unknown> = {
    access_token: "opaque-access",
    refresh_token: "opaque-refresh",
    expires_in: 120,
  };
  const client = new OAuthClient({
    clientId: "app",
    clientSecret: "secret",
    authUrl: "https://auth.example.test",
    clock,
    fetch: () => Promise.resolve(Response.json(body)),
  });
  await client.saveTokens(client.tokensFrom("old", "old-refresh"));
  assert.equal((await client.refreshTokens()).expiresAt, 1_120_000);
  body = { access_token: "opaque-no-expiry", refresh_token: "r2" };
  const tokens = await client.refreshTokens();
  assert.equal(tokens.expiresAt, undefined);
  body = { token_type: "Bearer" };
  const error = await client.refreshTokens().catch((e) => e);
  assert.ok(error instanceof OAuthError);
  assert.equal(error.code, "invalid_response");
  body = { error: "invalid_grant", error_description: "gone" };
  const grant = await client.refreshTokens().catch((e) => e);
  assert.ok(grant instanceof LoginRequiredError);
  assert.equal(grant.code, "invalid_grant");
});

Deno.test("a callback URL without state is refused", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const callback = new URL(await consent(url));
  callback.searchParams.delete("state");
  for (const input of [callback.href, `${CALLBACK}?error=access_denied`]) {
    const error = await client.exchangeCode(input).catch((e) => e);
    assert.ok(error instanceof OAuthCallbackError);
    assert.equal(error.code, "state_mismatch");
  }
  assert.equal(server.requests["/oauth_ms/oauth/token"], undefined);
});

Deno.test("revoke ends the grant at the server; logout also forgets the tokens", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server);
  const { url } = await client.getAuthorizationUrl();
  const tokens = await client.exchangeCode(await consent(url));
  const result = await client.logout();
  assert.deepEqual(result, { hadTokens: true, revoked: true });
  assert.equal(await server.works(tokens.accessToken), false);
  assert.equal(await client.loadTokens(), undefined);
  assert.ok(server.tokens.revoked >= 1);
  assert.equal(server.requests["/oauth_ms/oauth/revoke"], 2);
  assert.deepEqual(await client.logout(), { hadTokens: false, revoked: false });
  await assert.rejects(client.revoke(), LoginRequiredError);
});

Deno.test("logout forgets tokens even when revocation fails", async () => {
  await using server = await startAuthServer();
  const client = clientFor(server, { retry: false });
  await client.saveTokens(
    client.tokensFrom("access-token-xyz", "refresh-token-xyz"),
  );
  server.inject(
    "/oauth_ms/oauth/revoke",
    { status: 500, body: "" },
  );
  const result = await client.logout();
  assert.equal(result.revoked, false);
  assert.match(result.error!, /HTTP 500/);
  assert.equal(await client.loadTokens(), undefined);
});

Deno.test("tokens only go over https or to loopback", () => {
  assert.throws(
    () =>
      new OAuthClient({ clientId: "app", authUrl: "http://auth.example.com" }),
    /authUrl/,
  );
  new OAuthClient({ clientId: "app", authUrl: "http://localhost:9999" });
  new OAuthClient({ clientId: "app" });
  assert.throws(() => new OAuthClient({ clientId: "" }), TypeError);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new OAuthClient({ clientId: "app", version: "3" as any }),
    /unknown version '3'/,
  );
});

Deno.test("the client hides its secret and tokens from inspect and JSON", async () => {
  const client = new OAuthClient({
    clientId: "app",
    clientSecret: "s3cr3t-client-value",
  });
  await client.saveTokens(
    client.tokensFrom("access-token-value-1", "refresh-token-value-2"),
  );
  const shown = `${Deno.inspect(client)} ${JSON.stringify(client)} ${
    String(client)
  }`;
  assert.doesNotMatch(shown, /s3cr3t|access-token-value|refresh-token-value/);
  assert.match(Deno.inspect(client), /clientId: "app"/);
});

Deno.test("a caller-chosen state must carry at least 128 bits", async () => {
  const client = new OAuthClient({ clientId: "app", callbackUrl: CALLBACK });
  await assert.rejects(
    client.getAuthorizationUrl({ state: "short" }),
    TypeError,
  );
  const request = await client.getAuthorizationUrl({ state: "s".repeat(22) });
  assert.equal(request.state, "s".repeat(22));
  await assert.rejects(
    new OAuthClient({ clientId: "app" }).getAuthorizationUrl(),
    /no 'callbackUrl'/,
  );
});

Deno.test("only the newest pending authorizations are kept", async () => {
  const client = new OAuthClient({
    clientId: "app",
    callbackUrl: CALLBACK,
    maxPendingAuthorizations: 2,
  });
  const first = await client.getAuthorizationUrl();
  await client.getAuthorizationUrl();
  const third = await client.getAuthorizationUrl();
  const states =
    ((await client.store.load())?.oauthPending as { state: string }[])
      .map((p) => p.state);
  assert.equal(states.length, 2);
  assert.ok(!states.includes(first.state));
  assert.equal(states.at(-1), third.state);
  assert.throws(
    () => new OAuthClient({ clientId: "app", maxPendingAuthorizations: 0 }),
    RangeError,
  );
});
