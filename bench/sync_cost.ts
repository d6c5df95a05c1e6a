// What a sync costs. A full sync of a 20,000-item account into
// SQLite, then a handful of changes, then an incremental sync: its requests
// follow the changes, not the items. Its section goes into bench/REPORT.md;
// `deno run -A bench/sync_cost.ts` runs it alone and prints the section.

import { MondayClient } from "../graphql/mod.ts";
import { startEmulator } from "../emulator/mod.ts";
import { openSqliteTarget, syncAccount } from "../sync/mod.ts";
import { size } from "./_lib.ts";

// Enough items that the first run's requests follow them (a page of 500 at
// a time) while the incremental run's do not; the sync's throughput at
// 100,000 items is the sync throughput section's.
const ITEMS = Number(Deno.env.get("BENCH_SYNC_ITEMS") ?? size(20_000, 200));

/** Runs the sync cost benchmark and returns its report section. */
export async function syncCost(): Promise<string> {
  await using emulator = await startEmulator({ items: ITEMS, clock: "real" });
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
  });
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-bench-sync-" });
  try {
    await using target = await openSqliteTarget(`${dir}/monday.db`);
    emulator.resetStats();
    let t = performance.now();
    const full = await syncAccount(client, target);
    const fullMs = performance.now() - t;
    const fullSeen = emulator.stats().requests.graphql;
    const fullLimited = emulator.stats().rateLimited;

    // A handful of changes: three values, a rename, a new item, a deletion.
    const { boards } = await client.request<
      { boards: { id: string; items_page: { items: { id: string }[] } }[] }
    >("query { boards(limit: 1) { id items_page(limit: 10) { items { id } } } }");
    const board = boards[0]!;
    const ids = board.items_page.items.map((i) => i.id);
    for (const [i, id] of ids.slice(0, 3).entries()) {
      await client.request(
        `mutation { change_multiple_column_values(board_id: ${board.id}, item_id: ${id}, column_values: "{\\"text\\": \\"bench ${i}\\"}") { id } }`,
      );
    }
    await client.request(
      `mutation { change_multiple_column_values(board_id: ${board.id}, item_id: ${
        ids[3]
      }, column_values: "{\\"name\\": \\"Renamed\\"}") { id } }`,
    );
    await client.request(
      `mutation { create_item(board_id: ${board.id}, item_name: "New") { id } }`,
    );
    await client.request(`mutation { delete_item(item_id: ${ids[4]}) { id } }`);

    emulator.resetStats();
    t = performance.now();
    const step = await syncAccount(client, target);
    const stepMs = performance.now() - t;
    const stepSeen = emulator.stats().requests.graphql;
    const stepLimited = emulator.stats().rateLimited;
    const items =
      (await target.query("SELECT count(*) FROM items")).rows[0]![0];
    const rows = [
      `| full (first run) | ${items} | ${full.itemsRead} | ${full.requests} | ${fullSeen} | ${fullLimited} | ${
        (fullMs / 1000).toFixed(1)
      } |`,
      `| incremental after 6 changes | ${items} | ${step.itemsRead} | ${step.requests} | ${stepSeen} | ${stepLimited} | ${
        (stepMs / 1000).toFixed(2)
      } |`,
    ];
    return [
      "## Sync cost",
      "",
      `A SQLite mirror of an emulated account of ${full.boards} boards (${ITEMS} items on the first), emulator on enterprise limits with its real clock: a full first run, then six changes (three values, a rename, a create, a delete) and an incremental run. "requests" is what the sync sent; "emulator saw" counts every GraphQL request that reached the emulator (retries included); "429s" is how many the emulator refused.`,
      "",
      "| run | items in mirror | items read | requests | emulator saw | 429s | s |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
      `The incremental run read ${step.itemsRead} items in ${step.requests} requests: the account-wide lists (users, workspaces, teams and tags, boards), one request for the boards' structure and activity logs, and one to re-read the changed items (and the items linking to them) by id. Its cost follows the changes; the first run's follows the items.`,
    ].join("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  console.log(await syncCost());
}
