import assert from "node:assert/strict";
import { interpretLogs, markToIso } from "../../sync/_activity.ts";

const log = (
  event: string,
  data: unknown,
  created_at = "17650000000000000",
) => ({
  id: crypto.randomUUID(),
  event,
  entity: "pulse",
  created_at,
  data: JSON.stringify(data),
});

Deno.test("interpretLogs: item events name the items to re-read", () => {
  const verdict = interpretLogs([
    log("update_column_value", {
      board_id: 1,
      pulse_id: 11,
      column_id: "status",
    }, "17650000000000002"),
    log(
      "batch_delete_pulses",
      { board_id: 1, pulse_ids: [12, "13"] },
      "17650000000000001",
    ),
    log("update_group_name", { board_id: 1, group_id: "topics" }),
  ]);
  assert.deepEqual([...verdict.itemIds].sort(), ["11", "12", "13"]);
  assert.equal(verdict.fullReason, undefined);
  assert.equal(verdict.newest, "17650000000000002");
});

Deno.test("interpretLogs: column changes and unknown events ask for a whole read", () => {
  assert.match(
    interpretLogs([log("delete_column", { board_id: 1, column_id: "x" })])
      .fullReason!,
    /delete_column/,
  );
  assert.match(
    interpretLogs([log("something_new", { board_id: 1 })]).fullReason!,
    /something_new/,
  );
  assert.match(
    interpretLogs([log("create_pulse", { board_id: 1 })]).fullReason!,
    /names no item/,
  );
  assert.match(
    interpretLogs([{ ...log("create_pulse", {}), data: "{not json" }])
      .fullReason!,
    /unreadable/,
  );
});

Deno.test("markToIso: 100 ns units since the epoch", () => {
  assert.equal(markToIso("16872631837419768"), "2023-06-20T12:13:03.741Z");
});
