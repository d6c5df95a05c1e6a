// The kill test: a sync is SIGKILLed at random instants, many times; after
// each kill every board in the mirror is exactly as before the run or as
// after it (a fresh full sync of the same account), and a final run leaves
// the mirror equal to a fresh full sync.
import assert from "node:assert/strict";
import { MondayClient } from "../../graphql/mod.ts";
import { startEmulator } from "../../emulator/mod.ts";
import {
  openSqliteTarget,
  syncAccount,
  type SyncTarget,
} from "../../sync/mod.ts";
import { diffDumps, dumpMirror } from "./_mirror.ts";

type BoardDump = Record<string, string>;

/** Each board's rows in every per-board table, and the account tables. */
async function dumpByBoard(target: SyncTarget): Promise<BoardDump> {
  const all = await dumpMirror(target);
  const out: Record<string, string[]> = {};
  const add = (key: string, row: string) => (out[key] ??= []).push(row);
  for (const [table, rows] of Object.entries(all)) {
    for (const row of rows) {
      const value = JSON.parse(row) as Record<string, unknown>;
      if (table.startsWith("board_")) add(table.slice(6), `${table}:${row}`);
      else if (table === "boards") add(String(value.id), `boards:${row}`);
      else if ("board_id" in value) {
        add(String(value.board_id), `${table}:${row}`);
      } else add("account", `${table}:${row}`);
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, rows]) => [k, rows.sort().join("\n")]),
  );
}

const seed = Number(
  Deno.env.get("SYNC_SEED") ?? 1 + Math.floor(Math.random() * 1e9),
);

Deno.test(`SIGKILL at random instants leaves every board before or after (seed ${seed})`, async () => {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  await using emulator = await startEmulator({ items: 400, boards: 3, seed });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
  });
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-kill-" });
  const file = `${dir}/monday.db`;
  const child = new URL("./_sync_child.ts", import.meta.url).pathname;
  let killedMidway = 0;
  try {
    for (let round = 0; round < 7; round++) {
      // Some changes for the run to pick up.
      const { boards } = await client.request<
        { boards: { id: string; items_page: { items: { id: string }[] } }[] }
      >("query { boards(limit: 1) { id items_page(limit: 50) { items { id } } } }");
      const board = boards[0]!;
      const ids = board.items_page.items.map((i) => i.id);
      for (let i = 0; i < 3; i++) {
        const id = ids[Math.floor(random() * ids.length)]!;
        await client.request(
          `mutation { change_multiple_column_values(board_id: ${board.id}, item_id: ${id}, column_values: "{\\"text\\": \\"round ${round}.${i}\\"}") { id } }`,
        );
      }
      if (round % 3 === 1) {
        await client.request(
          `mutation { delete_item(item_id: ${ids[round]}) { id } }`,
        );
      }
      emulator.advance(60_000);

      const before = await (async () => {
        await using t = await openSqliteTarget(file);
        return await dumpByBoard(t);
      })();
      const after = await (async () => {
        await using t = await openSqliteTarget(":memory:");
        await syncAccount(client, t);
        return await dumpByBoard(t);
      })();

      const process = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-check",
          "--allow-net=127.0.0.1",
          "--allow-read",
          "--allow-write",
          child,
          emulator.apiUrl,
          emulator.credentials.apiToken,
          file,
          round % 4 === 0 ? "full" : "incremental",
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = process.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      let seen = "";
      while (!seen.includes("ready")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      await new Promise((r) => setTimeout(r, Math.floor(random() * 150)));
      try {
        process.kill("SIGKILL");
      } catch {
        // it finished first
      }
      const rest = (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      const status = await process.status;
      await rest;
      await process.stderr.cancel();
      if (status.signal === "SIGKILL") killedMidway++;

      await using mirror = await openSqliteTarget(file);
      const now = await dumpByBoard(mirror);
      for (
        const key of new Set([
          ...Object.keys(now),
          ...Object.keys(before),
          ...Object.keys(after),
        ])
      ) {
        const rows = now[key] ?? "";
        assert.ok(
          rows === (before[key] ?? "") || rows === (after[key] ?? ""),
          `seed ${seed}, round ${round}: '${key}' is neither before nor after the run`,
        );
      }
    }
    assert.ok(
      killedMidway >= 4,
      `only ${killedMidway} runs were killed midway`,
    );

    // A final run completes the work.
    await using mirror = await openSqliteTarget(file);
    await syncAccount(client, mirror);
    await using fresh = await openSqliteTarget(":memory:");
    await syncAccount(client, fresh);
    const diff = diffDumps(await dumpMirror(mirror), await dumpMirror(fresh));
    assert.equal(diff, "", `seed ${seed}: after the final run:\n${diff}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
