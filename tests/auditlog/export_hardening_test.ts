/**
 * The exporter against hostile or unusual data and sources: entries nested
 * too deeply to hash, a source whose `start_time` is exclusive, the order of
 * flush and checkpoint, output files' modes and CSV formula cells.
 */
import assert from "node:assert/strict";
import {
  AuditEntryError,
  type AuditLogEntry,
  type AuditLogPage,
  type AuditLogRecord,
  type AuditLogSource,
  type AuditSink,
  type CheckpointStore,
  csvField,
  entryId,
  exportAuditLogs,
  FileCheckpointStore,
  FileSink,
  type GetLogsOptions,
  MemoryCheckpointStore,
  MemorySink,
  normalizeAuditLogFilters,
  type SinkState,
  StdoutSink,
} from "../../auditlog/mod.ts";
import { classifyError, EXIT } from "../../_cli/errors.ts";
import { FakeAuditSource, manualClock } from "./_fake_source.ts";

const T0 = Date.UTC(2026, 10, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { bottom: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Newest-first pages over a fixed list (oldest first), without cloning. */
function listSource(entries: AuditLogEntry[]): AuditLogSource {
  return {
    getLogs(options: GetLogsOptions = {}): Promise<AuditLogPage> {
      const page = options.page ?? 1;
      const perPage = options.perPage ?? 1000;
      const newestFirst = [...entries].reverse();
      return Promise.resolve({
        entries: newestFirst.slice((page - 1) * perPage, page * perPage),
        page,
        perPage,
        nextPage: page * perPage < newestFirst.length ? page + 1 : null,
        message: "",
      });
    },
    logs: () => {
      throw new Error("unused");
    },
  };
}

Deno.test("an entry nested too deeply to hash is a data error naming its timestamp and page, and the entries before it are kept", async () => {
  const entries: AuditLogEntry[] = [0, 1, 2, 3].map((n) => ({
    timestamp: iso(T0 + n * 1000),
    event: "login",
    activity_metadata: n === 2 ? nested(100_000) : { n },
  }));
  const sink = new MemorySink();
  const checkpoint = new MemoryCheckpointStore();
  const error = await exportAuditLogs({
    source: listSource(entries),
    sink,
    checkpoint,
    perPage: 2,
    checkpointIntervalMs: 0,
    until: iso(T0 + 10_000),
  }).then(() => undefined, (e) => e);
  assert.ok(error instanceof AuditEntryError, String(error));
  assert.equal(error.timestamp, iso(T0 + 2000));
  assert.equal(error.page, 1);
  assert.match(error.message, new RegExp(`'${iso(T0 + 2000)}' on page 1`));
  assert.match(error.message, /nested more than 1000 levels/);
  // The CLI reports it as a failure (exit 1), not as a usage error (exit 2).
  assert.equal(classifyError(error).exitCode, EXIT.failure);
  assert.equal(classifyError(error).exitCode, 1);
  // The older page was exported and checkpointed: the next run starts after it.
  assert.deepEqual(sink.records.map((r) => r.timestamp), [
    iso(T0),
    iso(T0 + 1000),
  ]);
  assert.equal((await checkpoint.load())?.timestamp, iso(T0 + 1000));
});

Deno.test("an entry nested a few hundred levels deep is exported with its id", async () => {
  const entry = {
    timestamp: iso(T0),
    event: "login",
    activity_metadata: nested(900),
  };
  const sink = new MemorySink();
  await exportAuditLogs({
    source: listSource([entry]),
    sink,
    until: iso(T0 + 1000),
  });
  assert.equal(sink.records.length, 1);
  assert.equal(sink.records[0]!.id, await entryId(entry));
});

Deno.test("an unreadable timestamp is a data error, not a usage error", async () => {
  const error = await exportAuditLogs({
    source: listSource([{ timestamp: "yesterday", event: "login" }]),
    sink: new MemorySink(),
    until: iso(T0),
  }).then(() => undefined, (e) => e);
  assert.ok(error instanceof AuditEntryError, String(error));
  assert.equal(error.timestamp, "yesterday");
  assert.equal(classifyError(error).exitCode, EXIT.failure);
});

/** The fake source with `start_time` exclusive, recording what was sent. */
class ExclusiveStartSource extends FakeAuditSource {
  sentStarts: (string | undefined)[] = [];
  override getLogs(options: GetLogsOptions = {}): Promise<AuditLogPage> {
    const wire = normalizeAuditLogFilters(options.filters ?? {});
    this.sentStarts.push(wire.start_time);
    if (wire.start_time === undefined) return super.getLogs(options);
    // Exclusive: entries strictly after start_time, i.e. from start + 1 ms.
    const start = Date.parse(wire.start_time) + 1;
    return super.getLogs({
      ...options,
      filters: { ...options.filters, startTime: start },
    });
  }
}

Deno.test("a resumed run asks from 1 ms before the checkpoint, so a source with an exclusive start_time still returns entries left at the checkpoint's time", async () => {
  const source = new ExclusiveStartSource();
  source.append(T0);
  source.append(T0 + 1000);
  source.append(T0 + 1000);
  const checkpoint = new MemoryCheckpointStore();
  const sink = new MemorySink();
  const clock = manualClock(T0 + 1000 + 60_000);
  await exportAuditLogs({ source, sink, checkpoint, clock });
  assert.equal(sink.records.length, 3);
  assert.equal((await checkpoint.load())?.timestamp, iso(T0 + 1000));
  // A late entry at the checkpoint's very timestamp, and a newer one.
  source.append(T0 + 1000, { late: true });
  source.append(T0 + 2000);
  source.sentStarts = [];
  clock.set(T0 + 2000 + 60_000);
  const result = await exportAuditLogs({ source, sink, checkpoint, clock });
  assert.ok(source.sentStarts.length > 0);
  for (const sent of source.sentStarts) {
    assert.equal(sent, iso(T0 + 1000 - 1), "start_time sent");
  }
  assert.equal(result.entries, 2);
  assert.deepEqual(
    sink.records.map((r) => r.id),
    await Promise.all(source.entries.map((e) => entryId(e))),
  );
});

Deno.test("with batched checkpoints, every checkpoint follows a flush of everything written before it", async () => {
  const source = new FakeAuditSource();
  for (let i = 0; i < 40; i++) source.append(T0 + i * 1000);
  const events: string[] = [];
  let bytes = 0;
  let flushed = 0;
  const sink: AuditSink = {
    open: () => Promise.resolve({ bytes: 0 }),
    write(records, options = {}): Promise<SinkState> {
      events.push(options.defer ? "write deferred" : "write");
      bytes += records.length;
      return Promise.resolve({ bytes });
    },
    flush(): Promise<SinkState> {
      events.push("flush");
      flushed = bytes;
      return Promise.resolve({ bytes });
    },
  };
  const memory = new MemoryCheckpointStore();
  const store: CheckpointStore = {
    location: "recording",
    load: () => memory.load(),
    save(checkpoint) {
      events.push("save");
      // Never a checkpoint ahead of what the sink made durable.
      assert.ok(
        (checkpoint.sink?.bytes as number) <= flushed,
        `checkpoint at ${checkpoint.sink?.bytes}, flushed ${flushed}`,
      );
      return memory.save(checkpoint);
    },
    delete: () => memory.delete(),
  };
  const clock = manualClock(T0 + 40_000 + 60_000);
  let page = 0;
  const original = source.getLogs.bind(source);
  source.getLogs = (options) => {
    // Time passes as pages arrive, so checkpoints fall due mid-run.
    if (++page % 3 === 0) clock.set(clock.now() + 400);
    return original(options);
  };
  await exportAuditLogs({
    source,
    sink,
    checkpoint: store,
    clock,
    perPage: 4,
    checkpointIntervalMs: 1000,
  });
  assert.ok(events.includes("write deferred"), events.join(", "));
  const saves = events.filter((e) => e === "save").length;
  assert.ok(saves >= 3, `saves: ${saves}`);
  // After the first save (the starting position), each save's nearest
  // preceding sink event is a flush, never a write.
  const first = events.indexOf("save");
  for (let i = first + 1; i < events.length; i++) {
    if (events[i] !== "save") continue;
    const before = events.slice(0, i).filter((e) => e !== "save").at(-1);
    assert.equal(before, "flush", `event ${i}: ${events.join(", ")}`);
  }
  assert.equal(flushed, 40);
});

Deno.test({
  name: "output files and checkpoints are created 0600 unless a mode is given",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const source = new FakeAuditSource();
      source.append(T0);
      const mode = async (path: string) =>
        ((await Deno.stat(path)).mode ?? 0) & 0o777;
      await exportAuditLogs({
        source,
        sink: new FileSink(`${dir}/a.jsonl`),
        checkpoint: new FileCheckpointStore(`${dir}/a.ckpt`),
        until: iso(T0),
      });
      assert.equal(await mode(`${dir}/a.jsonl`), 0o600);
      assert.equal(await mode(`${dir}/a.ckpt`), 0o600);
      await exportAuditLogs({
        source,
        sink: new FileSink(`${dir}/b.csv`, { format: "csv", mode: 0o644 }),
        checkpoint: new FileCheckpointStore(`${dir}/b.ckpt`, { mode: 0o644 }),
        until: iso(T0),
      });
      const umask = Deno.umask();
      assert.equal(await mode(`${dir}/b.csv`), 0o644 & ~umask);
      assert.equal(await mode(`${dir}/b.ckpt`), 0o644 & ~umask);
      assert.throws(() => new FileSink(`${dir}/c`, { mode: 0o1777 }), {
        name: "RangeError",
        message: /output file mode/,
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("csvField() neutralises formula cells the OWASP way and leaves plain numbers", () => {
  for (const cell of ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]) {
    assert.equal(csvField(cell), `"'${cell}"`, JSON.stringify(cell));
  }
  assert.equal(
    csvField('=HYPERLINK("http://x")'),
    `"'=HYPERLINK(""http://x"")"`,
  );
  for (const number of ["-5", "+3.2", "-0.5e3", "-.5", -5, 3.2]) {
    assert.equal(csvField(number), String(number));
  }
  assert.equal(csvField("a=b"), "a=b");
  assert.equal(csvField("=1+1", { formulaEscape: false }), "=1+1");
  assert.equal(csvField("-x,y", { formulaEscape: false }), '"-x,y"');
});

Deno.test("the audit CSV escapes formula cells unless formulaEscape is false", async () => {
  const record = {
    id: "ab",
    timestamp: iso(T0),
    event: "login",
    user_agent: "=cmd|' /C calc'!A0",
    ip_address: "-5",
  } as AuditLogRecord;
  const text = async (formulaEscape?: boolean) => {
    const chunks: string[] = [];
    const sink = new StdoutSink({
      format: "csv",
      writer: {
        write: (
          p,
        ) => (chunks.push(new TextDecoder().decode(p)),
          Promise.resolve(p.length)),
      },
      ...(formulaEscape === undefined ? {} : { formulaEscape }),
    });
    await sink.write([record]);
    return chunks.join("").split("\r\n")[1]!;
  };
  const safe = await text();
  assert.ok(safe.includes(`"'=cmd|' /C calc'!A0"`), safe);
  assert.ok(safe.includes(",-5,"), safe);
  const raw = await text(false);
  assert.ok(raw.includes(",=cmd|' /C calc'!A0,"), raw);

  const dir = await Deno.makeTempDir();
  try {
    const sink = new FileSink(`${dir}/a.csv`, { format: "csv" });
    await sink.open(undefined);
    await sink.write([record]);
    await sink.close();
    assert.ok(
      (await Deno.readTextFile(`${dir}/a.csv`)).includes(
        `"'=cmd|' /C calc'!A0"`,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
