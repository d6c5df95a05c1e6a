import assert from "node:assert/strict";
import { credentialStatus } from "../../auth/credential_status.ts";
import { OAuthCallbackError } from "../../auth/errors.ts";
import {
  exportCredentials,
  headlessAuthorizationUrl,
  headlessExchange,
  importCredentials,
} from "../../auth/headless_flow.ts";
import { OAuthClient } from "../../auth/oauth_client.ts";
import { OAuthCredentials } from "../../auth/oauth_credentials.ts";
import { EncryptedFileStore, SettingsDecryptError } from "../../storage/mod.ts";
import { type AuthServer, consent, startAuthServer } from "./_auth_server.ts";

const CALLBACK = "http://127.0.0.1:8099/callback";

function randomKey(): string {
  return btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))),
  );
}

function clientOn(server: AuthServer, path: string, key: string): OAuthClient {
  return new OAuthClient({
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    authUrl: server.url,
    callbackUrl: CALLBACK,
    scope: "me:read",
    store: new EncryptedFileStore(path, { key }),
    clock: { now: server.now, sleep: () => Promise.resolve() },
  });
}

Deno.test("headless option 1: url in one process, exchange of the pasted redirect URL in another", async () => {
  await using server = await startAuthServer();
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/OAuthSettings.txt`;
    const key = randomKey();
    const printed: string[] = [];
    const request = await headlessAuthorizationUrl(
      clientOn(server, path, key),
      {
        writer: (text) => void printed.push(text),
      },
    );
    const text = printed.join("");
    assert.ok(text.includes(request.url));
    assert.match(text, /mondaykit auth exchange/);
    assert.match(text, /expires in 10 minutes/);
    const status = await credentialStatus(
      new EncryptedFileStore(path, { key }),
      {
        clock: { now: server.now, sleep: () => Promise.resolve() },
      },
    );
    assert.equal(status.loggedIn, false);
    assert.equal(status.pendingAuthorizations, 1);

    // The user opens the URL elsewhere and pastes the address back.
    const redirect = await consent(request.url);
    const tokens = await headlessExchange(
      clientOn(server, path, key),
      redirect,
    );
    assert.ok(await server.works(tokens.accessToken));
    // From then on, a provider on the same file refreshes by itself.
    const credentials = new OAuthCredentials(clientOn(server, path, key));
    server.advance(3_600_000);
    assert.ok(await server.works((await credentials.authorization()).slice(7)));
    // The same redirect cannot be used twice.
    const replay = await headlessExchange(clientOn(server, path, key), redirect)
      .catch((e) => e);
    assert.ok(replay instanceof OAuthCallbackError);
    assert.equal(replay.code, "state_mismatch");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("headless option 1 with a bare code", async () => {
  await using server = await startAuthServer();
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/OAuthSettings.txt`;
    const key = randomKey();
    const request = await headlessAuthorizationUrl(
      clientOn(server, path, key),
      { writer: false },
    );
    const code = new URL(await consent(request.url)).searchParams.get("code")!;
    const tokens = await headlessExchange(clientOn(server, path, key), code, {
      state: request.state,
    });
    assert.ok(await server.works(tokens.accessToken));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("headless option 2: export on the desktop, import on the headless host", async () => {
  await using server = await startAuthServer();
  const dir = await Deno.makeTempDir();
  try {
    const desktop = clientOn(server, `${dir}/desktop.txt`, randomKey());
    const { url } = await desktop.getAuthorizationUrl();
    const tokens = await desktop.exchangeCode(await consent(url));
    const passphrase = "correct horse battery staple";
    const blob = await exportCredentials(desktop.store, passphrase);
    const asText = new TextDecoder("latin1").decode(blob);
    assert.ok(!asText.includes(tokens.accessToken.slice(-20)));
    assert.ok(!asText.includes(tokens.refreshToken!.slice(-20)));
    await Deno.writeFile(`${dir}/login.mondaykit`, blob);

    const headlessStore = new EncryptedFileStore(`${dir}/headless.txt`, {
      key: randomKey(),
    });
    await assert.rejects(
      importCredentials(
        headlessStore,
        await Deno.readFile(`${dir}/login.mondaykit`),
        "wrong passphrase!",
      ),
      SettingsDecryptError,
    );
    await importCredentials(
      headlessStore,
      await Deno.readFile(`${dir}/login.mondaykit`),
      passphrase,
    );
    const headless = desktop.withStore(headlessStore);
    assert.deepEqual(await headless.loadTokens(), tokens);
    const credentials = new OAuthCredentials(headless);
    assert.equal(
      await credentials.authorization(),
      `Bearer ${tokens.accessToken}`,
    );
    const status = await credentialStatus(headlessStore);
    assert.equal(status.loggedIn, true);
    assert.equal(status.accessToken, `…${tokens.accessToken.slice(-4)}`);
    const me = await fetch(server.emulator.apiUrl, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.accessToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ query: "query { me { id } }" }),
    }).then((r) => r.json());
    assert.equal(status.userId, me.data.me.id);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exportCredentials refuses an empty store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = new EncryptedFileStore(`${dir}/none.txt`, {
      key: randomKey(),
    });
    await assert.rejects(
      exportCredentials(store, "a long passphrase"),
      /nothing is stored/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
