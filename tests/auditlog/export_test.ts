import assert from "node:assert/strict";
import {
  type AuditCheckpoint,
  type AuditLogRecord,
  type AuditSink,
  type CheckpointStore,
  entryId,
  exportAuditLogs,
  type ExportProgress,
  FileSink,
  MemoryCheckpointStore,
  MemorySink,
} from "../../auditlog/mod.ts";
import { FakeAuditSource, manualClock } from "./_fake_source.ts";
import { timedTest } from "../_time_limit.ts";

const T0 = Date.UTC(2026, 10, 1);

function seeded(count: number, options: { sameEvery?: number } = {}) {
  const source = new FakeAuditSource();
  let ms = T0;
  for (let i = 0; i < count; i++) {
    source.append(ms);
    if (!options.sameEvery || i % options.sameEvery !== 0) ms += 1000;
  }
  return { source, end: ms };
}

async function idsOf(source: FakeAuditSource): Promise<string[]> {
  return await Promise.all(source.entries.map((e) => entryId(e)));
}

timedTest(
  "exportAuditLogs() writes every entry oldest first across pages, with ids",
  async () => {
    const { source, end } = seeded(95, { sameEvery: 4 });
    const sink = new MemorySink();
    const clock = manualClock(end + 120_000);
    const result = await exportAuditLogs({ source, sink, perPage: 10, clock });
    assert.equal(result.entries, 95);
    assert.equal(result.pages, 10);
    assert.deepEqual(sink.records.map((r) => r.id), await idsOf(source));
    // 10 pages plus the probes 2, 4, 8, 16, 12, 10 (page 1 is reused).
    assert.ok(source.requests <= 10 + 6, `requests: ${source.requests}`);
    assert.equal(result.checkpoint.exported, 95);
    assert.equal(result.checkpoint.timestamp, source.entries.at(-1)!.timestamp);
  },
);

timedTest(
  "exportAuditLogs() leaves entries newer than now - lag for the next run",
  async () => {
    const { source } = seeded(10);
    const clock = manualClock(T0 + 9000 + 60_000 - 1); // the last entry is 1 ms too new
    const checkpoint = new MemoryCheckpointStore();
    const sink = new MemorySink();
    let result = await exportAuditLogs({
      source,
      sink,
      checkpoint,
      clock,
      perPage: 3,
    });
    assert.equal(result.entries, 9);
    clock.set(T0 + 9000 + 60_000);
    result = await exportAuditLogs({
      source,
      sink,
      checkpoint,
      clock,
      perPage: 3,
    });
    assert.equal(result.entries, 1);
    assert.deepEqual(sink.records.map((r) => r.id), await idsOf(source));
  },
);

timedTest(
  "exportAuditLogs() resumes at the last timestamp and skips what it exported there",
  async () => {
    const source = new FakeAuditSource();
    for (let i = 0; i < 5; i++) source.append(T0 + i);
    for (let i = 0; i < 3; i++) source.append(T0 + 10); // three at the same time
    const clock = manualClock(T0 + 10 + 60_000);
    const checkpoint = new MemoryCheckpointStore();
    const sink = new MemorySink();
    await exportAuditLogs({ source, sink, checkpoint, clock, perPage: 2 });
    assert.equal(sink.records.length, 8);
    const saved = await checkpoint.load();
    assert.equal(saved?.ids.length, 3);
    // More entries arrive at the same millisecond (late) and after it.
    source.append(T0 + 10, { late: true });
    source.append(T0 + 11);
    clock.set(T0 + 11 + 60_000);
    const result = await exportAuditLogs({
      source,
      sink,
      checkpoint,
      clock,
      perPage: 2,
    });
    assert.equal(result.entries, 2);
    assert.deepEqual(sink.records.map((r) => r.id), await idsOf(source));
    assert.equal((await checkpoint.load())?.ids.length, 1);
  },
);

timedTest(
  "exportAuditLogs() keeps identical entries as often as they occur",
  async () => {
    const source = new FakeAuditSource();
    const twin = { timestamp: new Date(T0).toISOString(), event: "login" };
    source.entries.push({ ...twin }, { ...twin });
    const clock = manualClock(T0 + 60_000);
    const checkpoint = new MemoryCheckpointStore();
    const sink = new MemorySink();
    await exportAuditLogs({ source, sink, checkpoint, clock, perPage: 1 });
    assert.equal(sink.records.length, 2);
    source.entries.push({ ...twin });
    await exportAuditLogs({ source, sink, checkpoint, clock, perPage: 1 });
    assert.equal(sink.records.length, 3);
    assert.equal(new Set(sink.records.map((r) => r.id)).size, 1);
  },
);

timedTest("exportAuditLogs() honours since and until inclusively", async () => {
  const { source } = seeded(10);
  const sink = new MemorySink();
  const result = await exportAuditLogs({
    source,
    sink,
    since: T0 + 2000,
    until: new Date(T0 + 5000),
    clock: manualClock(T0 + 3_600_000),
  });
  assert.equal(result.entries, 4);
  assert.deepEqual(
    sink.records.map((r) => r.timestamp),
    [2, 3, 4, 5].map((s) => new Date(T0 + s * 1000).toISOString()),
  );
  await assert.rejects(
    () => exportAuditLogs({ source, sink, since: T0 + 5, until: T0 }),
    { name: "RangeError", message: /since '.*' is after until/ },
  );
});

/** A checkpoint store that "crashes" (throws) on a chosen save. */
class CrashingStore implements CheckpointStore {
  inner = new MemoryCheckpointStore();
  saves = 0;
  crashAt = Infinity;
  readonly location = "crashing://";
  load() {
    return this.inner.load();
  }
  save(checkpoint: AuditCheckpoint) {
    this.saves++;
    if (this.saves === this.crashAt) {
      return Promise.reject(new Error("crash before checkpoint"));
    }
    return this.inner.save(checkpoint);
  }
  delete() {
    return this.inner.delete();
  }
}

timedTest(
  "exportAuditLogs() with a file sink writes each entry once when a run dies between write and checkpoint",
  async () => {
    const { source, end } = seeded(40, { sameEvery: 3 });
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/out.jsonl`;
      const store = new CrashingStore();
      const clock = manualClock(end + 60_000);
      // A checkpoint after every page (the clock here stands still, so the
      // default interval would checkpoint only at the end of the run).
      for (const crashAt of [1, 2, 4, 7]) {
        store.saves = 0;
        store.crashAt = crashAt;
        await assert.rejects(
          () =>
            exportAuditLogs({
              source,
              sink: new FileSink(path),
              checkpoint: store,
              clock,
              perPage: 4,
              checkpointIntervalMs: 0,
            }),
          /crash before checkpoint/,
        );
      }
      store.crashAt = Infinity;
      await exportAuditLogs({
        source,
        sink: new FileSink(path),
        checkpoint: store,
        clock,
        perPage: 4,
        checkpointIntervalMs: 0,
      });
      const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
      const ids = lines.map((line) => (JSON.parse(line) as AuditLogRecord).id);
      assert.deepEqual(ids, await idsOf(source));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

timedTest(
  "exportAuditLogs() refuses a checkpoint written for other filters",
  async () => {
    const { source } = seeded(3);
    const checkpoint = new MemoryCheckpointStore();
    const clock = manualClock(T0 + 3_600_000);
    await exportAuditLogs({
      source,
      sink: new MemorySink(),
      checkpoint,
      clock,
      filters: { events: ["login"] },
    });
    await assert.rejects(
      () =>
        exportAuditLogs({ source, sink: new MemorySink(), checkpoint, clock }),
      { name: "TypeError", message: /written for filters/ },
    );
  },
);

timedTest("exportAuditLogs() validates its options", async () => {
  const { source } = seeded(1);
  await assert.rejects(
    () => exportAuditLogs({ source, perPage: 0 }),
    RangeError,
  );
  await assert.rejects(
    () => exportAuditLogs({ source, lagMs: -1 }),
    RangeError,
  );
  await assert.rejects(
    () => exportAuditLogs({ source, checkpointIntervalMs: -1 }),
    { name: "RangeError", message: /checkpointIntervalMs/ },
  );
  await assert.rejects(
    () => exportAuditLogs({ source, since: "last week" }),
    SyntaxError,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => exportAuditLogs({ source, filters: { startTime: T0 } as any }),
    { name: "TypeError", message: /use 'since' and 'until'/ },
  );
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => exportAuditLogs({ source: {} as any }), TypeError);
});

timedTest(
  "exportAuditLogs() follows new entries every interval until aborted",
  async () => {
    const source = new FakeAuditSource();
    source.append(T0);
    const controller = new AbortController();
    let runs = 0;
    const clock = {
      t: T0 + 60_000,
      now() {
        return this.t;
      },
      sleep(ms: number, signal?: AbortSignal) {
        signal?.throwIfAborted();
        this.t += ms;
        runs++;
        source.append(this.t - 60_000); // one new entry per poll
        if (runs === 3) controller.abort(new Error("stop"));
        signal?.throwIfAborted();
        return Promise.resolve();
      },
    };
    const sink = new MemorySink();
    const errors: unknown[] = [];
    const result = await exportAuditLogs({
      source,
      sink,
      clock,
      follow: true,
      intervalMs: 5000,
      signal: controller.signal,
      onError: (e) => errors.push(e),
    });
    assert.equal(result.runs, 3);
    assert.equal(sink.records.length, 3);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      sink.records.map((r) => r.id),
      (await idsOf(source)).slice(0, 3),
    );
  },
);

timedTest(
  "exportAuditLogs() in follow mode reports a failed run to onError and carries on",
  async () => {
    const { source } = seeded(3);
    source.failOn.add(1);
    const controller = new AbortController();
    let sleeps = 0;
    const clock = {
      now: () => T0 + 3_600_000,
      sleep: (_ms: number, signal?: AbortSignal) => {
        if (++sleeps === 2) controller.abort();
        signal?.throwIfAborted();
        return Promise.resolve();
      },
    };
    const errors: unknown[] = [];
    const sink = new MemorySink();
    await exportAuditLogs({
      source,
      sink,
      clock,
      follow: true,
      signal: controller.signal,
      onError: (e) => errors.push(e),
    });
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /scripted failure 1/);
    assert.equal(sink.records.length, 3);
  },
);

timedTest(
  "exportAuditLogs() reports progress with totals and an ETA",
  async () => {
    const { source, end } = seeded(25);
    const reports: ExportProgress[] = [];
    const clock = manualClock(end + 60_000);
    await exportAuditLogs({
      source,
      sink: new MemorySink(),
      clock,
      perPage: 10,
      onProgress: (p) => reports.push(structuredClone(p)),
    });
    assert.equal(reports[0]!.phase, "probing");
    const exporting = reports.filter((p) => p.phase === "exporting");
    assert.equal(exporting.length, 3);
    assert.equal(exporting[0]!.totalEntries, 25);
    assert.equal(exporting[0]!.totalPages, 3);
    assert.ok(exporting.slice(1).every((p) => typeof p.etaMs === "number"));
    const done = reports.at(-1)!;
    assert.equal(done.phase, "done");
    assert.equal(done.entries, 25);
  },
);

timedTest(
  "exportAuditLogs() is not disturbed by entries that arrive during the run",
  async () => {
    const { source, end } = seeded(50, { sameEvery: 5 });
    const clock = manualClock(end + 60_000);
    const original = source.getLogs.bind(source);
    let arrivals = 0;
    source.getLogs = (options) => {
      // Every request, a new event happens "now": after the window's end.
      source.append(clock.now() + arrivals++);
      return original(options);
    };
    const expected = await idsOf(source);
    const sink = new MemorySink();
    await exportAuditLogs({ source, sink, clock, perPage: 6 });
    assert.deepEqual(sink.records.map((r) => r.id), expected);
  },
);

timedTest(
  "exportAuditLogs() saves the checkpoint only after the sink acknowledges",
  async () => {
    const { source, end } = seeded(6);
    const checkpoint = new MemoryCheckpointStore();
    const acks: (() => void)[] = [];
    let written = 0;
    const sink = {
      write(records: readonly AuditLogRecord[]) {
        return new Promise<undefined>((resolve) => {
          acks.push(() => {
            written += records.length;
            resolve(undefined);
          });
        });
      },
    };
    const run = exportAuditLogs({
      source,
      sink,
      checkpoint,
      clock: manualClock(end + 60_000),
      perPage: 3,
    });
    while (acks.length === 0) await new Promise((r) => setTimeout(r, 1));
    assert.equal((await checkpoint.load())?.exported, 0);
    acks.shift()!();
    while (acks.length === 0) await new Promise((r) => setTimeout(r, 1));
    assert.equal((await checkpoint.load())?.exported, 3);
    acks.shift()!();
    await run;
    assert.equal(written, 6);
    assert.equal((await checkpoint.load())?.exported, 6);
  },
);

timedTest(
  "exportAuditLogs() aborted mid-run keeps what was written; the next run finishes exactly once",
  async () => {
    const { source, end } = seeded(30, { sameEvery: 2 });
    const checkpoint = new MemoryCheckpointStore();
    const clock = manualClock(end + 60_000);
    const controller = new AbortController();
    const sink = new MemorySink();
    const stopping = {
      write: async (records: readonly AuditLogRecord[]) => {
        await sink.write(records);
        if (sink.batches === 2) controller.abort(new Error("stopped"));
        return undefined;
      },
    };
    await assert.rejects(
      () =>
        exportAuditLogs({
          source,
          sink: stopping,
          checkpoint,
          clock,
          perPage: 4,
          signal: controller.signal,
        }),
      /stopped/,
    );
    assert.equal(sink.records.length, 6); // pages of 2 and 4 entries
    await exportAuditLogs({ source, sink, checkpoint, clock, perPage: 4 });
    assert.deepEqual(sink.records.map((r) => r.id), await idsOf(source));
  },
);

/**
 * Crashes at the n-th step of the sink and the store (before or after each
 * write, flush and save) and stays down: every later call fails too, with no
 * effect, as after a SIGKILL.
 */
class CrashAt {
  steps = 0;
  crashAt = Infinity;
  down = false;
  step(): void {
    if (this.down) throw new Error("crashed");
    if (++this.steps === this.crashAt) {
      this.down = true;
      throw new Error("crashed");
    }
  }
  async around<T>(fn: () => Promise<T>): Promise<T> {
    this.step();
    const result = await fn();
    this.step();
    return result;
  }
  sink(inner: FileSink): AuditSink {
    return {
      open: (state) => inner.open(state),
      write: (records, options) =>
        this.around(() => inner.write(records, options)),
      flush: () => this.around(() => inner.flush()),
      close: () => inner.close(),
    };
  }
  store(inner: MemoryCheckpointStore): CheckpointStore {
    return {
      location: "crash://",
      load: () => inner.load(),
      save: (checkpoint) => this.around(() => inner.save(checkpoint)),
      delete: () => inner.delete(),
    };
  }
}

timedTest(
  "exportAuditLogs() with checkpoints every few pages yields each entry once after a crash at any step",
  async () => {
    const { source, end } = seeded(60, { sameEvery: 3 });
    // Each request takes "400 ms", so a 1 s interval checkpoints every third page.
    const clock = manualClock(end + 60_000);
    const getLogs = source.getLogs.bind(source);
    source.getLogs = (options) => {
      clock.set(clock.now() + 400);
      return getLogs(options);
    };
    const expected = await idsOf(source);
    const dir = await Deno.makeTempDir();
    try {
      // How many steps and checkpoints an uninterrupted export takes.
      const probe = new CrashAt();
      const probeStore = new MemoryCheckpointStore();
      let saves = 0;
      const counting: CheckpointStore = {
        location: "count://",
        load: () => probeStore.load(),
        save: (c) => (saves++, probeStore.save(c)),
        delete: () => probeStore.delete(),
      };
      await exportAuditLogs({
        source,
        sink: probe.sink(new FileSink(`${dir}/probe.jsonl`)),
        checkpoint: counting,
        clock,
        perPage: 5,
        checkpointIntervalMs: 1000,
      });
      // 12 pages, but only the starting checkpoint and one per ~3 pages.
      assert.ok(saves >= 3 && saves <= 6, `checkpoints: ${saves}`);
      const total = probe.steps;

      let lostWork = 0; // crashes that left written bytes beyond the checkpoint
      for (let crashAt = 1; crashAt <= total; crashAt++) {
        const path = `${dir}/out-${crashAt}.jsonl`;
        const saved = new MemoryCheckpointStore();
        const crash = new CrashAt();
        crash.crashAt = crashAt;
        await assert.rejects(
          () =>
            exportAuditLogs({
              source,
              sink: crash.sink(new FileSink(path)),
              checkpoint: crash.store(saved),
              clock,
              perPage: 5,
              checkpointIntervalMs: 1000,
            }),
          /crashed/,
        );
        const size = (await Deno.stat(path)).size;
        const bytes = (await saved.load())?.sink?.bytes ?? 0;
        if (size > Number(bytes)) lostWork++;
        // Restart with the same file and checkpoint.
        await exportAuditLogs({
          source,
          sink: new FileSink(path),
          checkpoint: saved,
          clock,
          perPage: 5,
          checkpointIntervalMs: 1000,
        });
        const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
        assert.deepEqual(
          lines.map((line) => (JSON.parse(line) as AuditLogRecord).id),
          expected,
          `crash at step ${crashAt} of ${total}`,
        );
      }
      // Most crash points fall between a write and the checkpoint that covers it.
      assert.ok(lostWork > total / 3, `${lostWork} of ${total}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

timedTest(
  "exportAuditLogs() in follow mode rewinds the file after a failed flush",
  async () => {
    const { source, end } = seeded(20);
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/out.jsonl`;
      const inner = new FileSink(path);
      let flushes = 0;
      const sink: AuditSink = {
        open: (state) => inner.open(state),
        write: (records, options) => inner.write(records, options),
        flush: () => {
          // The first flush fails after the pages were written.
          if (++flushes === 1) return Promise.reject(new Error("disk full"));
          return inner.flush();
        },
        close: () => inner.close(),
      };
      const controller = new AbortController();
      const clock = manualClock(end + 60_000);
      const errors: unknown[] = [];
      let sleeps = 0;
      await exportAuditLogs({
        source,
        sink,
        clock: {
          now: clock.now,
          sleep: (ms, signal) => {
            if (++sleeps === 2) controller.abort();
            return clock.sleep(ms, signal);
          },
        },
        perPage: 3,
        follow: true,
        signal: controller.signal,
        onError: (e) => errors.push(e),
      });
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]), /disk full/);
      const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
      assert.deepEqual(
        lines.map((line) => (JSON.parse(line) as AuditLogRecord).id),
        await idsOf(source),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

timedTest(
  "exportAuditLogs() finds the last page for any window size, with cheap probes",
  async () => {
    for (const count of [1, 2, 9, 10, 11, 37, 64, 65, 129, 300]) {
      for (const perPage of [1, 3, 10]) {
        for (const since of [undefined, T0 - 3600_000, T0 + 5_000]) {
          const { source, end } = seeded(count, { sameEvery: 4 });
          const sizes: number[] = [];
          const getLogs = source.getLogs.bind(source);
          source.getLogs = (options = {}) => {
            sizes.push(options.perPage ?? 1000);
            return getLogs(options);
          };
          const sink = new MemorySink();
          const result = await exportAuditLogs({
            source,
            sink,
            clock: manualClock(end + 60_000),
            perPage,
            ...(since === undefined ? {} : { since }),
          });
          const expected = (await idsOf(source)).filter((_, i) =>
            since === undefined ||
            Date.parse(source.entries[i]!.timestamp) >= since
          );
          const what = `${count} entries, ${perPage} per page, since ${since}`;
          assert.deepEqual(sink.records.map((r) => r.id), expected, what);
          const pages = Math.ceil(expected.length / perPage);
          assert.equal(result.pages, pages, what);
          // Besides the pages themselves: about two probes per doubling of
          // the page count, and at most 4 of them whole pages.
          const extra = sizes.length - pages;
          assert.ok(
            extra <= 2 * Math.ceil(Math.log2(pages + 1)) + 3,
            `${what}: ${extra} extra requests`,
          );
          // Doubling probes ask for a single entry.
          const small = sizes.filter((size) => size === 1).length;
          if (perPage > 1 && pages >= 8) assert.ok(small >= 2, `${what}`);
        }
      }
    }
  },
);

timedTest(
  "exportAuditLogs() probes fewer pages when the window's start is known",
  async () => {
    const { source, end } = seeded(2000);
    const count = async (since: number | undefined) => {
      source.requests = 0;
      await exportAuditLogs({
        source,
        sink: new MemorySink(),
        clock: manualClock(end + 60_000),
        perPage: 10,
        ...(since === undefined ? {} : { since }),
      });
      return source.requests - 200;
    };
    const open = await count(undefined);
    const known = await count(T0);
    assert.ok(known < open, `probes: ${known} with since, ${open} without`);
  },
);

timedTest(
  "exportAuditLogs() falls back to whole pages when a source ignores small page sizes",
  async () => {
    const { source, end } = seeded(95);
    const getLogs = source.getLogs.bind(source);
    source.getLogs = (options = {}) =>
      getLogs({ ...options, perPage: Math.max(options.perPage ?? 1000, 10) });
    const sink = new MemorySink();
    await exportAuditLogs({
      source,
      sink,
      clock: manualClock(end + 60_000),
      perPage: 10,
    });
    assert.deepEqual(sink.records.map((r) => r.id), await idsOf(source));
  },
);

timedTest(
  "exportAuditLogs() aborted with pages not yet checkpointed keeps them; the next run finishes exactly once",
  async () => {
    const { source, end } = seeded(40, { sameEvery: 3 });
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/out.jsonl`;
      const checkpoint = new MemoryCheckpointStore();
      const clock = manualClock(end + 60_000);
      const controller = new AbortController();
      const inner = new FileSink(path);
      let writes = 0;
      const sink: AuditSink = {
        open: (state) => inner.open(state),
        write: async (records, options) => {
          const state = await inner.write(records, options);
          if (++writes === 3) controller.abort(new Error("stopped"));
          return state;
        },
        flush: () => inner.flush(),
        close: () => inner.close(),
      };
      await assert.rejects(
        () =>
          exportAuditLogs({
            source,
            sink,
            checkpoint,
            clock, // stands still: no checkpoint until the run ends or stops
            perPage: 4,
            signal: controller.signal,
          }),
        /stopped/,
      );
      const saved = await checkpoint.load();
      assert.equal(saved?.exported, 12);
      assert.equal(saved?.sink?.bytes, (await Deno.stat(path)).size);
      await exportAuditLogs({
        source,
        sink: new FileSink(path),
        checkpoint,
        clock,
        perPage: 4,
      });
      const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
      assert.deepEqual(
        lines.map((line) => (JSON.parse(line) as AuditLogRecord).id),
        await idsOf(source),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
