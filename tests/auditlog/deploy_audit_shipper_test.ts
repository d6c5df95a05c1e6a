/**
 * The Deno Deploy example's job, called directly (the cron registration
 * only runs when the file is the main module): emulator → KV checkpoint →
 * HTTP endpoint.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import {
  AuditLogClient,
  type AuditLogRecord,
  entryId,
  KvCheckpointStore,
} from "../../auditlog/mod.ts";
import { shipAuditLogs } from "../../examples/deploy_audit_shipper.ts";

Deno.test("shipAuditLogs() posts each new entry once, oldest first, with its checkpoint in KV", async () => {
  await using emulator = await startEmulator({ auditEntries: 30 });
  using kv = await Deno.openKv(":memory:");
  const received: AuditLogRecord[] = [];
  const headers: (string | null)[] = [];
  let calls = 0;
  await using receiver = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      calls++;
      const body = await request.text();
      if (calls === 1) return new Response("busy", { status: 503 }); // retried
      headers.push(request.headers.get("authorization"));
      for (const line of body.split("\n").filter(Boolean)) {
        received.push(JSON.parse(line));
      }
      return new Response(null, { status: 204 });
    },
  );
  const clock = {
    now: () => emulator.now() + 60_000,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  };
  const options = {
    kv,
    token: emulator.credentials.auditToken,
    domain: emulator.domain,
    endpoint: `http://127.0.0.1:${receiver.addr.port}/ingest`,
    endpointHeaders: { Authorization: "Bearer collector-key" },
    lookbackMs: 30 * 24 * 3_600_000,
    clock,
  };

  const first = await shipAuditLogs(options);
  assert.equal(first.entries, 30);
  emulator.advance(1000);
  emulator.appendAuditEntries(2, { sameTimestamp: true });
  emulator.advance(1000);
  emulator.appendAuditEntries(3);
  const second = await shipAuditLogs(options);
  assert.equal(second.entries, 5);
  const third = await shipAuditLogs(options);
  assert.equal(third.entries, 0);

  const client = new AuditLogClient({
    token: emulator.credentials.auditToken,
    domain: emulator.domain,
  });
  const page = await client.getLogs({ perPage: 1000 });
  const expected = await Promise.all(
    page.entries.reverse().map((e) => entryId(e)),
  );
  assert.deepEqual(received.map((r) => r.id), expected);
  assert.ok(headers.every((h) => h === "Bearer collector-key"));
  const checkpoint = await new KvCheckpointStore(kv, {
    key: ["audit-shipper", "checkpoint"],
  }).load();
  assert.equal(checkpoint?.exported, 35);
  assert.equal(checkpoint?.timestamp, page.entries.at(-1)!.timestamp);
});

Deno.test("the example registers its cron job when run as the main module", async () => {
  const script = new URL(
    "../../examples/deploy_audit_shipper.ts",
    import.meta.url,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-kv",
      "--unstable-cron",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      script.href,
    ],
    env: {
      MONDAY_AUDIT_TOKEN: "token-for-test",
      MONDAY_DOMAIN: "http://127.0.0.1:9",
      AUDIT_SHIP_URL: "http://127.0.0.1:9/ingest",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGTERM");
  await reader.cancel();
  const stderr = await new Response(child.stderr).text();
  await child.status;
  assert.match(text, /audit shipper scheduled: every minute/, stderr);
});
