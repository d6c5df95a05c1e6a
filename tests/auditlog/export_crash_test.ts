/**

 * Kills the exporter (SIGKILL) at random moments, again and again, while the
 * emulator keeps appending entries (some with equal timestamps); the output
 * must end up holding every entry exactly once, oldest first.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../../emulator/mod.ts";
import {
  AuditLogClient,
  type AuditLogEntry,
  entryId,
} from "../../auditlog/mod.ts";
import { timedTest, type TimedTestDefinition } from "../_time_limit.ts";

/** This file's tests run subprocesses or long loops: a longer limit. */
const timedTestLong = (
  nameOrDefinition: string | TimedTestDefinition,
  fn?: (t: Deno.TestContext) => Promise<void> | void,
) => timedTest(nameOrDefinition, fn, 180_000);

const SCRIPT = fileURLToPath(new URL("./_crash_exporter.ts", import.meta.url));
const KILLS = 32;

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

timedTestLong(
  "exportAuditLogs() killed at random moments yields every entry exactly once, in order",
  async () => {
    await using emulator = await startEmulator({
      auditEntries: 1500,
      startTime: Date.now(),
    });
    emulator.setLimits({ auditRequestsPerMinute: 1_000_000 });
    // Keep the emulator clock on real time, never ahead of it, so entries
    // appended later are always newer than a run's window end (now - lag).
    const sync = () => {
      const behind = Date.now() - emulator.now();
      if (behind > 0) emulator.advance(behind);
    };
    const dir = await Deno.makeTempDir();
    const random = seededRandom(Number(Deno.env.get("CRASH_SEED") ?? 7));
    const config = {
      domain: emulator.domain,
      token: emulator.credentials.auditToken,
      output: `${dir}/audit.jsonl`,
      checkpoint: `${dir}/checkpoint.json`,
      perPage: 20,
      lagMs: 100,
      follow: true,
    };
    // Checkpoints after every page, every 25 ms, or every second (the
    // default): several pages written per checkpoint.
    const intervals = [0, 25, 1000];
    const spawn = (cfg: typeof config & { checkpointIntervalMs?: number }) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net=127.0.0.1",
          "--allow-read",
          "--allow-write",
          SCRIPT,
          JSON.stringify(cfg),
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();

    let appending = true;
    const appender = (async () => {
      while (appending) {
        sync();
        const same = random() < 0.3;
        emulator.appendAuditEntries(1 + Math.floor(random() * (same ? 6 : 3)), {
          sameTimestamp: same,
        });
        await new Promise((resolve) => setTimeout(resolve, 3 + random() * 10));
      }
    })();

    const sizes: number[] = [];
    let uncommitted = 0; // kills that left output beyond the checkpoint
    try {
      for (let i = 0; i < KILLS; i++) {
        const child = spawn({
          ...config,
          checkpointIntervalMs: intervals[i % intervals.length]!,
        });
        const reader = child.stdout.getReader();
        await reader.read(); // "ready"
        if (i % 2 === 1) {
          // Every other kill lands mid-export: wait until this run has written
          // something. (Timing alone did not ensure it: on a loaded machine the
          // random delay often ended before the first write, and the check
          // below that the output grew failed although nothing was wrong.)
          const before = sizes.at(-1) ?? 0;
          const deadline = Date.now() + 20_000;
          while (Date.now() < deadline) {
            const size = await Deno.stat(config.output).then(
              (s) => s.size,
              () => 0,
            );
            if (size > before) break;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, random() * 300));
        child.kill("SIGKILL");
        const status = await child.status;
        await reader.cancel();
        await child.stderr.cancel();
        assert.equal(
          status.signal,
          "SIGKILL",
          `run ${i} ended before the kill`,
        );
        const size = await Deno.stat(config.output).then(
          (s) => s.size,
          () => 0,
        );
        sizes.push(size);
        const saved = await Deno.readTextFile(config.checkpoint).then(
          (text) => JSON.parse(text).sink?.bytes ?? 0,
          () => 0,
        );
        if (size > saved) uncommitted++;
      }
    } finally {
      appending = false;
      await appender;
    }
    sync();

    // A last run to completion (lag 0: nothing is appended any more).
    const last = spawn({ ...config, follow: false, lagMs: 0 });
    const [status, out, err] = await Promise.all([
      last.status,
      new Response(last.stdout).text(),
      new Response(last.stderr).text(),
    ]);
    assert.equal(status.code, 0, err);
    assert.ok(JSON.parse(out.trim().split("\n").at(-1)!).entries >= 0);

    // The emulator's full data, oldest first.
    const client = new AuditLogClient({
      token: emulator.credentials.auditToken,
      domain: emulator.domain,
      rateLimit: false,
    });
    // Read the pages directly: plain offset pages are exact here, as nothing
    // is appended. (logs() once dropped a run at the start of a page that
    // repeated the end of the previous one, which lost one of two
    // byte-identical entries across a page boundary — 13.20: "3,195
    // exported, 3,194 expected"; it no longer drops anything.)
    const newestFirst: AuditLogEntry[] = [];
    for (let page = 1;; page++) {
      const result = await client.getLogs({ page, perPage: 1000 });
      newestFirst.push(...result.entries);
      if (result.entries.length === 0 || result.nextPage === null) break;
    }
    const expected = await Promise.all(
      newestFirst.reverse().map((e) => entryId(e)),
    );

    const lines = (await Deno.readTextFile(config.output)).split("\n");
    assert.equal(lines.pop(), "", "the file ends with a complete line");
    const records = lines.map((line) =>
      JSON.parse(line) as AuditLogEntry & { id: string }
    );
    assert.ok(
      expected.length > 1500 + 100,
      `entries appended: ${expected.length}`,
    );
    assert.equal(records.length, expected.length);
    assert.deepEqual(records.map((r) => r.id), expected);
    // The ids are what the entries hash to.
    for (const record of records.slice(0, 50)) {
      assert.equal(await entryId(record), record.id);
    }
    // The kills hit a working exporter: the output grew across them.
    const grew =
      sizes.filter((size, i) => i > 0 && size > sizes[i - 1]!).length;
    assert.ok(grew >= KILLS / 2, `output grew in ${grew} of ${KILLS} runs`);
    console.log(
      `kills between a write and its checkpoint: ${uncommitted} of ${KILLS}`,
    );
    await Deno.remove(dir, { recursive: true });
  },
);
