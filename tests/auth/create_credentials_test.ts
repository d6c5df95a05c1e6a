import assert from "node:assert/strict";
import { createCredentials } from "../../auth/create_credentials.ts";
import {
  CredentialsUnavailableError,
  LoginRequiredError,
} from "../../auth/errors.ts";
import { OAuthClient } from "../../auth/oauth_client.ts";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { MemoryStore } from "../../storage/mod.ts";
import { freePort } from "./_auth_server.ts";

/** Runs `{ me { id } }` on the emulator with a header; returns the user id or the HTTP status. */
async function me(emulator: Emulator, authorization: string): Promise<string> {
  const response = await fetch(emulator.apiUrl, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify({ query: "query { me { id } }" }),
  });
  const body = await response.json();
  return body?.data?.me?.id ?? `HTTP ${response.status}`;
}

async function follow(url: string): Promise<string> {
  const consent = await fetch(url, { redirect: "manual" });
  await consent.body?.cancel();
  return consent.headers.get("location")!;
}

Deno.test("AuthScheme=Token: APIToken is sent raw and works on the emulator", async () => {
  await using emulator = await startEmulator();
  const credentials = createCredentials(
    `APIToken=${emulator.credentials.apiToken}`,
  );
  const header = await credentials.authorization();
  assert.equal(header, emulator.credentials.apiToken);
  assert.match(await me(emulator, header), /^\d+$/);
});

Deno.test("Schema=AuditLog sends the audit token as Bearer", async () => {
  const credentials = createCredentials({
    schema: "AuditLog",
    apiToken: "audit-token-1",
  });
  assert.equal(await credentials.authorization(), "Bearer audit-token-1");
});

Deno.test("without APIToken the environment is read when asked", async () => {
  const reads: string[] = [];
  const env = (name: string) => {
    reads.push(name);
    return name === "MONDAY_AUDIT_TOKEN" ? "audit-from-env" : undefined;
  };
  const graphql = createCredentials({}, { env });
  const audit = createCredentials({ schema: "AuditLog" }, { env });
  assert.deepEqual(reads, []);
  await assert.rejects(graphql.authorization(), CredentialsUnavailableError);
  assert.equal(await audit.authorization(), "Bearer audit-from-env");
  assert.deepEqual(reads, ["MONDAY_API_TOKEN", "MONDAY_AUDIT_TOKEN"]);
});

Deno.test("InitiateOAuth=OFF uses OAuthAccessToken as given", async () => {
  const credentials = createCredentials(
    "AuthScheme=OAuth;InitiateOAuth=OFF;OAuthAccessToken=given-access-token",
  );
  assert.equal(await credentials.authorization(), "Bearer given-access-token");
  assert.doesNotMatch(Deno.inspect(credentials), /given-access-token/);
});

Deno.test("InitiateOAuth=REFRESH exchanges OAuthVerifier when nothing is stored, then refreshes", async () => {
  await using emulator = await startEmulator({ startTime: Date.now() });
  const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
  const location = `memory://${crypto.randomUUID()}`;
  const store = new MemoryStore(location.slice("memory://".length));
  // Step 1 (for example `mondaykit auth url`) left a pending verifier in the store.
  const starter = new OAuthClient({
    clientId,
    clientSecret,
    authUrl: emulator.authUrl,
    callbackUrl: redirectUris[0]!,
    scope: "me:read",
    store,
  });
  const verifier = await follow((await starter.getAuthorizationUrl()).url);
  const clock = { now: () => emulator.now(), sleep: () => Promise.resolve() };
  const credentials = createCredentials({
    authScheme: "OAuth",
    initiateOAuth: "REFRESH",
    oauthClientId: clientId,
    oauthClientSecret: clientSecret,
    oauthVerifier: verifier,
    oauthSettingsLocation: location,
    callbackUrl: redirectUris[0]!,
    authUrl: emulator.authUrl,
  }, { clock });
  const header = await credentials.authorization();
  assert.match(header, /^Bearer /);
  assert.match(await me(emulator, header), /^\d+$/);
  emulator.advance(3_600_000);
  const refreshed = await credentials.authorization();
  assert.notEqual(refreshed, header);
  assert.match(await me(emulator, refreshed), /^\d+$/);
  assert.equal(emulator.stats().refreshes, 1);
});

Deno.test("InitiateOAuth=REFRESH with nothing stored and no verifier asks to log in", async () => {
  const credentials = createCredentials({
    authScheme: "OAuth",
    initiateOAuth: "REFRESH",
    oauthClientId: "app",
    oauthSettingsLocation: `memory://${crypto.randomUUID()}`,
  }, { opener: () => assert.fail("REFRESH must never open a browser") });
  const error = await credentials.authorization().catch((e) => e);
  assert.ok(error instanceof LoginRequiredError);
  assert.match(error.message, /log in again/);
});

Deno.test("InitiateOAuth=GETANDREFRESH runs the desktop flow when nothing is stored", async () => {
  const callbackUrl = `http://127.0.0.1:${freePort()}/callback`;
  await using emulator = await startEmulator({
    startTime: Date.now(),
    oauthRedirectUris: [callbackUrl],
  });
  const { clientId, clientSecret } = emulator.credentials.oauth;
  const browsers: Promise<void>[] = [];
  const printed: string[] = [];
  const credentials = createCredentials(
    `AuthScheme=OAuth;InitiateOAuth=GETANDREFRESH;OAuthClientId=${clientId};` +
      `OAuthClientSecret=${clientSecret};CallbackURL=${callbackUrl};Scope=me:read;` +
      `AuthUrl=${emulator.authUrl};OAuthSettingsLocation=memory://${crypto.randomUUID()}`,
    {
      writer: (text) => void printed.push(text),
      opener: (url) => {
        browsers.push((async () => {
          await (await fetch(await follow(url))).text();
        })());
      },
    },
  );
  const header = await credentials.authorization();
  await Promise.all(browsers);
  assert.equal(browsers.length, 1);
  assert.match(printed.join(""), /oauth2\/authorize/);
  assert.match(await me(emulator, header), /^\d+$/);
  // Stored now: no second login.
  assert.equal(await credentials.authorization(), header);
  assert.equal(browsers.length, 1);
});

Deno.test("OAuth modes other than OFF need OAuthClientId", () => {
  assert.throws(
    () => createCredentials({ authScheme: "OAuth", initiateOAuth: "REFRESH" }),
    /'OAuthClientId' is required with InitiateOAuth=REFRESH/,
  );
});
