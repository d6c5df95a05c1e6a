/**
 * Proxies and private CAs through the composition (`_compose.ts`): every
 * request of a composed client (GraphQL, audit log, OAuth) goes through a
 * real forward proxy on loopback (`tests/_proxy.ts`), and `SSLServerCert`
 * makes an https server with a private CA trusted. The environment
 * variables (`HTTP_PROXY`, `NO_PROXY`) are process-wide, so those cases run
 * the CLI as a subprocess.
 */

import assert from "node:assert/strict";
import {
  AuditLogClient,
  createClient,
  type CreateClientOptions,
  MondayClient,
  OAuthClient,
} from "../mod.ts";
import { transportFor } from "../_compose.ts";
import { startEmulator } from "../emulator/mod.ts";
import { MemoryStore } from "../storage/mod.ts";
import { startProxy } from "./_proxy.ts";
import { runCli } from "./cli/_run.ts";

const TLS = new URL("./fixtures/tls/", import.meta.url);
const CA_PATH = new URL("ca_cert.pem", TLS).pathname;

/** `createClient` for a GraphQL connection string, typed as such. */
function graphqlClient(
  connection: string,
  options: CreateClientOptions = {},
): MondayClient & Disposable {
  const client = createClient(connection, options);
  assert.ok(client instanceof MondayClient);
  return client;
}

function lines(proxy: { requests: { line: string }[] }): string[] {
  return proxy.requests.map((r) => r.line);
}

Deno.test("a GraphQL query goes through ProxyServer/ProxyPort", async () => {
  await using emulator = await startEmulator();
  await using proxy = startProxy();
  using client = createClient(
    `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl};ProxyServer=127.0.0.1;ProxyPort=${proxy.port}`,
  );
  assert.ok(client instanceof MondayClient);
  const data = await client.request<{ me: { id: string } }>(
    "query { me { id } }",
  );
  assert.equal(data.me.id, "40000001");
  assert.deepEqual(lines(proxy), [
    `POST ${emulator.apiUrl} HTTP/1.1`,
  ]);
  assert.equal(proxy.requests[0]!.authorized, false);
});

Deno.test("an audit log page goes through ProxyServer given as a URL", async () => {
  await using emulator = await startEmulator();
  await using proxy = startProxy();
  using client = createClient({
    schema: "AuditLog",
    apiToken: emulator.credentials.auditToken,
    domain: emulator.domain,
    proxyServer: proxy.url,
  });
  assert.ok(client instanceof AuditLogClient);
  const page = await client.getLogs({ perPage: 5 });
  assert.equal(page.entries.length, 5);
  assert.equal(lines(proxy).length, 1);
  assert.match(
    lines(proxy)[0]!,
    new RegExp(`^GET ${emulator.auditUrl}\\?\\S+ HTTP/1\\.1$`),
  );
});

Deno.test("the OAuth token exchange and the query both go through the proxy, with its credentials", async () => {
  await using emulator = await startEmulator({ startTime: Date.now() });
  const password = "proxy-pass-word-7391";
  await using proxy = startProxy({ username: "carol", password });
  const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
  const id = crypto.randomUUID();
  // Step 1 (`mondaykit auth url`) left a pending authorization in the store.
  const starter = new OAuthClient({
    clientId,
    clientSecret,
    authUrl: emulator.authUrl,
    callbackUrl: redirectUris[0]!,
    scope: "me:read",
    store: new MemoryStore(id),
  });
  const consent = await fetch((await starter.getAuthorizationUrl()).url, {
    redirect: "manual",
  });
  await consent.body?.cancel();
  const verifier = consent.headers.get("location")!;
  using client = createClient({
    authScheme: "OAuth",
    initiateOAuth: "REFRESH",
    oauthClientId: clientId,
    oauthClientSecret: clientSecret,
    oauthVerifier: verifier,
    oauthSettingsLocation: `memory://${id}`,
    callbackUrl: redirectUris[0]!,
    authUrl: emulator.authUrl,
    apiUrl: emulator.apiUrl,
    proxyServer: proxy.url,
    proxyUser: "carol",
    proxyPassword: password,
  });
  const data = await client.request<{ me: { id: string } }>(
    "query { me { id } }",
  );
  assert.match(data.me.id, /^\d+$/);
  assert.deepEqual(lines(proxy), [
    `POST ${emulator.authUrl}/oauth_ms/oauth/token HTTP/1.1`,
    `POST ${emulator.apiUrl} HTTP/1.1`,
  ]);
  assert.ok(proxy.requests.every((r) => r.authorized && r.accepted));
  assert.equal(emulator.stats().tokensIssued, 1);
  assert.doesNotMatch(Deno.inspect(client, { depth: 10 }), /proxy-pass-word/);
});

Deno.test("a proxy that refuses the credentials gives an error without the password", async () => {
  await using emulator = await startEmulator();
  const password = "wrong-proxy-secret-4242";
  await using proxy = startProxy({ username: "carol", password: "right-one" });
  const connection =
    `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl};ProxyServer=${proxy.url};ProxyUser=carol;ProxyPassword=${password}`;
  using client = graphqlClient(connection, { graphql: { retry: false } });
  const error = await client.request("query { me { id } }").catch((e) => e);
  assert.ok(error instanceof Error);
  assert.match(String(error.message), /407/);
  for (
    const shown of [
      error.message,
      Deno.inspect(error, { depth: 10 }),
      String(error.stack),
    ]
  ) {
    assert.doesNotMatch(shown, /wrong-proxy-secret/);
  }
  assert.equal(proxy.requests.length, 1);
  assert.equal(proxy.requests[0]!.authorized, true);
  assert.equal(proxy.requests[0]!.accepted, false);
  assert.equal(emulator.stats().requests.graphql, 0);
});

Deno.test("a proxy that is not there gives a network error naming the request", async () => {
  await using emulator = await startEmulator();
  const closed = startProxy();
  const port = closed.port;
  await closed.close();
  using client = graphqlClient(
    `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl};ProxyServer=127.0.0.1:${port}`,
    { graphql: { retry: false } },
  );
  const error = await client.request("query { me { id } }").catch((e) => e);
  assert.equal(error.name, "NetworkError");
  assert.match(
    error.message,
    new RegExp(`^Network error: POST ${emulator.apiUrl}: .*refused`, "i"),
  );
  assert.equal(emulator.stats().requests.graphql, 0);
});

/** An https GraphQL endpoint on localhost whose certificate a private CA signed. */
function startTlsApi(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(new URL("localhost_cert.pem", TLS)),
    key: Deno.readTextFileSync(new URL("localhost_key.pem", TLS)),
    onListen() {},
    onError: () => new Response("tls test server error", { status: 500 }),
  }, async (request) => {
    await request.body?.cancel();
    return Response.json({ data: { me: { id: "7" } } });
  });
}

Deno.test("SSLServerCert: a private CA is refused without it and trusted with it (path or PEM text)", async () => {
  await using server = startTlsApi();
  const apiUrl = `https://localhost:${server.addr.port}/v2`;
  const base = `APIToken=tls-test-token;ApiUrl=${apiUrl}`;
  {
    using client = graphqlClient(base, { graphql: { retry: false } });
    const error = await client.request("query { me { id } }").catch((e) => e);
    assert.equal(error.name, "NetworkError");
    assert.match(error.message, /invalid peer certificate: UnknownIssuer/);
  }
  {
    using client = graphqlClient(`${base};SSLServerCert=${CA_PATH}`);
    const data = await client.request<{ me: { id: string } }>(
      "query { me { id } }",
    );
    assert.equal(data.me.id, "7");
  }
  {
    using client = createClient({
      apiToken: "tls-test-token",
      apiUrl,
      sslServerCert: Deno.readTextFileSync(CA_PATH),
    });
    const data = await client.request<{ me: { id: string } }>(
      "query { me { id } }",
    );
    assert.equal(data.me.id, "7");
  }
});

Deno.test("SSLServerCert with ProxyServer: https goes through a CONNECT tunnel and the CA is trusted", async () => {
  await using server = startTlsApi();
  await using proxy = startProxy({ username: "dave", password: "tunnel-pw" });
  using client = graphqlClient(
    `APIToken=tls-test-token;ApiUrl=https://localhost:${server.addr.port}/v2;ProxyServer=${proxy.url};ProxyUser=dave;ProxyPassword=tunnel-pw;SSLServerCert=${CA_PATH}`,
  );
  const data = await client.request<{ me: { id: string } }>(
    "query { me { id } }",
  );
  assert.equal(data.me.id, "7");
  assert.deepEqual(lines(proxy), [
    `CONNECT localhost:${server.addr.port} HTTP/1.1`,
  ]);
  assert.equal(proxy.requests[0]!.accepted, true);
});

Deno.test("SSLServerCert: a missing file or one without a certificate is a TypeError naming the property", async () => {
  const missing = `/nonexistent-${crypto.randomUUID()}/ca.pem`;
  assert.throws(
    () => createClient(`APIToken=t0ken-1234;SSLServerCert=${missing}`),
    {
      name: "TypeError",
      message:
        `Invalid connection settings: 'SSLServerCert' names no file: '${missing}' not found (give PEM text or the path of a PEM file)`,
    },
  );
  const empty = await Deno.makeTempFile({ suffix: ".pem" });
  try {
    await Deno.writeTextFile(empty, "not a certificate\n");
    assert.throws(
      () => createClient(`APIToken=t0ken-1234;SSLServerCert=${empty}`),
      {
        name: "TypeError",
        message:
          `Invalid connection settings: 'SSLServerCert' file '${empty}' holds no PEM certificate (expected '-----BEGIN CERTIFICATE-----')`,
      },
    );
  } finally {
    await Deno.remove(empty);
  }
});

Deno.test("transportFor: nothing to build without proxy or CA settings; disposing twice is harmless", () => {
  const none = transportFor({ apiToken: "t0ken-1234" });
  assert.equal(none.fetch, undefined);
  none[Symbol.dispose]();
  const proxied = transportFor({
    apiToken: "t0ken-1234",
    proxyServer: "127.0.0.1",
    proxyPort: 3128,
  });
  assert.equal(typeof proxied.fetch, "function");
  proxied[Symbol.dispose]();
  proxied[Symbol.dispose]();
});

Deno.test("cli: HTTP_PROXY is honoured, an explicit proxy (--proxy, ProxyServer) wins over it, and NO_PROXY bypasses both", async () => {
  await using emulator = await startEmulator();
  await using fromEnv = startProxy();
  await using explicit = startProxy();
  const connection =
    `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl}`;
  const query = ["query", "{ me { id } }", "--connection"];
  const env = { HTTP_PROXY: fromEnv.url, NO_PROXY: "", no_proxy: "" };

  const viaEnv = await runCli([...query, connection], { env });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.equal(JSON.parse(viaEnv.stdout).me.id, "40000001");
  assert.deepEqual(lines(fromEnv), [`POST ${emulator.apiUrl} HTTP/1.1`]);

  const viaExplicit = await runCli([
    ...query,
    connection,
    "--proxy",
    explicit.url,
  ], { env });
  assert.equal(viaExplicit.code, 0, viaExplicit.stderr);
  assert.deepEqual(lines(explicit), [`POST ${emulator.apiUrl} HTTP/1.1`]);
  assert.equal(fromEnv.requests.length, 1);

  const bypassed = await runCli([
    ...query,
    `${connection};ProxyServer=${explicit.url}`,
  ], { env: { ...env, NO_PROXY: "127.0.0.0/8" } });
  assert.equal(bypassed.code, 0, bypassed.stderr);
  assert.equal(explicit.requests.length, 1);
  assert.equal(fromEnv.requests.length, 1);
  assert.equal(emulator.stats().requests.graphql, 3);
});

Deno.test("cli: auth exchange sends the token request through --proxy", async () => {
  await using emulator = await startEmulator({ startTime: Date.now() });
  await using proxy = startProxy({
    username: "erin",
    password: "cli-proxy-pw",
  });
  const dir = await Deno.makeTempDir();
  try {
    const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
    const env = {
      HOME: dir,
      XDG_CONFIG_HOME: dir,
      MONDAY_API_TOKEN: "",
      HTTP_PROXY: "",
      NO_PROXY: "",
      MONDAYKIT_SETTINGS_PASSPHRASE: "a long test passphrase for the settings",
      MONDAYKIT_CONNECTION: [
        "AuthScheme=OAuth",
        `OAuthClientId=${clientId}`,
        `OAuthClientSecret=${clientSecret}`,
        `CallbackURL=${redirectUris[0]}`,
        `AuthUrl=${emulator.authUrl}`,
        "Scope=me:read",
        `ProxyServer=${proxy.url}`,
        "ProxyUser=erin",
        "ProxyPassword=cli-proxy-pw",
      ].join(";"),
    };
    const settings = `${dir}/OAuthSettings.txt`;
    const url = await runCli(["auth", "url", "--settings", settings], { env });
    assert.equal(url.code, 0, url.stderr);
    assert.equal(proxy.requests.length, 0, "building the URL sends nothing");
    const consent = await fetch(url.stdout.trim(), { redirect: "manual" });
    await consent.body?.cancel();
    const exchange = await runCli([
      "auth",
      "exchange",
      consent.headers.get("location")!,
      "--settings",
      settings,
      "--json",
    ], { env });
    assert.equal(exchange.code, 0, exchange.stderr);
    assert.equal(JSON.parse(exchange.stdout).loggedIn, true);
    assert.deepEqual(lines(proxy), [
      `POST ${emulator.authUrl}/oauth_ms/oauth/token HTTP/1.1`,
    ]);
    assert.equal(proxy.requests[0]!.accepted, true);
    assert.doesNotMatch(exchange.stdout + exchange.stderr, /cli-proxy-pw/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Counts `Deno.createHttpClient` calls while `body` runs, and restores the
 * original after, even when `body` throws.
 */
async function countingHttpClients(
  body: (opened: () => number) => Promise<void>,
): Promise<void> {
  const original = Deno.createHttpClient;
  let count = 0;
  const spy = (options: Deno.CreateHttpClientOptions) => {
    count++;
    return original(options);
  };
  Object.defineProperty(Deno, "createHttpClient", {
    value: spy,
    configurable: true,
    writable: true,
  });
  try {
    assert.equal(Deno.createHttpClient, spy, "the spy is in place");
    await body(() => count);
  } finally {
    Object.defineProperty(Deno, "createHttpClient", {
      value: original,
      configurable: true,
      writable: true,
    });
  }
}

Deno.test("a caller's own fetch with proxy/CA settings opens no HttpClient (GraphQL and audit log)", async () => {
  await using emulator = await startEmulator();
  // The proxy is not there: only the caller's fetch can succeed.
  const settings = `ProxyServer=127.0.0.1;ProxyPort=1;SSLServerCert=${CA_PATH}`;
  const seen: string[] = [];
  const own: typeof fetch = (input, init) => {
    seen.push(new Request(input, init).url);
    return fetch(input, init);
  };
  await countingHttpClients(async (opened) => {
    {
      using client = graphqlClient(
        `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl};${settings}`,
        { graphql: { fetch: own } },
      );
      const data = await client.request<{ me: { id: string } }>(
        "query { me { id } }",
      );
      assert.equal(data.me.id, "40000001");
    }
    {
      using client = createClient(
        `Schema=AuditLog;APIToken=${emulator.credentials.auditToken};Domain=${emulator.domain};${settings}`,
        { auditLog: { fetch: own, rateLimit: false } },
      );
      assert.ok(client instanceof AuditLogClient);
      const page = await client.getLogs({ perPage: 3 });
      assert.equal(page.entries.length, 3);
    }
    assert.equal(seen.length, 2, "both requests went through the own fetch");
    assert.equal(opened(), 0, "no HttpClient was made");
  });
});

Deno.test("the settings' HttpClient is opened by the first request, once, and never after dispose", async () => {
  await using emulator = await startEmulator();
  await using proxy = startProxy();
  await countingHttpClients(async (opened) => {
    const client = graphqlClient(
      `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl};ProxyServer=127.0.0.1;ProxyPort=${proxy.port}`,
    );
    assert.equal(opened(), 0, "nothing opened before a request");
    await client.request("query { me { id } }");
    await client.request("query { me { id } }");
    assert.equal(opened(), 1);
    assert.equal(lines(proxy).length, 2);
    client[Symbol.dispose]();
    const after = await client.request("query { me { id } }", {}).catch((
      e,
    ) => e);
    assert.ok(after instanceof Error);
    assert.match(String(after.message), /disposed/);
    assert.equal(opened(), 1, "no new HttpClient after dispose");
  });
});
