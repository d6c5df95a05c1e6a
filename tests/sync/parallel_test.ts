// Parallel reads and streamed writes: the sync keeps at most `concurrency`
// requests in flight, reads a board's groups side by side, and a whole read
// that fails or is cancelled midway leaves the stored board exactly as it
// was, with no staging left behind.
import assert from "node:assert/strict";
import { MondayClient } from "../../graphql/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import {
  openSqliteTarget,
  syncAccount,
  type SyncTarget,
} from "../../sync/mod.ts";
import { diffDumps, dumpMirror } from "./_mirror.ts";

type Request = MondayClient["request"];

interface Sent {
  document: string;
  variables: Record<string, unknown>;
}

/**
 * A requester that watches every request the sync sends: `watch` sees each
 * one before it goes, with every request then in flight (itself included).
 */
function watched(
  client: MondayClient,
  watch: (sent: Sent, live: Set<Sent>) => void,
): Pick<MondayClient, "request"> & { peak: number } {
  const live = new Set<Sent>();
  const out = {
    peak: 0,
    request: (async (
      document: string,
      variables: Record<string, unknown>,
      options: { signal?: AbortSignal },
    ) => {
      const sent = { document, variables };
      live.add(sent);
      out.peak = Math.max(out.peak, live.size);
      try {
        watch(sent, live);
        return await client.request(document, variables, options);
      } finally {
        live.delete(sent);
      }
    }) as unknown as Request,
  };
  return out;
}

/** The mirror, its sync state and any staging tables, to compare. */
async function snapshot(target: SyncTarget) {
  const state = await target.query(
    "SELECT * FROM _mondaykit_sync_state ORDER BY board_id",
  );
  return { dump: await dumpMirror(target), state: state.rows };
}

async function stagingTables(target: SyncTarget): Promise<unknown[][]> {
  const { rows } = await target.query(
    "SELECT name FROM sqlite_temp_master WHERE name LIKE '_mk_stage%' UNION ALL SELECT name FROM sqlite_master WHERE name LIKE '_mk_stage%'",
  );
  return rows;
}

Deno.test("requests in flight never exceed 'concurrency', and a board's groups are read side by side", async () => {
  // Every answer takes a little while, so reads overlap.
  await using emulator = await startEmulator({
    items: 3000,
    boards: 4,
    itemsPerBoard: 600,
    latency: 15,
  });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
  });
  for (const concurrency of [1, 3, 7]) {
    // The most first pages of the big board's groups in flight at once.
    let bigBoardGroups = 0;
    const requester = watched(client, (_sent, live) => {
      const firstPages = [...live].filter((s) =>
        s.document.includes("SyncGroupItems") &&
        String((s.variables.board as string[])[0]) === "5000000001"
      );
      bigBoardGroups = Math.max(bigBoardGroups, firstPages.length);
    });
    await using target = await openSqliteTarget(":memory:");
    const summary = await syncAccount(requester, target, { concurrency });
    assert.equal(summary.fullBoards, 4);
    assert.ok(
      requester.peak <= concurrency,
      `concurrency ${concurrency}: ${requester.peak} requests were in flight`,
    );
    if (concurrency > 1) {
      assert.equal(
        requester.peak,
        concurrency,
        `concurrency ${concurrency}: at most ${requester.peak} in flight`,
      );
      assert.ok(
        bigBoardGroups >= 2,
        `concurrency ${concurrency}: the big board's groups were read one by one`,
      );
    }
    const { rows } = await target.query("SELECT count(*) FROM items");
    assert.equal(rows[0]![0], 3000 + 3 * 600);
  }
});

Deno.test("a request failing mid-read leaves the stored board exactly as before, with no staging left", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    retry: false,
  });
  const now = () => emulator.now();
  await using target = await openSqliteTarget(":memory:");
  await syncAccount(client, target, { now });
  emulator.ui.setValues("1000000001", { text: "changed after the first run" });
  emulator.advance(60_000);
  const before = await snapshot(target);

  let nextPages = 0;
  const failing = watched(client, ({ document }) => {
    // The third next page of the run is refused.
    if (document.includes("SyncNextItems") && ++nextPages === 3) {
      throw new Error("refused mid-read");
    }
  });
  await assert.rejects(
    syncAccount(failing, target, { now, full: true }),
    /refused mid-read/,
  );
  assert.equal(nextPages >= 3, true);
  const after = await snapshot(target);
  assert.equal(diffDumps(after.dump, before.dump), "");
  assert.deepEqual(after.state, before.state);
  assert.deepEqual(await stagingTables(target), []);

  // The next run completes the work.
  const next = await syncAccount(client, target, { now, full: true });
  assert.equal(next.fullBoards, 1);
  const { rows } = await target.query(
    "SELECT text FROM board_5000000001 WHERE id = '1000000001'",
  );
  assert.deepEqual(rows, [["changed after the first run"]]);
  assert.deepEqual(await stagingTables(target), []);
});

Deno.test("a sync cancelled mid-read leaves the stored board exactly as before, with no staging left", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
  });
  const now = () => emulator.now();
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-cancel-" });
  try {
    const file = `${dir}/monday.db`;
    {
      await using target = await openSqliteTarget(file);
      await syncAccount(client, target, { now });
    }
    emulator.ui.setValues("1000000002", { text: "changed before the cancel" });
    emulator.advance(60_000);
    await using target = await openSqliteTarget(file);
    const before = await snapshot(target);

    const controller = new AbortController();
    const reason = new Error("cancelled by the user");
    let nextPages = 0;
    const cancelling = watched(client, ({ document }) => {
      if (document.includes("SyncNextItems") && ++nextPages === 2) {
        controller.abort(reason);
      }
    });
    await assert.rejects(
      syncAccount(cancelling, target, {
        now,
        full: true,
        signal: controller.signal,
      }),
      (error) => error === reason,
    );
    const after = await snapshot(target);
    assert.equal(diffDumps(after.dump, before.dump), "");
    assert.deepEqual(after.state, before.state);
    assert.deepEqual(await stagingTables(target), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with groups read side by side, an expired cursor re-reads only its own group", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  let failedCursor: string | undefined;
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    fetch: async (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      if (body.includes("SyncNextItems") && failedCursor === undefined) {
        failedCursor = body;
        return Response.json({
          data: null,
          errors: [{
            message: "The cursor provided for pagination has expired",
            extensions: { code: "CursorExpiredException" },
          }],
        });
      }
      return await fetch(input, init);
    },
  });
  await using target = await openSqliteTarget(":memory:");
  const summary = await syncAccount(client, target);
  assert.ok(failedCursor);
  assert.equal(summary.cursorRestarts, 1);
  // Three groups of 1,000: the failed group's first page (500 items) was
  // read twice, nothing else.
  assert.equal(summary.itemsRead, 3000 + 500);
  const { rows } = await target.query("SELECT count(*) FROM items");
  assert.equal(rows[0]![0], 3000);
});

Deno.test("a target without beginBoard gets whole boards through applyBoard, the same mirror", async () => {
  await using emulator = await startEmulator({ items: 1200, boards: 3 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
  });
  await using inner = await openSqliteTarget(":memory:");
  let applied = 0;
  const plain: SyncTarget = {
    kind: inner.kind,
    label: inner.label,
    prepare: (specs) => inner.prepare(specs),
    readStates: () => inner.readStates(),
    readValues: (types) => inner.readValues(types),
    applyBoard: (patch) => {
      if (patch.mode === "full") applied++;
      return inner.applyBoard(patch);
    },
    applyAccount: (patch) => inner.applyAccount(patch),
    appendRows: (table, rows, setting) =>
      inner.appendRows(table, rows, setting),
    trimRows: (table, column, after) => inner.trimRows(table, column, after),
    readSetting: (key) => inner.readSetting(key),
    query: (sql, options) => inner.query(sql, options),
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  };
  const summary = await syncAccount(client, plain);
  assert.equal(applied, summary.fullBoards);
  await using streamed = await openSqliteTarget(":memory:");
  await syncAccount(client, streamed);
  assert.equal(
    diffDumps(await dumpMirror(inner), await dumpMirror(streamed)),
    "",
  );
});

Deno.test("a next page refused while the page before is still being written fails the sync cleanly, with no unhandled rejection", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    retry: false,
  });
  const now = () => emulator.now();
  await using sqlite = await openSqliteTarget(":memory:");
  // A target whose page writes are slow (a busy database): the next page's
  // answer comes back while the page before is still being written.
  const beginBoard: SyncTarget["beginBoard"] = async (boardId, table) => {
    const writer = await sqlite.beginBoard!(boardId, table);
    return {
      ...writer,
      writeItems: async (items) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await writer.writeItems(items);
      },
      writeUpdates: (rows) => writer.writeUpdates(rows),
      commit: (patch) => writer.commit(patch),
      abort: () => writer.abort(),
    };
  };
  const slow = new Proxy(sqlite, {
    get(target, name) {
      if (name === "beginBoard") return beginBoard;
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const failing = watched(client, ({ document }) => {
    if (document.includes("SyncNextItems")) {
      throw new Error("refused mid-write");
    }
  });
  await assert.rejects(
    syncAccount(failing, slow, { now }),
    /refused mid-write/,
  );
  assert.deepEqual(await stagingTables(sqlite), []);
});

Deno.test("when the writer's abort fails too, the sync reports the read's error, not the abort's", async () => {
  await using emulator = await startEmulator({ items: 3000, boards: 1 });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    retry: false,
  });
  await using sqlite = await openSqliteTarget(":memory:");
  const beginBoard: SyncTarget["beginBoard"] = async (boardId, table) => {
    const writer = await sqlite.beginBoard!(boardId, table);
    return {
      writeItems: (items) => writer.writeItems(items),
      writeUpdates: (rows) => writer.writeUpdates(rows),
      commit: (patch) => writer.commit(patch),
      abort: async () => {
        await writer.abort();
        throw new Error("the database is gone");
      },
    };
  };
  const broken = new Proxy(sqlite, {
    get(target, name) {
      if (name === "beginBoard") return beginBoard;
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const failing = watched(client, ({ document }) => {
    if (document.includes("SyncNextItems")) throw new Error("refused mid-read");
  });
  await assert.rejects(
    syncAccount(failing, broken, { now: () => emulator.now() }),
    /refused mid-read/,
  );
});
