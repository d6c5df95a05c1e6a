// The OAuth token and revoke endpoints against misbehaving servers: a
// redirect, a huge body, an error body that echoes the whole request. Each
// server is a small Deno.serve stub on 127.0.0.1 (the emulator behaves).

import assert from "node:assert/strict";
import { ResponseTooLargeError } from "../../_http/mod.ts";
import { LoginRequiredError, OAuthError } from "../../auth/errors.ts";
import {
  OAuthClient,
  type OAuthClientOptions,
} from "../../auth/oauth_client.ts";
import { MemoryStore } from "../../storage/mod.ts";

const CLIENT_SECRET = "cl!ent/secret+value=with&chars 0042";
const REFRESH_TOKEN = "rt/refresh+token=value&0001";
const CODE = "authorization-code/+=0003";

interface Stub {
  readonly url: string;
  readonly requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function serve(
  answer: (request: Request, body: string) => Response | Promise<Response>,
): Stub {
  const requests: Stub["requests"] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.text();
      requests.push({
        method: request.method,
        path: new URL(request.url).pathname,
        body,
      });
      return await answer(request, body);
    },
  );
  const close = async () => {
    await server.shutdown();
    await server.finished;
  };
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function clientOf(
  authUrl: string,
  options: Partial<OAuthClientOptions> = {},
): OAuthClient {
  return new OAuthClient({
    clientId: "app-client-id",
    clientSecret: CLIENT_SECRET,
    authUrl,
    callbackUrl: "http://127.0.0.1:8099/callback",
    store: new MemoryStore(crypto.randomUUID()),
    retry: false,
    ...options,
  });
}

/** Runs the three calls that send secrets: code exchange, refresh, revoke. */
async function secretCalls(client: OAuthClient): Promise<unknown[]> {
  await client.getAuthorizationUrl();
  const errors: unknown[] = [];
  errors.push(await client.exchangeCode(CODE).catch((e) => e));
  errors.push(
    await client.refreshTokens({ refreshToken: REFRESH_TOKEN }).catch((e) => e),
  );
  errors.push(await client.revoke({ token: REFRESH_TOKEN }).catch((e) => e));
  return errors;
}

for (const status of [307, 308, 302]) {
  Deno.test(`a ${status} from the token endpoint is refused: the redirect target receives nothing`, async () => {
    await using target = serve(() => Response.json({ access_token: "stolen" }));
    await using server = serve(() =>
      new Response(null, {
        status,
        headers: { location: `${target.url}/collect?x=1` },
      })
    );
    const client = clientOf(server.url);
    const errors = await secretCalls(client);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(target.requests, []);
    for (const error of errors) {
      assert.ok(error instanceof OAuthError, String(error));
      assert.equal(error.code, "redirect_refused");
      assert.equal(error.status, status);
      assert.equal(error.retryable, false);
      assert.match(error.message, new RegExp(`HTTP ${status}`));
      assert.ok(error.message.includes(`${target.url}/collect`), error.message);
      assert.ok(!error.message.includes(CLIENT_SECRET));
    }
  });
}

Deno.test("a redirect to a URL holding a secret is named with the secret masked", async () => {
  await using server = serve(() =>
    new Response(null, {
      status: 307,
      headers: {
        location: `http://evil.example/steal?refresh_token=${
          encodeURIComponent(REFRESH_TOKEN)
        }&c=${encodeURIComponent(CLIENT_SECRET)}`,
      },
    })
  );
  const error = await clientOf(server.url).refreshTokens({
    refreshToken: REFRESH_TOKEN,
  }).catch((e) => e);
  assert.ok(error instanceof OAuthError);
  assert.match(error.message, /http:\/\/evil\.example\/steal/);
  const seen = Deno.inspect(error, { depth: 10 });
  for (const secret of [REFRESH_TOKEN, CLIENT_SECRET]) {
    assert.ok(!seen.includes(secret), seen);
    assert.ok(!seen.includes(encodeURIComponent(secret)), seen);
  }
});

Deno.test("a token answer far over maxResponseBytes fails with a catchable ResponseTooLargeError", async () => {
  const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(65_000)}",`);
  await using server = serve(() => {
    let sent = 0;
    // 64 MB streamed without a Content-Length, so only the reader's count stops it.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 1_000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    return new Response(body, {
      headers: { "content-type": "application/json" },
    });
  });
  const client = clientOf(server.url, { maxResponseBytes: 256 * 1024 });
  const error = await client.refreshTokens({ refreshToken: REFRESH_TOKEN })
    .catch((e) => e);
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  assert.equal(error.maxBytes, 256 * 1024);
  assert.equal(error.status, 200);
  assert.equal(error.retryable, false);
  assert.equal(await client.loadTokens(), undefined);
  // The revoke endpoint reads with the same limit.
  const revoke = await client.revoke({ token: REFRESH_TOKEN }).catch((e) => e);
  assert.ok(revoke instanceof ResponseTooLargeError, String(revoke));
});

Deno.test("maxResponseBytes must be a positive integer", () => {
  assert.throws(
    () => clientOf("http://127.0.0.1:1", { maxResponseBytes: 0 }),
    RangeError,
  );
});

/** Every string an error shows: message, stack, fields, cause, inspection. */
function everything(error: unknown): string {
  const parts: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 5 || value === undefined) return;
    parts.push(Deno.inspect(value, { depth: 20, showHidden: true }));
    if (value instanceof Error) {
      parts.push(value.message, value.stack ?? "", JSON.stringify(value));
      parts.push(JSON.stringify(Object.fromEntries(Object.entries(value))));
      for (const key of Object.getOwnPropertyNames(value)) {
        const field = (value as unknown as Record<string, unknown>)[key];
        if (typeof field === "string") parts.push(field);
      }
      visit(value.cause, depth + 1);
    }
  };
  visit(error, 0);
  return parts.join("\n");
}

function secretForms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    btoa(String.fromCharCode(...bytes)),
  ];
}

for (
  const clientAuthentication of [
    "client_secret_post",
    "client_secret_basic",
  ] as const
) {
  for (const status of [400, 503, 200]) {
    Deno.test(`an error body echoing the whole request (${clientAuthentication}, HTTP ${status}) shows no secret anywhere`, async () => {
      await using server = serve((request, body) => {
        const echo = JSON.stringify({
          method: request.method,
          url: request.url,
          headers: Object.fromEntries(request.headers),
          body,
        });
        const raw = `${
          [...request.headers].map(([k, v]) => `${k}: ${v}`).join("\n")
        }\n\n${body}`;
        return Response.json({
          error: echo,
          error_description: raw,
          error_uri: echo,
          message: raw,
        }, { status });
      });
      const client = clientOf(server.url, { clientAuthentication });
      const errors = await secretCalls(client);
      // The stub really echoed the secrets it was sent.
      const sent = server.requests.map((r) => r.body).join("\n");
      assert.ok(
        sent.includes(
          new URLSearchParams({ s: REFRESH_TOKEN }).toString().slice(2),
        ),
        sent,
      );
      // A revoke answered 200 succeeded: only failures have something to show.
      const failures = errors.filter((e) => e !== undefined);
      assert.equal(failures.length, status === 200 ? 2 : 3);
      const basic = btoa(
        `${encodeURIComponent("app-client-id")}:${
          encodeURIComponent(CLIENT_SECRET)
        }`,
      );
      for (const error of failures) {
        assert.ok(
          error instanceof OAuthError || error instanceof LoginRequiredError,
          String(error),
        );
        // The echo did reach the error (redacted), so the test can fail.
        assert.match(error.message, /app-client-id|x-www-form-urlencoded/);
        const shown = everything(error);
        for (const secret of [CLIENT_SECRET, REFRESH_TOKEN, CODE]) {
          for (const form of secretForms(secret)) {
            assert.ok(!shown.includes(form), `'${form}' shown in:\n${shown}`);
          }
        }
        assert.ok(!shown.includes(basic), shown);
        const verifiers = /code_verifier=([^&\s"\\]+)/.exec(sent);
        if (verifiers) assert.ok(!shown.includes(verifiers[1]!), shown);
      }
    });
  }
}
