/**

 * The exporter against the emulator at monday's real audit limit of 50
 * requests per window, with the window scaled down from 60 s to 2 s so the
 * test runs in seconds of real time.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import {
  AuditLogClient,
  type AuditLogRecord,
  type AuditSink,
  exportAuditLogs,
} from "../../auditlog/mod.ts";
import { timedTest } from "../_time_limit.ts";

/** Checks order and uniqueness as records stream past, keeping only ids. */
class CheckingSink implements AuditSink {
  count = 0;
  ids = new Set<string>();
  last = -Infinity;
  write(records: readonly AuditLogRecord[]): Promise<undefined> {
    for (const record of records) {
      const ms = Date.parse(record.timestamp);
      assert.ok(ms >= this.last, "oldest first");
      this.last = ms;
      this.ids.add(record.id);
      this.count++;
    }
    return Promise.resolve(undefined);
  }
}

async function emulatorOnRealTime(entries: number, perWindow = 50) {
  const emulator = await startEmulator({
    auditEntries: entries,
    startTime: Date.now(),
  });
  emulator.setLimits({
    auditRequestsPerMinute: perWindow,
    auditWindowMs: 2000,
  });
  // The emulator's clock only moves when told: bring it to real time just
  // before each request, so its limit window runs on real time too.
  const sync = () => {
    const behind = Date.now() - emulator.now();
    if (behind > 0) emulator.advance(behind);
  };
  const syncedFetch: typeof fetch = (input, init) => {
    sync();
    return fetch(input, init);
  };
  return { emulator, syncedFetch };
}

// The limit is small (10 requests per 2 s window) so that even a loaded
// machine sends faster than it allows and the client-side limiter must pace
// the export; 20 pages and their probes cross it more than twice.
timedTest(
  "exportAuditLogs() exports 20,000 entries at 10 requests per window without a 429",
  async () => {
    const { emulator, syncedFetch } = await emulatorOnRealTime(20_000, 10);
    await using _ = emulator;
    const client = new AuditLogClient({
      token: emulator.credentials.auditToken,
      domain: emulator.domain,
      fetch: syncedFetch,
      rateLimit: { requests: 10, windowMs: 2000 },
    });
    const sink = new CheckingSink();
    const result = await exportAuditLogs({ source: client, sink, lagMs: 0 });
    assert.equal(result.entries, 20_000);
    assert.equal(sink.count, 20_000);
    assert.equal(result.pages, 20);
    assert.ok(
      result.requests > 20,
      "the limit had to be crossed more than twice",
    );
    assert.equal(emulator.stats().requests.audit, result.requests);
    assert.equal(emulator.stats().rateLimited, 0);
    assert.ok(
      client.limiterWaits > 0,
      "the client-side limiter did the waiting",
    );
    // Ids are unique except for entries equal in every field.
    assert.ok(sink.ids.size > 19_800);
  },
);

timedTest(
  "without the client-side limiter the emulator answers 429, and the client waits it out",
  async () => {
    const { emulator, syncedFetch } = await emulatorOnRealTime(5_500);
    await using _ = emulator;
    const client = new AuditLogClient({
      token: emulator.credentials.auditToken,
      domain: emulator.domain,
      fetch: syncedFetch,
      rateLimit: false,
    });
    const sink = new CheckingSink();
    const result = await exportAuditLogs({
      source: client,
      sink,
      lagMs: 0,
      perPage: 100,
    });
    assert.equal(sink.count, 5_500);
    assert.ok(emulator.stats().rateLimited >= 1, "the test can see a 429");
    assert.equal(
      emulator.stats().requests.audit,
      result.requests + emulator.stats().rateLimited,
    );
  },
);
