// audit_logs: the audit export's entries, with their ids, in the same
// database as the boards; each run adds only what is new.
import assert from "node:assert/strict";
import { AuditLogClient } from "../../auditlog/mod.ts";
import { MondayClient } from "../../graphql/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import { type Cell, openSqliteTarget, syncAccount } from "../../sync/mod.ts";
import { openTestPostgres, postgresSkip } from "./_mirror.ts";

for (
  const [name, open, ignore] of [
    ["SQLite", () => openSqliteTarget(":memory:"), false],
    ["PostgreSQL", openTestPostgres, !!postgresSkip],
  ] as const
) {
  Deno.test({
    name: `${name}: audit_logs holds the audit export's entries, each once`,
    ignore,
    async fn() {
      await using emulator = await startEmulator({
        items: 5,
        auditEntries: 250,
      });
      const client = new MondayClient({
        token: emulator.credentials.apiToken,
        apiUrl: emulator.apiUrl,
      });
      const audit = new AuditLogClient({
        token: emulator.credentials.auditToken,
        domain: emulator.domain,
      });
      await using target = await open();
      const count = async () =>
        Number(
          (await target.query("SELECT count(*) FROM audit_logs")).rows[0]![0],
        );

      // Without an audit source the table is there and empty.
      await syncAccount(client, target, { tables: ["audit_logs"] });
      assert.equal(await count(), 0);

      const first = await syncAccount(client, target, { audit });
      assert.equal(first.auditEntries, 250);
      assert.equal(await count(), 250);
      // Numbered in order, every entry with its 64-hex id.
      const ids = await target.query(
        "SELECT min(seq), max(seq), min(length(id)), max(length(id)) FROM audit_logs",
      );
      assert.deepEqual(ids.rows[0]!.map(Number), [1, 250, 64, 64]);

      const again = await syncAccount(client, target, {
        audit,
        tables: ["audit_logs"],
      });
      assert.equal(again.auditEntries, 0);
      // A batch written but never acknowledged (a crash before the
      // checkpoint) is removed by the next run, then exported again.
      await target.appendRows("audit_logs", [[
        251,
        "f".repeat(64),
        "2026-11-01T00:00:00.000Z",
        ...Array<null>(13).fill(null),
      ]]);
      emulator.advance(1000);
      emulator.appendAuditEntries(3);
      const more = await syncAccount(client, target, {
        audit,
        tables: ["audit_logs"],
      });
      assert.equal(more.auditEntries, 3);
      assert.equal(await count(), 253);
      const unacknowledged = await target.query(
        `SELECT count(*) FROM audit_logs WHERE id = '${"f".repeat(64)}'`,
      );
      assert.equal(Number(unacknowledged.rows[0]![0]), 0);
      // Boards and the audit log in one database.
      const joined = await target.query(
        "SELECT count(*) FROM audit_logs a JOIN users u ON u.id = a.user_id",
      );
      assert.ok(Number(joined.rows[0]![0]) > 0);
    },
  });
}

Deno.test("audit_logs: the checkpoint is saved once a second, not after every page", async () => {
  // The rows of each page are committed as they come; the checkpoint that
  // covers them follows at most once a second (the exporter's
  // checkpointIntervalMs) and at the end, so a page costs one transaction,
  // not two. Ten pages here take well under the interval.
  await using emulator = await startEmulator({ auditEntries: 10_000 });
  const audit = new AuditLogClient({
    token: emulator.credentials.auditToken,
    domain: emulator.domain,
  });
  await using target = await openSqliteTarget(":memory:");
  let pages = 0;
  let checkpoints = 0;
  const counting = new Proxy(target, {
    get(real, key) {
      if (key === "appendRows") {
        return (
          table: string,
          rows: Cell[][],
          setting?: { key: string; value: string | null },
        ) => {
          if (rows.length > 0) pages++;
          if (setting?.key === "audit_checkpoint") checkpoints++;
          return real.appendRows(table, rows, setting);
        };
      }
      const value = Reflect.get(real, key);
      return typeof value === "function" ? value.bind(real) : value;
    },
  });
  const graphql = {
    request(): Promise<never> {
      throw new Error("unexpected GraphQL request");
    },
  };
  const summary = await syncAccount(graphql, counting, {
    audit,
    tables: ["audit_logs"],
  });
  assert.equal(summary.auditEntries, 10_000);
  assert.equal(pages, 10);
  // Where the sink starts, then the end (and one a second in between).
  assert.ok(checkpoints >= 2 && checkpoints < pages, `${checkpoints} saves`);
  const { rows } = await target.query(
    "SELECT count(*), max(seq) FROM audit_logs",
  );
  assert.deepEqual(rows[0]!.map(Number), [10_000, 10_000]);
  // The last checkpoint covers every row: a run now trims nothing and adds
  // nothing.
  const again = await syncAccount(graphql, target, {
    audit,
    tables: ["audit_logs"],
  });
  assert.equal(again.auditEntries, 0);
  assert.equal(
    Number((await target.query("SELECT count(*) FROM audit_logs")).rows[0]![0]),
    10_000,
  );
});
