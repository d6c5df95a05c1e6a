import assert from "node:assert/strict";
import { TokenRegistry } from "../../emulator/_tokens.ts";
import { startEmulator } from "../../emulator/mod.ts";
import { oauthTokens } from "./_helpers.ts";
import {
  OAuthService,
  type OAuthServiceOptions,
} from "../../emulator/_oauth.ts";

const START = Date.UTC(2026, 10, 1);
const CLIENT_ID = "client-1234";
const CLIENT_SECRET = "client-secret-5678";
const REDIRECT = "http://127.0.0.1:8765/callback";
const OTHER_REDIRECT = "http://localhost:9000/oauth/done";
const BASE = "http://127.0.0.1:4000";
const VERIFIER = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(
    /\//g,
    "_",
  ).replace(/=+$/, "");
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(verifier),
  );
  return base64url(new Uint8Array(digest));
}

function jwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1]!;
  return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
}

function setup(options: Partial<OAuthServiceOptions> = {}) {
  let now = START;
  const clock = { now: () => now };
  const tokens = new TokenRegistry(clock);
  tokens.addPersonal("personal-token", "1");
  const oauth = new OAuthService({
    clock,
    tokens,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT, OTHER_REDIRECT],
    consent: "auto",
    accessTokenTtlSeconds: 3600,
    userId: "1",
    random: Math.random,
    ...options,
  });
  return {
    oauth,
    tokens,
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
  };
}

function authorizeUrl(params: Record<string, string | undefined>): string {
  const url = new URL("/oauth2/authorize", BASE);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}

async function authorize(
  oauth: OAuthService,
  params: Record<string, string | undefined> = {},
): Promise<URL> {
  const response = await oauth.handle(
    new Request(authorizeUrl({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      response_type: "code",
      state: "state-1",
      scope: "me:read boards:read",
      code_challenge: await challengeOf(VERIFIER),
      code_challenge_method: "S256",
      ...params,
    })),
  );
  assert.equal(response.status, 302, await response.text());
  return new URL(response.headers.get("location")!);
}

function post(
  oauth: OAuthService,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return oauth.handle(
    new Request(new URL(path, BASE), {
      method: "POST",
      headers,
      body: new URLSearchParams(fields),
    }),
  );
}

async function postJson(
  oauth: OAuthService,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<
  { status: number; headers: Headers; body: Record<string, unknown> }
> {
  const response = await post(oauth, path, fields, headers);
  return {
    status: response.status,
    headers: response.headers,
    body: await response.json(),
  };
}

const clientPost = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };

async function exchange(
  oauth: OAuthService,
  code: string,
  extra: Record<string, string> = {},
) {
  return await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    code_verifier: VERIFIER,
    ...clientPost,
    ...extra,
  });
}

Deno.test("authorize with consent auto redirects back with code, state, region and scope", async () => {
  const { oauth } = setup();
  const callback = await authorize(oauth);
  assert.equal(callback.origin + callback.pathname, REDIRECT);
  assert.match(callback.searchParams.get("code")!, /^[A-Za-z0-9]{32}$/);
  assert.equal(callback.searchParams.get("state"), "state-1");
  assert.equal(callback.searchParams.get("region"), "use1");
  assert.equal(callback.searchParams.get("scope"), "me:read boards:read");
  assert.equal(oauth.codesIssued, 1);

  const other = await authorize(oauth, {
    redirect_uri: OTHER_REDIRECT,
    state: undefined,
    scope: undefined,
  });
  assert.equal(other.origin + other.pathname, OTHER_REDIRECT);
  assert.equal(other.searchParams.has("state"), false);
  assert.equal(other.searchParams.get("scope"), "me:read boards:read");
});

Deno.test("authorize refuses unknown clients and redirect URI mismatches with an error page, not a redirect", async () => {
  const { oauth } = setup();
  const cases: [Record<string, string | undefined>, RegExp][] = [
    [{ client_id: "someone-else" }, /Unknown client/],
    [{ client_id: undefined }, /Missing &#39;client_id&#39;/],
    [
      { redirect_uri: "http://127.0.0.1:8765/callback/" },
      /Redirect URI mismatch/,
    ],
    [{ redirect_uri: "http://evil.example/callback" }, /Redirect URI mismatch/],
    [{ redirect_uri: undefined }, /Missing &#39;redirect_uri&#39;/],
  ];
  for (const [params, pattern] of cases) {
    const response = await oauth.handle(
      new Request(authorizeUrl({
        client_id: CLIENT_ID,
        redirect_uri: REDIRECT,
        state: "s",
        ...params,
      })),
    );
    assert.equal(response.status, 400, JSON.stringify(params));
    assert.equal(response.headers.get("location"), null);
    assert.match(response.headers.get("content-type")!, /text\/html/);
    assert.match(await response.text(), pattern);
  }
  assert.equal(oauth.codesIssued, 0);
});

Deno.test("authorize with a single registered URI accepts a missing redirect_uri", async () => {
  const { oauth } = setup({ redirectUris: [REDIRECT] });
  const callback = await authorize(oauth, { redirect_uri: undefined });
  assert.equal(callback.origin + callback.pathname, REDIRECT);
  // The token request then must not send one either (or send the same).
  const result = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    code_verifier: VERIFIER,
    ...clientPost,
  });
  assert.equal(result.status, 200);
});

Deno.test("authorize redirects request errors back to the app with state", async () => {
  const { oauth } = setup();
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ response_type: "token" }, "unsupported_response_type", /token/],
    [{ scope: "boards:read boards:delete" }, "invalid_scope", /boards:delete/],
    [{ code_challenge_method: "plain" }, "invalid_request", /S256/],
    [{ code_challenge: "short" }, "invalid_request", /code_challenge/],
  ];
  for (const [params, error, pattern] of cases) {
    const callback = await authorize(oauth, params);
    assert.equal(callback.origin + callback.pathname, REDIRECT);
    assert.equal(callback.searchParams.get("error"), error);
    assert.match(callback.searchParams.get("error_description")!, pattern);
    assert.equal(callback.searchParams.get("state"), "state-1");
    assert.equal(callback.searchParams.has("code"), false);
  }
  const missingMethod = await oauth.handle(
    new Request(authorizeUrl({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      code_challenge: await challengeOf(VERIFIER),
    })),
  );
  const location = new URL(missingMethod.headers.get("location")!);
  assert.equal(location.searchParams.get("error"), "invalid_request");
});

Deno.test("authorize with consent page shows Approve and Deny; Approve redirects with a code", async () => {
  const { oauth, tokens } = setup({ consent: "page" });
  const response = await oauth.handle(
    new Request(authorizeUrl({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      state: "st<ate>",
      scope: "boards:write",
      code_challenge: await challengeOf(VERIFIER),
      code_challenge_method: "S256",
    })),
  );
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type")!, /text\/html/);
  const html = await response.text();
  assert.ok(
    html.includes(
      '<button type="submit" name="decision" value="approve">Approve</button>',
    ),
  );
  assert.ok(
    html.includes(
      '<button type="submit" name="decision" value="deny">Deny</button>',
    ),
  );
  assert.match(
    html,
    /<form id="consent" method="post" action="\/oauth2\/authorize">/,
  );
  assert.match(html, /boards:write/);
  assert.equal(oauth.codesIssued, 0);
  const requestId = /name="request" value="([^"]+)"/.exec(html)![1]!;

  const approved = await post(oauth, "/oauth2/authorize", {
    request: requestId,
    decision: "approve",
  });
  assert.equal(approved.status, 302);
  const callback = new URL(approved.headers.get("location")!);
  assert.equal(callback.searchParams.get("state"), "st<ate>");
  assert.equal(callback.searchParams.get("scope"), "boards:write");
  const result = await exchange(oauth, callback.searchParams.get("code")!);
  assert.equal(result.status, 200);
  assert.equal(tokens.check(String(result.body.access_token)).ok, true);

  // The request was answered: posting it again is an error page.
  const again = await post(oauth, "/oauth2/authorize", {
    request: requestId,
    decision: "approve",
  });
  assert.equal(again.status, 400);
  assert.equal(again.headers.get("location"), null);
  await again.body?.cancel();
});

Deno.test("authorize with consent page: Deny redirects with access_denied and state", async () => {
  const { oauth } = setup();
  oauth.setConsent("page");
  const response = await oauth.handle(
    new Request(authorizeUrl({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      state: "deny-state",
    })),
  );
  const html = await response.text();
  const requestId = /name="request" value="([^"]+)"/.exec(html)![1]!;
  const denied = await post(oauth, "/oauth2/authorize", {
    request: requestId,
    decision: "deny",
  });
  assert.equal(denied.status, 302);
  const callback = new URL(denied.headers.get("location")!);
  assert.equal(callback.origin + callback.pathname, REDIRECT);
  assert.equal(callback.searchParams.get("error"), "access_denied");
  assert.equal(callback.searchParams.get("state"), "deny-state");
  assert.equal(callback.searchParams.has("code"), false);
  assert.equal(oauth.codesIssued, 0);

  const unknown = await post(oauth, "/oauth2/authorize", {
    request: "nope",
    decision: "approve",
  });
  assert.equal(unknown.status, 400);
  await unknown.body?.cancel();
});

Deno.test("consent page requests expire after 10 minutes", async () => {
  const { oauth, advance } = setup({ consent: "page" });
  const response = await oauth.handle(
    new Request(authorizeUrl({ client_id: CLIENT_ID, redirect_uri: REDIRECT })),
  );
  const requestId = /name="request" value="([^"]+)"/.exec(
    await response.text(),
  )![1]!;
  advance(600_000);
  const late = await post(oauth, "/oauth2/authorize", {
    request: requestId,
    decision: "approve",
  });
  assert.equal(late.status, 400);
  assert.match(await late.text(), /expired/);
});

Deno.test("OAuth 2.1 token: JWT access token with exp, rotating refresh token, no expires_in", async () => {
  const { oauth, tokens, now } = setup({ accessTokenTtlSeconds: 120 });
  const callback = await authorize(oauth);
  const { status, body, headers } = await exchange(
    oauth,
    callback.searchParams.get("code")!,
  );
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(body).sort(), [
    "access_token",
    "refresh_token",
    "scope",
    "token_type",
  ]);
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.scope, "me:read boards:read");
  assert.equal(headers.get("cache-control"), "no-store");
  const payload = jwtPayload(String(body.access_token));
  assert.equal(payload.exp, Math.floor(now() / 1000) + 120);
  assert.equal(payload.sub, "1");
  assert.equal(String(body.refresh_token).split(".").length, 3);
  const check = tokens.check(String(body.access_token));
  assert.ok(check.ok);
  assert.equal(check.info.kind, "oauth");
  assert.deepEqual(check.info.scopes, ["me:read", "boards:read"]);
  assert.equal(tokens.issued, 1);
});

Deno.test("OAuth 2.1 token accepts client_secret_basic and refuses bad client auth with 401 invalid_client", async () => {
  const { oauth } = setup();
  const basic = "Basic " + btoa(`${CLIENT_ID}:${CLIENT_SECRET}`);
  const callback = await authorize(oauth);
  const ok = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: REDIRECT,
    code_verifier: VERIFIER,
  }, { authorization: basic });
  assert.equal(ok.status, 200);

  const code = (await authorize(oauth)).searchParams.get("code")!;
  const base = {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    code_verifier: VERIFIER,
  };
  const wrongBasic = await postJson(oauth, "/oauth_ms/oauth/token", base, {
    authorization: "Basic " + btoa(`${CLIENT_ID}:guess-9999`),
  });
  assert.equal(wrongBasic.status, 401);
  assert.equal(wrongBasic.body.error, "invalid_client");
  assert.match(wrongBasic.headers.get("www-authenticate")!, /^Basic/);
  assert.ok(!JSON.stringify(wrongBasic.body).includes("guess-9999"));

  const cases: [
    Record<string, string>,
    Record<string, string>,
    number,
    string,
  ][] = [
    [{}, {}, 401, "invalid_client"],
    [{ client_id: CLIENT_ID }, {}, 401, "invalid_client"],
    [
      { client_id: CLIENT_ID, client_secret: "nope" },
      {},
      401,
      "invalid_client",
    ],
    [
      { client_id: "other", client_secret: CLIENT_SECRET },
      {},
      401,
      "invalid_client",
    ],
    [{}, { authorization: "Basic !!!" }, 401, "invalid_client"],
    [
      { client_secret: CLIENT_SECRET },
      { authorization: basic },
      400,
      "invalid_request",
    ],
    [{ client_id: "other" }, { authorization: basic }, 401, "invalid_client"],
  ];
  for (const [fields, headers, status, error] of cases) {
    const result = await postJson(
      oauth,
      "/oauth_ms/oauth/token",
      { ...base, ...fields },
      headers,
    );
    assert.equal(result.status, status, JSON.stringify(fields));
    assert.equal(result.body.error, error, JSON.stringify(fields));
    assert.equal(typeof result.body.error_description, "string");
  }
  // None of the failures used up the code.
  assert.equal((await exchange(oauth, code)).status, 200);
});

Deno.test("OAuth 2.1 token requires PKCE S256 and a form-encoded body", async () => {
  const { oauth } = setup();
  const code = (await authorize(oauth)).searchParams.get("code")!;
  const missing = await exchange(oauth, code, { code_verifier: "" });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error, "invalid_request");
  assert.match(String(missing.body.error_description), /code_verifier/);

  const wrong = await exchange(oauth, code, {
    code_verifier: "another-verifier-0123456789-abcdefghijklmnop",
  });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, "invalid_grant");
  assert.match(String(wrong.body.error_description), /PKCE/);

  const malformed = await exchange(oauth, code, { code_verifier: "short" });
  assert.equal(malformed.body.error, "invalid_request");

  const noChallenge = (await authorize(oauth, {
    code_challenge: undefined,
    code_challenge_method: undefined,
  })).searchParams.get("code")!;
  const refused = await exchange(oauth, noChallenge);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error, "invalid_grant");
  assert.match(String(refused.body.error_description), /PKCE is required/);

  const json = await oauth.handle(
    new Request(new URL("/oauth_ms/oauth/token", BASE), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
        code_verifier: VERIFIER,
        ...clientPost,
      }),
    }),
  );
  assert.equal(json.status, 400);
  assert.equal((await json.json()).error, "invalid_request");

  assert.equal((await exchange(oauth, code)).status, 200);
});

Deno.test("OAuth 2.1 token grant errors: missing or unsupported grant, redirect mismatch, unknown code", async () => {
  const { oauth } = setup();
  const code = (await authorize(oauth)).searchParams.get("code")!;
  const noGrant = await postJson(oauth, "/oauth_ms/oauth/token", {
    code,
    ...clientPost,
  });
  assert.equal(noGrant.body.error, "invalid_request");
  const password = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "password",
    ...clientPost,
  });
  assert.equal(password.status, 400);
  assert.equal(password.body.error, "unsupported_grant_type");
  const mismatch = await exchange(oauth, code, {
    redirect_uri: OTHER_REDIRECT,
  });
  assert.equal(mismatch.body.error, "invalid_grant");
  assert.match(String(mismatch.body.error_description), /redirect_uri/);
  const noCode = await exchange(oauth, "");
  assert.equal(noCode.body.error, "invalid_request");
  const unknown = await exchange(oauth, "not-a-code");
  assert.equal(unknown.body.error, "invalid_grant");
  const get = await oauth.handle(
    new Request(new URL("/oauth_ms/oauth/token", BASE)),
  );
  assert.equal(get.status, 405);
  await get.body?.cancel();
});

Deno.test("authorization codes are single-use: reuse is refused and revokes what the code gave", async () => {
  const { oauth, tokens } = setup();
  const code = (await authorize(oauth)).searchParams.get("code")!;
  const first = await exchange(oauth, code);
  assert.equal(first.status, 200);
  const access = String(first.body.access_token);
  assert.equal(tokens.check(access).ok, true);
  const second = await exchange(oauth, code);
  assert.equal(second.status, 400);
  assert.equal(second.body.error, "invalid_grant");
  assert.match(String(second.body.error_description), /already used/);
  assert.deepEqual(tokens.check(access), { ok: false, reason: "revoked" });
  const refresh = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(first.body.refresh_token),
    ...clientPost,
  });
  assert.equal(refresh.body.error, "invalid_grant");
});

Deno.test("concurrent exchanges of one code: exactly one wins", async () => {
  const { oauth, tokens } = setup();
  const code = (await authorize(oauth)).searchParams.get("code")!;
  const results = await Promise.all([
    exchange(oauth, code),
    exchange(oauth, code),
    exchange(oauth, code),
  ]);
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400]);
  assert.equal(tokens.issued, 1);
  // The duplicates count as code reuse: the winner's tokens are revoked too.
  const winner = results.find((r) => r.status === 200)!;
  assert.deepEqual(tokens.check(String(winner.body.access_token)), {
    ok: false,
    reason: "revoked",
  });
});

Deno.test("authorization codes expire after 10 minutes on the emulator clock", async () => {
  const { oauth, advance } = setup();
  const early = (await authorize(oauth)).searchParams.get("code")!;
  const late = (await authorize(oauth)).searchParams.get("code")!;
  advance(599_999);
  assert.equal((await exchange(oauth, early)).status, 200);
  advance(1);
  const expired = await exchange(oauth, late);
  assert.equal(expired.status, 400);
  assert.equal(expired.body.error, "invalid_grant");
  assert.match(String(expired.body.error_description), /expired/);
});

Deno.test("expired codes are forgotten once many have piled up", async () => {
  const { oauth, advance } = setup();
  const first = (await authorize(oauth)).searchParams.get("code")!;
  for (let i = 0; i < 1000; i++) await authorize(oauth);
  advance(600_000);
  const before = await exchange(oauth, first);
  assert.match(String(before.body.error_description), /expired/);
  const fresh = (await authorize(oauth)).searchParams.get("code")!;
  const after = await exchange(oauth, first);
  assert.match(String(after.body.error_description), /Unknown/);
  assert.equal((await exchange(oauth, fresh)).status, 200);
});

Deno.test("refresh_token grant rotates; access tokens expire and refreshed ones work", async () => {
  const { oauth, tokens, advance } = setup({ accessTokenTtlSeconds: 60 });
  const code = (await authorize(oauth)).searchParams.get("code")!;
  const first = await exchange(oauth, code);
  advance(60_000);
  assert.deepEqual(tokens.check(String(first.body.access_token)), {
    ok: false,
    reason: "expired",
  });
  const second = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(first.body.refresh_token),
    ...clientPost,
  });
  assert.equal(second.status, 200);
  assert.notEqual(second.body.refresh_token, first.body.refresh_token);
  assert.equal(second.body.scope, "me:read boards:read");
  assert.equal(second.body.expires_in, undefined);
  assert.equal(tokens.check(String(second.body.access_token)).ok, true);
  assert.equal(tokens.refreshes, 1);

  const basic = "Basic " + btoa(`${CLIENT_ID}:${CLIENT_SECRET}`);
  const third = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(second.body.refresh_token),
    scope: "me:read",
  }, { authorization: basic });
  assert.equal(third.status, 200);

  const widen = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(third.body.refresh_token),
    scope: "users:write",
    ...clientPost,
  });
  assert.equal(widen.body.error, "invalid_scope");
  // A refused scope request does not use up the refresh token.
  const fourth = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(third.body.refresh_token),
    ...clientPost,
  });
  assert.equal(fourth.status, 200);

  const missing = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    ...clientPost,
  });
  assert.equal(missing.body.error, "invalid_request");
  const unknown = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: "nope",
    ...clientPost,
  });
  assert.equal(unknown.body.error, "invalid_grant");
});

Deno.test("reusing a refresh token revokes the whole family, access tokens included", async () => {
  const { oauth, tokens } = setup();
  const first = await exchange(
    oauth,
    (await authorize(oauth)).searchParams.get("code")!,
  );
  const other = await exchange(
    oauth,
    (await authorize(oauth)).searchParams.get("code")!,
  );
  const second = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(first.body.refresh_token),
    ...clientPost,
  });
  assert.equal(second.status, 200);
  const reuse = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(first.body.refresh_token),
    ...clientPost,
  });
  assert.equal(reuse.status, 400);
  assert.equal(reuse.body.error, "invalid_grant");
  assert.match(String(reuse.body.error_description), /already used/);
  assert.deepEqual(tokens.check(String(second.body.access_token)), {
    ok: false,
    reason: "revoked",
  });
  const newest = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(second.body.refresh_token),
    ...clientPost,
  });
  assert.equal(newest.body.error, "invalid_grant");
  assert.equal(tokens.check(String(other.body.access_token)).ok, true);
  assert.ok(
    !JSON.stringify(reuse.body).includes(String(first.body.refresh_token)),
  );
});

Deno.test("legacy /oauth2/token returns a non-expiring token without refresh token", async () => {
  const { oauth, tokens, advance } = setup();
  const code = (await authorize(oauth, {
    code_challenge: undefined,
    code_challenge_method: undefined,
  })).searchParams.get("code")!;
  const result = await postJson(oauth, "/oauth2/token", {
    code,
    redirect_uri: REDIRECT,
    ...clientPost,
  });
  assert.equal(result.status, 200);
  assert.deepEqual(Object.keys(result.body).sort(), [
    "access_token",
    "scope",
    "token_type",
  ]);
  assert.equal(result.body.token_type, "Bearer");
  assert.equal(result.body.scope, "me:read boards:read");
  assert.equal(jwtPayload(String(result.body.access_token)).exp, undefined);
  advance(365 * 86_400_000);
  const check = tokens.check(String(result.body.access_token));
  assert.ok(check.ok);
  assert.equal(check.info.kind, "oauth_legacy");

  // JSON bodies work on the legacy endpoint, and codes are single-use there too.
  const code2 = (await authorize(oauth)).searchParams.get("code")!;
  const viaJson = await oauth.handle(
    new Request(new URL("/oauth2/token", BASE), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        code: code2,
        redirect_uri: REDIRECT,
        ...clientPost,
      }),
    }),
  );
  assert.equal(viaJson.status, 200);
  await viaJson.body?.cancel();
  const reuse = await postJson(oauth, "/oauth2/token", {
    code: code2,
    redirect_uri: REDIRECT,
    ...clientPost,
  });
  assert.equal(reuse.body.error, "invalid_grant");
  const badSecret = await postJson(oauth, "/oauth2/token", {
    code: code2,
    redirect_uri: REDIRECT,
    client_id: CLIENT_ID,
    client_secret: "x",
  });
  assert.equal(badSecret.status, 401);
  assert.equal(badSecret.body.error, "invalid_client");
});

Deno.test("revoke answers success and revoked tokens stop working; refresh tokens take their family", async () => {
  const { oauth, tokens } = setup();
  const first = await exchange(
    oauth,
    (await authorize(oauth)).searchParams.get("code")!,
  );
  const revoked = await postJson(oauth, "/oauth_ms/oauth/revoke", {
    token: String(first.body.access_token),
    token_type_hint: "access_token",
    ...clientPost,
  });
  assert.equal(revoked.status, 200);
  assert.deepEqual(revoked.body, { success: true });
  assert.deepEqual(tokens.check(String(first.body.access_token)), {
    ok: false,
    reason: "revoked",
  });

  const second = await exchange(
    oauth,
    (await authorize(oauth)).searchParams.get("code")!,
  );
  const basic = "Basic " + btoa(`${CLIENT_ID}:${CLIENT_SECRET}`);
  const byRefresh = await postJson(oauth, "/oauth_ms/oauth/revoke", {
    token: String(second.body.refresh_token),
    token_type_hint: "refresh_token",
  }, { authorization: basic });
  assert.deepEqual(byRefresh.body, { success: true });
  assert.equal(tokens.check(String(second.body.access_token)).ok, false);
  const refresh = await postJson(oauth, "/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: String(second.body.refresh_token),
    ...clientPost,
  });
  assert.equal(refresh.body.error, "invalid_grant");

  // Unknown tokens: success too (RFC 7009); personal tokens are not the app's to revoke.
  const unknown = await postJson(oauth, "/oauth_ms/oauth/revoke", {
    token: "unknown",
    ...clientPost,
  });
  assert.deepEqual(unknown.body, { success: true });
  await postJson(oauth, "/oauth_ms/oauth/revoke", {
    token: "personal-token",
    ...clientPost,
  });
  assert.equal(tokens.check("personal-token").ok, true);

  const noAuth = await postJson(oauth, "/oauth_ms/oauth/revoke", {
    token: "unknown",
  });
  assert.equal(noAuth.status, 401);
  assert.equal(noAuth.body.error, "invalid_client");
  const noToken = await postJson(oauth, "/oauth_ms/oauth/revoke", clientPost);
  assert.equal(noToken.body.error, "invalid_request");
  const badHint = await postJson(oauth, "/oauth_ms/oauth/revoke", {
    token: "x",
    token_type_hint: "id_token",
    ...clientPost,
  });
  assert.equal(badHint.body.error, "unsupported_token_type");
});

Deno.test("OAuthService: unknown routes 404, wrong methods 405, bad options throw", async () => {
  const { oauth, tokens } = setup();
  const notFound = await oauth.handle(new Request(new URL("/oauth2/x", BASE)));
  assert.equal(notFound.status, 404);
  await notFound.body?.cancel();
  const put = await oauth.handle(
    new Request(new URL("/oauth2/authorize", BASE), { method: "PUT" }),
  );
  assert.equal(put.status, 405);
  await put.body?.cancel();
  const clock = { now: () => START };
  const base: OAuthServiceOptions = {
    clock,
    tokens,
    clientId: "a",
    clientSecret: "b",
    redirectUris: [REDIRECT],
    consent: "auto",
    accessTokenTtlSeconds: 60,
    userId: "1",
    random: Math.random,
  };
  assert.throws(() => new OAuthService({ ...base, clientId: "" }), TypeError);
  assert.throws(
    () => new OAuthService({ ...base, clientSecret: "" }),
    TypeError,
  );
  assert.throws(
    () => new OAuthService({ ...base, redirectUris: [] }),
    TypeError,
  );
  assert.throws(
    () => new OAuthService({ ...base, accessTokenTtlSeconds: 0 }),
    RangeError,
  );
  assert.ok(!Deno.inspect(oauth).includes(CLIENT_SECRET));
});

Deno.test("over HTTP: OAuth 2.1 through startEmulator, token works on GraphQL until revoked", async () => {
  await using emulator = await startEmulator({ accessTokenTtlSeconds: 600 });
  const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
  const redirectUri = redirectUris[0]!;
  const url = new URL(`${emulator.authUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    state: "e2e-state",
    scope: "me:read",
    code_challenge: await challengeOf(VERIFIER),
    code_challenge_method: "S256",
  }).toString();
  const authorized = await fetch(url, { redirect: "manual" });
  await authorized.body?.cancel();
  assert.equal(authorized.status, 302);
  const callback = new URL(authorized.headers.get("location")!);
  assert.equal(callback.searchParams.get("state"), "e2e-state");

  const tokenResponse = await fetch(
    `${emulator.authUrl}/oauth_ms/oauth/token`,
    {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: callback.searchParams.get("code")!,
        redirect_uri: redirectUri,
        code_verifier: VERIFIER,
      }),
    },
  );
  assert.equal(tokenResponse.status, 200);
  const tokens = await tokenResponse.json();
  assert.equal(tokens.expires_in, undefined);
  assert.equal(
    jwtPayload(tokens.access_token).exp,
    Math.floor(emulator.now() / 1000) + 600,
  );

  const me = async () => {
    const response = await fetch(emulator.apiUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${tokens.access_token}`,
      },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    return { status: response.status, body: await response.json() };
  };
  const ok = await me();
  assert.equal(ok.status, 200);
  assert.equal(typeof ok.body.data.me.id, "string");
  assert.equal(emulator.stats().tokensIssued, 1);

  const revoked = await fetch(`${emulator.authUrl}/oauth_ms/oauth/revoke`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      token: tokens.refresh_token,
      token_type_hint: "refresh_token",
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  assert.deepEqual(await revoked.json(), { success: true });
  const refused = await me();
  assert.equal(refused.status, 401);
  assert.ok(emulator.stats().tokensRevoked >= 2);
});

Deno.test("over HTTP: the consent page's Approve button posts back and redirects with a code", async () => {
  await using emulator = await startEmulator({ consent: "page" });
  const { clientId, redirectUris } = emulator.credentials.oauth;
  const url = new URL(`${emulator.authUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUris[0]!,
    state: "page-state",
  }).toString();
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
  const requestId = /name="request" value="([^"]+)"/.exec(html)![1]!;
  const decision = await fetch(new URL(action, url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request: requestId, decision: "approve" }),
    redirect: "manual",
  });
  await decision.body?.cancel();
  assert.equal(decision.status, 302);
  const callback = new URL(decision.headers.get("location")!);
  assert.equal(callback.searchParams.get("state"), "page-state");
  assert.ok(callback.searchParams.get("code"));
});

Deno.test("over HTTP: a revoked token stops working on every surface: /v2, /v2/file, audit and refresh", async () => {
  await using emulator = await startEmulator();
  const { clientId, clientSecret } = emulator.credentials.oauth;
  const form = async (path: string, fields: Record<string, string>) => {
    const response = await fetch(`${emulator.authUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        ...fields,
      }),
    });
    return { status: response.status, body: await response.json() };
  };
  const graphql = async (authorization: string, file = false) => {
    const query = "{ me { id } }";
    const body = new FormData();
    body.set("query", query);
    const response = await fetch(file ? emulator.fileUrl : emulator.apiUrl, {
      method: "POST",
      headers: file
        ? { authorization }
        : { "content-type": "application/json", authorization },
      body: file ? body : JSON.stringify({ query }),
    });
    await response.body?.cancel();
    return response.status;
  };
  const surfaces = async (access: string) => ({
    graphql: await graphql(`Bearer ${access}`),
    file: await graphql(`Bearer ${access}`, true),
    audit: await (async () => {
      const response = await fetch(emulator.auditUrl, {
        headers: { authorization: `Bearer ${access}` },
      });
      await response.body?.cancel();
      return response.status;
    })(),
  });

  // OAuth 2.1: revoke the access token alone.
  const issued = await oauthTokens(emulator, "me:read boards:write", "2.1");
  const { access_token: access, refresh_token: refresh } = issued;
  // startEmulator's default access-token lifetime is 3600 s.
  assert.equal(
    jwtPayload(access).exp,
    Math.floor(emulator.now() / 1000) + 3600,
  );
  assert.deepEqual(await surfaces(access), {
    graphql: 200,
    file: 200,
    audit: 401,
  });
  const revoked = await form("/oauth_ms/oauth/revoke", {
    token: access,
    token_type_hint: "access_token",
  });
  assert.deepEqual(revoked.body, { success: true });
  assert.deepEqual(await surfaces(access), {
    graphql: 401,
    file: 401,
    audit: 401,
  });

  // Revoking the refresh token ends the refresh grant and its family.
  const refreshed = await form("/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: refresh!,
  });
  assert.equal(refreshed.status, 200);
  const fresh = refreshed.body;
  assert.equal(await graphql(`Bearer ${fresh.access_token}`), 200);
  await form("/oauth_ms/oauth/revoke", {
    token: fresh.refresh_token,
    token_type_hint: "refresh_token",
  });
  const afterRevoke = await form("/oauth_ms/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: fresh.refresh_token,
  });
  assert.equal(afterRevoke.status, 400);
  assert.equal(afterRevoke.body.error, "invalid_grant");
  assert.equal(await graphql(`Bearer ${fresh.access_token}`), 401);

  // Legacy (never-expiring) tokens are revocable too.
  const legacy = await oauthTokens(emulator, "me:read boards:write", "legacy");
  assert.equal(legacy.refresh_token, undefined);
  assert.equal(await graphql(`Bearer ${legacy.access_token}`), 200);
  await form("/oauth_ms/oauth/revoke", { token: legacy.access_token });
  assert.deepEqual(await surfaces(legacy.access_token), {
    graphql: 401,
    file: 401,
    audit: 401,
  });
  assert.equal(emulator.stats().tokensRevoked >= 4, true);
});
