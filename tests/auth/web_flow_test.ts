import assert from "node:assert/strict";
import { OAuthCallbackError } from "../../auth/errors.ts";
import { OAuthClient } from "../../auth/oauth_client.ts";
import { createWebFlow } from "../../auth/web_flow.ts";
import { MemoryStore } from "../../storage/mod.ts";
import { type AuthServer, consent, startAuthServer } from "./_auth_server.ts";

const CALLBACK = "https://app.example.com/oauth/callback";

function setup(server: AuthServer) {
  const client = new OAuthClient({
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    authUrl: server.url,
    store: new MemoryStore(crypto.randomUUID()),
    clock: { now: server.now, sleep: () => Promise.resolve() },
  });
  const prefix = crypto.randomUUID();
  const flow = createWebFlow(client, {
    callbackUrl: CALLBACK,
    tokenStore: (user) => new MemoryStore(`${prefix}-${user}`),
  });
  return {
    client,
    flow,
    userStore: (user: string) => new MemoryStore(`${prefix}-${user}`),
  };
}

function cookieOf(setCookie: string): string {
  return setCookie.split(";")[0]!;
}

Deno.test("web flow: start sets a session cookie, the callback with that cookie gets per-user tokens", async () => {
  await using server = await startAuthServer({ redirectUris: [CALLBACK] });
  const { flow, userStore } = setup(server);
  const started = await flow.start({ scope: "me:read" });
  assert.equal(started.response.status, 302);
  assert.equal(started.response.headers.get("location"), started.url);
  assert.match(
    started.setCookie,
    /^mondaykit_oauth=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=600$/,
  );
  const callback = new Request(await consent(started.url), {
    headers: { cookie: `other=1; ${cookieOf(started.setCookie)}` },
  });
  const result = await flow.handleCallback(callback, { userKey: "alice" });
  assert.equal(result.sessionId, started.sessionId);
  assert.match(result.clearCookie, /Max-Age=0/);
  assert.ok(await server.works(result.tokens.accessToken));
  const stored = await userStore("alice").load();
  assert.equal(
    (stored?.oauth as { accessToken: string }).accessToken,
    result.tokens.accessToken,
  );
  assert.equal(await userStore("bob").load(), undefined);

  const credentials = await flow.credentials("alice");
  assert.equal(
    await credentials.authorization(),
    `Bearer ${result.tokens.accessToken}`,
  );
  server.advance(3_600_000);
  assert.ok(await server.works((await credentials.authorization()).slice(7)));

  assert.deepEqual(await flow.logout("alice"), { revoked: true });
  assert.equal(
    await userStore("alice").load().then((r) => r?.oauth),
    undefined,
  );
});

Deno.test("web flow: a callback without the cookie, or with another session's, is refused", async () => {
  await using server = await startAuthServer({ redirectUris: [CALLBACK] });
  const { flow } = setup(server);
  const victim = await flow.start();
  const attacker = await flow.start();
  const callbackUrl = await consent(victim.url);
  const missing = await flow.handleCallback(new Request(callbackUrl)).catch((
    e,
  ) => e);
  assert.ok(missing instanceof OAuthCallbackError);
  assert.equal(missing.code, "session_mismatch");
  const foreign = await flow.handleCallback(
    new Request(callbackUrl, {
      headers: { cookie: cookieOf(attacker.setCookie) },
    }),
  ).catch((e) => e);
  assert.equal(foreign.code, "session_mismatch");
  assert.equal(server.requests["/oauth_ms/oauth/token"], undefined);
  // The rightful browser still completes.
  const result = await flow.handleCallback(
    new Request(callbackUrl, {
      headers: { cookie: cookieOf(victim.setCookie) },
    }),
  );
  assert.ok(await server.works(result.tokens.accessToken));
});

Deno.test("web flow: state mismatch and error callbacks are refused", async () => {
  await using server = await startAuthServer({ redirectUris: [CALLBACK] });
  const { flow } = setup(server);
  const started = await flow.start();
  const cookie = cookieOf(started.setCookie);
  const forged = await flow.handleCallback(
    new Request(`${CALLBACK}?code=abc&state=${"z".repeat(43)}`, {
      headers: { cookie },
    }),
  ).catch((e) => e);
  assert.equal(forged.code, "state_mismatch");
  const state = new URL(started.url).searchParams.get("state");
  const denied = await flow.handleCallback(
    new Request(`${CALLBACK}?error=access_denied&state=${state}`, {
      headers: { cookie },
    }),
  ).catch((e) => e);
  assert.ok(denied instanceof OAuthCallbackError);
  assert.equal(denied.code, "access_denied");
});

Deno.test("web flow: options are checked", async () => {
  const client = new OAuthClient({ clientId: "app" });
  assert.throws(() => createWebFlow(client), /no 'callbackUrl'/);
  assert.throws(
    () =>
      createWebFlow(client, { callbackUrl: CALLBACK, cookieName: "bad name" }),
    /invalid cookie name 'bad name'/,
  );
  const flow = createWebFlow(client, {
    callbackUrl: "http://localhost:8000/cb",
  });
  const started = await flow.start();
  assert.doesNotMatch(started.setCookie, /Secure/);
  await assert.rejects(flow.credentials("alice"), /no 'tokenStore'/);
});
