import assert from "node:assert/strict";
import type { HttpEvent } from "../../_http/mod.ts";
import { credentialStatus } from "../../auth/credential_status.ts";
import { desktopLogin } from "../../auth/desktop_flow.ts";
import {
  exportCredentials,
  importCredentials,
} from "../../auth/headless_flow.ts";
import { OAuthClient } from "../../auth/oauth_client.ts";
import { OAuthCredentials } from "../../auth/oauth_credentials.ts";
import { MemoryStore } from "../../storage/mod.ts";
import { consent, freePort, startAuthServer } from "./_auth_server.ts";

/** Everything a user or a log could see: console output, writer text, debug events, errors. */
class Capture {
  readonly texts: string[] = [];
  #restore: (() => void) | undefined;

  start(): void {
    const methods = ["log", "error", "warn", "info", "debug"] as const;
    const saved = methods.map((name) => [name, console[name]] as const);
    for (const name of methods) {
      console[name] = (...args: unknown[]) => {
        this.texts.push(
          args.map((a) =>
            typeof a === "string" ? a : Deno.inspect(a, { depth: 10 })
          ).join(" "),
        );
      };
    }
    this.#restore = () => {
      for (const [name, fn] of saved) console[name] = fn;
    };
  }

  stop(): void {
    this.#restore?.();
  }

  writer = (text: string): void => {
    this.texts.push(text);
  };

  event = (event: HttpEvent): void => {
    this.texts.push(JSON.stringify(event));
  };

  error(error: unknown): void {
    this.texts.push(Deno.inspect(error, { depth: 20, showHidden: true }));
    if (error instanceof Error) {
      this.texts.push(error.message, error.stack ?? "", JSON.stringify(error));
      this.texts.push(
        JSON.stringify(Object.fromEntries(Object.entries(error))),
      );
      if (error.cause !== undefined) this.error(error.cause);
    }
  }

  async run(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      this.texts.push("(no error)");
    } catch (error) {
      this.error(error);
    }
  }
}

Deno.test("nothing printed, logged or thrown during failing runs contains a secret", async () => {
  const callbackUrl = `http://127.0.0.1:${freePort()}/callback`;
  await using server = await startAuthServer({ redirectUris: [callbackUrl] });
  const capture = new Capture();
  const store = new MemoryStore(crypto.randomUUID());
  const client = new OAuthClient({
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    authUrl: server.url,
    callbackUrl,
    store,
    onEvent: capture.event,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const secrets: string[] = [server.clientSecret];

  // A good login first, to have real tokens, verifier and code to look for.
  const request = await client.getAuthorizationUrl();
  const pending = (await store.load())?.oauthPending as { verifier: string }[];
  secrets.push(pending[0]!.verifier);
  const redirect = await consent(request.url);
  const code = new URL(redirect).searchParams.get("code")!;
  secrets.push(code);
  const tokens = await client.exchangeCode(redirect);
  secrets.push(tokens.accessToken, tokens.refreshToken!);
  const passphrase = "a passphrase nobody should see";
  secrets.push(passphrase);

  capture.start();
  try {
    // 1. A server that echoes secrets in its error description.
    server.inject("/oauth_ms/oauth/token", {
      status: 400,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: "invalid_grant",
        error_description:
          `refresh token ${tokens.refreshToken} of client ${server.clientSecret} was revoked`,
      }),
    });
    await capture.run(() => client.refreshTokens());
    // 2. A server failing with secrets in its body, retried until it gives up.
    server.inject(
      "/oauth_ms/oauth/token",
      {
        status: 500,
        body: `boom ${tokens.refreshToken} ${server.clientSecret}`,
      },
      2,
    );
    await capture.run(() => client.refreshTokens());
    // 3. A provider whose refresh fails after expiry.
    server.advance(3_600_000);
    server.inject(
      "/oauth_ms/oauth/token",
      { status: 503, body: "down" },
      2,
    );
    const credentials = new OAuthCredentials(
      new OAuthClient({
        clientId: server.clientId,
        clientSecret: server.clientSecret,
        authUrl: server.url,
        store,
        onEvent: capture.event,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
        clock: { now: server.now, sleep: () => Promise.resolve() },
      }),
    );
    await capture.run(() => credentials.authorization());
    capture.texts.push(Deno.inspect(credentials, { depth: 20 }));
    capture.texts.push(
      Deno.inspect(client, { depth: 20 }),
      JSON.stringify(client),
    );
    // 4. A desktop login whose callback replays the old code with a wrong
    // state: refused, and the login times out; then the same URL pasted.
    await capture.run(() =>
      client.exchangeCode(`${callbackUrl}?code=${code}&state=${"q".repeat(43)}`)
    );
    await capture.run(() =>
      desktopLogin(client, {
        writer: capture.writer,
        timeoutMs: 500,
        opener: async () => {
          const response = await fetch(
            `${callbackUrl}?code=${code}&state=${"q".repeat(43)}`,
          );
          capture.texts.push(await response.text());
        },
      })
    );
    // 5. Replaying the code itself (server refuses: invalid_grant).
    await client.getAuthorizationUrl();
    await capture.run(() => client.exchangeCode(code));
    // 6. An import with the wrong passphrase, an export, status, logout that fails.
    const blob = await exportCredentials(store, passphrase);
    await capture.run(() =>
      importCredentials(
        new MemoryStore(crypto.randomUUID()),
        blob,
        "wrong passphrase 123",
      )
    );
    capture.texts.push(JSON.stringify(await credentialStatus(store)));
    server.inject(
      "/oauth_ms/oauth/revoke",
      { status: 400, body: `no ${tokens.accessToken}` },
      4,
    );
    capture.texts.push(JSON.stringify(await client.logout()));
  } finally {
    capture.stop();
  }

  const everything = capture.texts.join("\n");
  assert.ok(everything.length > 1000, "the runs produced output to check");
  assert.match(everything, /LoginRequiredError/);
  assert.match(everything, /OAuthError/);
  assert.match(everything, /state_mismatch/);
  assert.match(everything, /callback with a state of another login/);
  assert.match(everything, /refusedRequests: 1/);
  for (const secret of secrets) {
    for (
      const form of [secret, encodeURIComponent(secret), secret.slice(0, -4)]
    ) {
      assert.ok(
        !everything.includes(form),
        `a secret ending in '${secret.slice(-4)}' leaked`,
      );
    }
  }
});
