import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import {
  AuditLogApiError,
  AuditLogClient,
  type AuditLogClientOptions,
  type AuditLogEntry,
  ResponseTooLargeError,
} from "../../auditlog/mod.ts";
import { createClient } from "../../mod.ts";

type Emu = Awaited<ReturnType<typeof startEmulator>>;

function clientFor(emulator: Emu, extra: Record<string, unknown> = {}) {
  return new AuditLogClient({
    token: emulator.credentials.auditToken,
    domain: emulator.domain,
    clock: new FakeClock({ start: 0 }),
    ...extra,
  });
}

async function all(client: AuditLogClient): Promise<AuditLogEntry[]> {
  const page = await client.getLogs({ perPage: 1000 });
  assert.equal(page.nextPage, null);
  return page.entries;
}

Deno.test("AuditLogClient.getLogs() pages newest first with next_page", async () => {
  await using emulator = await startEmulator({ auditEntries: 35 });
  const client = clientFor(emulator);
  const everything = await all(client);
  assert.equal(everything.length, 35);
  const pages = [];
  for (let page = 1; page <= 4; page++) {
    pages.push(await client.getLogs({ page, perPage: 10 }));
  }
  assert.deepEqual(pages.map((p) => p.nextPage), [2, 3, 4, null]);
  assert.deepEqual(pages.map((p) => p.entries.length), [10, 10, 10, 5]);
  assert.deepEqual(pages.flatMap((p) => p.entries), everything);
  const stamps = everything.map((e) => Date.parse(e.timestamp));
  assert.ok(stamps.every((t, i) => i === 0 || stamps[i - 1]! >= t));
  assert.equal(client.requests, 5);
});

Deno.test("AuditLogClient.logs() iterates every page once while new entries arrive (they cannot push older ones down)", async () => {
  await using emulator = await startEmulator({ auditEntries: 25 });
  const client = clientFor(emulator);
  const before = await all(client);
  const seen: AuditLogEntry[] = [];
  for await (const entry of client.logs(undefined, { perPage: 10 })) {
    seen.push(entry);
    if (seen.length === 5) {
      emulator.advance(10_000);
      emulator.appendAuditEntries(3); // pushes everything three places down
    }
  }
  assert.deepEqual(seen, before);
});

Deno.test("AuditLogClient filters by user, events, IP address and time", async () => {
  await using emulator = await startEmulator({ auditEntries: 400 });
  const client = clientFor(emulator);
  const everything = await all(client);
  const sample = everything[17]!;
  const collect = async (filters: Parameters<AuditLogClient["logs"]>[0]) => {
    const out: AuditLogEntry[] = [];
    for await (const e of client.logs(filters, { perPage: 50 })) out.push(e);
    return out;
  };

  const byUser = await collect({ userId: String(sample.user_id) });
  assert.deepEqual(
    byUser,
    everything.filter((e) => e.user_id === sample.user_id),
  );
  assert.ok(byUser.length > 0);

  const events = ["login", "failed-login"];
  const byEvents = await collect({ events });
  assert.deepEqual(
    byEvents,
    everything.filter((e) => events.includes(String(e.event))),
  );
  assert.ok(byEvents.length > 0);

  const byIp = await collect({ ipAddress: String(sample.ip_address) });
  assert.deepEqual(
    byIp,
    everything.filter((e) => e.ip_address === sample.ip_address),
  );

  const start = everything[300]!.timestamp;
  const end = everything[100]!.timestamp;
  const byTime = await collect({ startTime: start, endTime: new Date(end) });
  assert.deepEqual(
    byTime,
    everything.filter((e) =>
      Date.parse(e.timestamp) >= Date.parse(start) &&
      Date.parse(e.timestamp) <= Date.parse(end)
    ),
  );
  assert.ok(byTime.length >= 201);
});

Deno.test("AuditLogClient rejects bad filters before sending anything", async () => {
  await using emulator = await startEmulator({ auditEntries: 5 });
  const client = clientFor(emulator);
  emulator.resetStats();
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [
      { startTime: "2026-13-01T00:00:00Z" },
      "RangeError",
      /startTime: no such date/,
    ],
    [{ startTime: "yesterday" }, "SyntaxError", /expected ISO 8601/],
    [
      { startTime: "2026-11-02", endTime: "2026-11-01" },
      "RangeError",
      /is after endTime/,
    ],
    [{ events: ["Login!"] }, "RangeError", /'Login!' is not an event slug/],
    [{ events: [] }, "RangeError", /the list is empty/],
    [{ userId: "abc" }, "RangeError", /userId: expected a positive integer/],
    [
      { ipAddress: "300.1.1.1" },
      "RangeError",
      /ipAddress: expected an IPv4 or IPv6/,
    ],
    [{ user: 1 }, "TypeError", /unknown filter 'user'/],
  ];
  for (const [filters, name, message] of cases) {
    await assert.rejects(() => client.getLogs({ filters }), { name, message });
  }
  await assert.rejects(() => client.getLogs({ perPage: 1001 }), RangeError);
  await assert.rejects(() => client.getLogs({ page: 0 }), RangeError);
  assert.equal(emulator.stats().requests.audit, 0);
});

Deno.test("AuditLogClient reports a rejected token without revealing it", async () => {
  await using emulator = await startEmulator({ auditEntries: 5 });
  const token = "secret-audit-token-ABCD";
  const client = clientFor(emulator, { token });
  const error = await client.getLogs().catch((e) => e);
  assert.ok(error instanceof AuditLogApiError);
  assert.equal(error.status, 401);
  assert.equal(error.retryable, false);
  assert.match(error.message, /audit token was rejected/);
  assert.ok(!error.message.includes(token));
  assert.ok(!Deno.inspect(client).includes(token));
  // A personal API token is not an audit token either.
  const personal = clientFor(emulator, {
    token: emulator.credentials.apiToken,
  });
  await assert.rejects(() => personal.getLogs(), {
    name: "AuditLogApiError",
    status: 401,
  });
});

Deno.test("AuditLogClient takes a token and a domain, and sends the token only to monday or loopback hosts", () => {
  assert.equal(
    new AuditLogClient({ token: "t", domain: "https://acme.monday.com" }).url,
    "https://acme.monday.com/audit-api/get-logs",
  );
  assert.equal(
    new AuditLogClient({ token: "t", domain: "acme" }).url,
    "https://acme.monday.com/audit-api/get-logs",
  );
  assert.equal(
    new AuditLogClient({ token: "t", domain: "acme.monday.com" }).url,
    "https://acme.monday.com/audit-api/get-logs",
  );
  assert.equal(
    new AuditLogClient({ token: "t", domain: "http://127.0.0.1:9" }).url,
    "http://127.0.0.1:9/audit-api/get-logs",
  );
  assert.throws(
    () =>
      new AuditLogClient({ token: "t", domain: "https://evil.example.com" }),
    {
      name: "TypeError",
      message:
        "Invalid audit log client options: 'domain' must be the account URL 'https://<slug>.monday.com' (plain http:// only to a loopback host), got 'https://evil.example.com'",
    },
  );
  assert.equal(
    new AuditLogClient({
      token: "t",
      domain: "https://proxy.example.com",
      allowDomainHosts: ["proxy.example.com"],
    }).url,
    "https://proxy.example.com/audit-api/get-logs",
  );
  assert.throws(
    () => new AuditLogClient({ token: "t", domain: "http://acme.monday.com" }),
    /'domain' must be the account URL 'https:\/\/<slug>\.monday\.com' \(plain http:\/\/ only to a loopback host\)/,
  );
  // The same domain rule as the connection string: monday's shared hosts
  // are not an account.
  assert.throws(
    () => new AuditLogClient({ token: "t", domain: "https://api.monday.com" }),
    /not monday's shared host 'api\.monday\.com'/,
  );
  assert.throws(
    () => new AuditLogClient({ domain: "acme" } as AuditLogClientOptions),
    /missing the audit token/,
  );
  assert.throws(
    () => new AuditLogClient({ token: "t" } as AuditLogClientOptions),
    /missing the account domain/,
  );
  // A connection string is the composition's job, not the client's.
  assert.throws(
    () =>
      new AuditLogClient(
        "Schema=AuditLog;APIToken=tok-1234;Domain=https://acme.monday.com" as unknown as AuditLogClientOptions,
      ),
    { name: "TypeError", message: /for a connection string, use createClient/ },
  );
});

Deno.test("createClient builds the AuditLogClient from a connection string with the same rules", () => {
  const client = createClient(
    "Schema=AuditLog;AuthScheme=Token;APIToken=tok-1234;Domain=https://acme.monday.com;Timeout=5",
  );
  assert.ok(client instanceof AuditLogClient);
  assert.equal(client.url, "https://acme.monday.com/audit-api/get-logs");
  assert.equal(
    (createClient(
      "Schema=AuditLog;APIToken=t;Domain=https://proxy.example.com",
      { allowDomainHosts: ["proxy.example.com"] },
    ) as AuditLogClient).url,
    "https://proxy.example.com/audit-api/get-logs",
  );
  assert.throws(
    () =>
      createClient(
        "Schema=AuditLog;APIToken=t;Domain=https://evil.example.com",
      ),
    {
      name: "TypeError",
      message:
        "Cannot parse connection string: 'Domain' must be the account URL 'https://<slug>.monday.com' (plain http:// only to a loopback host), got 'https://evil.example.com'",
    },
  );
  assert.throws(
    () =>
      createClient(
        "Schema=AuditLog;AuthScheme=OAuth;Domain=https://acme.monday.com",
      ),
    TypeError,
  );
});

Deno.test("AuditLogClient: a body far over maxResponseBytes is a clean ResponseTooLargeError", async () => {
  let served = 0;
  const huge = new ReadableStream<Uint8Array>({
    pull(controller) {
      // 1 MiB chunks, forever: only the limit stops the reader.
      served++;
      controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
    },
  });
  const client = new AuditLogClient({
    token: "audit-token-secret-9876",
    domain: "http://127.0.0.1:9",
    maxResponseBytes: 4 * 1024 * 1024,
    rateLimit: false,
    fetch: () =>
      Promise.resolve(
        new Response(huge, {
          headers: { "content-type": "application/json" },
        }),
      ),
  });
  const error = await client.getLogs().catch((e) => e);
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  assert.equal(error.maxBytes, 4 * 1024 * 1024);
  assert.equal(error.status, 200);
  assert.equal(client.requests, 1, "not retried");
  assert.ok(served <= 6, `read stopped at the limit (${served} MiB pulled)`);
  assert.ok(!Deno.inspect(error).includes("audit-token-secret-9876"));
  assert.throws(
    () =>
      new AuditLogClient({ token: "t", domain: "acme", maxResponseBytes: 0 }),
    RangeError,
  );
});

Deno.test("AuditLogClient rides out 5xx, 429, dropped connections and broken bodies", async () => {
  await using emulator = await startEmulator({ auditEntries: 20 });
  const clock = new FakeClock({ start: 0 });
  const client = clientFor(emulator, { clock });
  const expected = await all(client);
  const faults = [
    { status: 500 },
    { status: 503, count: 2 },
    {
      status: 429,
      headers: { "retry-after": "7" },
      body: '{"message":"slow down"}',
    },
    { reset: "before" as const },
    { reset: "after" as const },
    { truncate: true },
    { malformedJson: true },
  ];
  for (const fault of faults) {
    emulator.resetStats();
    emulator.inject("audit", fault);
    const page = await client.getLogs({ perPage: 1000 });
    assert.deepEqual(page.entries, expected, JSON.stringify(fault));
    assert.equal(
      emulator.stats().requests.audit,
      1 + (fault.count ?? 1),
      JSON.stringify(fault),
    );
  }
  assert.ok(
    clock.sleeps.includes(7000),
    `Retry-After honoured: ${clock.sleeps}`,
  );
  // 400 is not retried.
  emulator.resetStats();
  emulator.inject("audit", { status: 400, body: '{"message":"bad"}' });
  await assert.rejects(() => client.getLogs(), {
    name: "AuditLogApiError",
    status: 400,
  });
  assert.equal(emulator.stats().requests.audit, 1);
  // Retries give up after maxAttempts.
  emulator.resetStats();
  emulator.inject("audit", { status: 502, count: 10 });
  await assert.rejects(() => client.getLogs(), {
    name: "AuditLogApiError",
    status: 502,
  });
  assert.equal(emulator.stats().requests.audit, 5);
});

Deno.test("AuditLogClient stops waiting when its signal aborts", async () => {
  await using emulator = await startEmulator({ auditEntries: 5 });
  const client = clientFor(emulator, {
    clock: new FakeClock({ autoAdvance: false }),
    rateLimit: { requests: 1, windowMs: 60_000 },
  });
  await client.getLogs();
  const controller = new AbortController();
  const pending = client.getLogs({ signal: controller.signal });
  controller.abort(new Error("enough"));
  await assert.rejects(pending, /enough/);
  assert.equal(client.requests, 1);
});
