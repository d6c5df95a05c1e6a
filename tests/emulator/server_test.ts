import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../../emulator/mod.ts";
import { gql, oauthToken } from "./_helpers.ts";

async function hasCurl(): Promise<boolean> {
  try {
    const out = await new Deno.Command("curl", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

const curlPresent = await hasCurl();
if (!curlPresent) {
  console.log("server_test: curl tests skipped: no 'curl' on PATH");
}

async function curl(args: string[]): Promise<string> {
  const out = await new Deno.Command("curl", {
    args: ["--silent", "--show-error", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test({
  name:
    "server: plain curl answers a me query and a get-logs page (the documented lines)",
  ignore: !curlPresent,
  async fn() {
    await using emulator = await startEmulator({ auditEntries: 10 });
    const me = JSON.parse(
      await curl([
        "-X",
        "POST",
        emulator.apiUrl,
        "-H",
        `Authorization: ${emulator.credentials.apiToken}`,
        "-H",
        "Content-Type: application/json",
        "-d",
        '{"query":"{ me { id name } }"}',
      ]),
    );
    assert.equal(me.data.me.id, emulator.credentials.apiTokens[0]!.userId);
    const logs = JSON.parse(
      await curl([
        `${emulator.auditUrl}?page=1&per_page=5`,
        "-H",
        `Authorization: Bearer ${emulator.credentials.auditToken}`,
      ]),
    );
    assert.equal(logs.data.length, 5);
    assert.equal(logs.page, 1);
  },
});

Deno.test({
  name:
    "server: `deno task emulator` prints a URL and tokens that plain curl uses for a me query and a get-logs page",
  ignore: !curlPresent,
  async fn() {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["task", "emulator", "--port", "0", "--audit-entries", "20"],
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let printed = "";
    try {
      while (!/Connection strings:[\s\S]*auth login .*\n/.test(printed)) {
        const { value, done } = await reader.read();
        if (done) break;
        printed += value;
      }
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)
        ?.[1];
      const apiToken = /API token\s+(\S+)/.exec(printed)?.[1];
      const auditToken = /Audit token\s+(\S+)/.exec(printed)?.[1];
      assert.ok(url && apiToken && auditToken, printed);
      const me = JSON.parse(
        await curl([
          "-X",
          "POST",
          `${url}/v2`,
          "-H",
          `Authorization: ${apiToken}`,
          "-H",
          "Content-Type: application/json",
          "-d",
          '{"query":"{ me { id name } }"}',
        ]),
      );
      assert.match(me.data.me.id, /^\d+$/);
      const logs = JSON.parse(
        await curl([
          `${url}/audit-api/get-logs?page=1&per_page=5`,
          "-H",
          `Authorization: Bearer ${auditToken}`,
        ]),
      );
      assert.equal(logs.data.length, 5);
      assert.equal(logs.next_page, 2);
    } finally {
      child.kill("SIGTERM");
      await reader.cancel();
    }
    assert.equal((await child.status).code, 0);
    assert.match(await stderr, /Stopping the emulator/);
  },
});

Deno.test("server: unknown paths get a 404 and are not counted on any route", async () => {
  await using emulator = await startEmulator();
  const response = await fetch(`${emulator.url}/v3`, { method: "POST" });
  assert.equal(response.status, 404);
  const body = await response.json();
  assert.equal(body.errors[0].extensions.code, "ResourceNotFoundException");
  const requests = emulator.stats().requests;
  assert.equal(Object.values(requests).reduce((a, b) => a + b, 0), 0);
});

Deno.test("server: stats count requests per route and resetStats zeroes them", async () => {
  await using emulator = await startEmulator({ items: 3 });
  await gql(emulator, "{ me { id } }");
  await gql(emulator, "{ me { id } }");
  const logs = await fetch(`${emulator.auditUrl}?page=1`, {
    headers: { Authorization: `Bearer ${emulator.credentials.auditToken}` },
  });
  await logs.body?.cancel();
  const schema = await fetch(`${emulator.schemaUrl}?format=sdl`);
  await schema.body?.cancel();
  await gql(
    emulator,
    'mutation { create_item(board_id: 5000000001, item_name: "x") { id } }',
  );
  const stats = emulator.stats();
  assert.deepEqual(stats.requests, {
    graphql: 3,
    file: 0,
    schema: 1,
    audit: 1,
    authorize: 0,
    token_legacy: 0,
    token: 0,
    revoke: 0,
  });
  assert.deepEqual(stats.executed, {
    mutations: 1,
    byField: { create_item: 1 },
  });
  assert.equal(stats.rateLimited, 0);
  assert.equal(stats.tokensIssued, 0);
  emulator.resetStats();
  const zero = emulator.stats();
  assert.equal(zero.requests.graphql, 0);
  assert.deepEqual(zero.executed, { mutations: 0, byField: {} });
});

Deno.test("server: OAuth token counters show in stats", async () => {
  await using emulator = await startEmulator();
  const { clientId, clientSecret } = emulator.credentials.oauth;
  const access_token = await oauthToken(emulator, "me:read", "legacy");
  const revoke = await fetch(`${emulator.authUrl}/oauth_ms/oauth/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      token: access_token,
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  await revoke.body?.cancel();
  const stats = emulator.stats();
  assert.equal(stats.requests.authorize, 1);
  assert.equal(stats.requests.token_legacy, 1);
  assert.equal(stats.requests.revoke, 1);
  assert.equal(stats.tokensIssued, 1);
  assert.equal(stats.tokensRevoked, 1);
});

Deno.test("server: appendAuditEntries adds the newest entries at the emulator's now", async () => {
  await using emulator = await startEmulator({ auditEntries: 10 });
  emulator.advance(3_600_000);
  emulator.appendAuditEntries(3, { sameTimestamp: true });
  const answer = await gql(
    emulator,
    "{ audit_logs(limit: 5) { logs { timestamp } } }",
  );
  const stamps = answer.body.data.audit_logs.logs.map((l: {
    timestamp: string;
  }) => Date.parse(l.timestamp));
  assert.deepEqual(stamps.slice(0, 3), [
    emulator.now(),
    emulator.now(),
    emulator.now(),
  ]);
  assert.ok(stamps[3] < emulator.now());
});

Deno.test("server: close() is idempotent and the port stops answering", async () => {
  const emulator = await startEmulator();
  const url = emulator.apiUrl;
  await Promise.all([emulator.close(), emulator.close()]);
  await emulator.close();
  await assert.rejects(fetch(url, { method: "POST" }), TypeError);
});

Deno.test("server: a fixed port can be asked for", async () => {
  const probe = await startEmulator();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  await using emulator = await startEmulator({ port });
  assert.equal(emulator.url, `http://127.0.0.1:${port}`);
  await assert.rejects(startEmulator({ port }), Error);
});
