import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import { firstBoardId, gql, oauthToken } from "./_helpers.ts";

const ALL_VALUES = `column_values {
  id type text value
  ... on StatusValue { index label is_done }
  ... on NumbersValue { number }
  ... on DateValue { date }
  ... on PeopleValue { persons_and_teams { id kind } }
  ... on CheckboxValue { checked }
  ... on EmailValue { email label }
}`;

Deno.test("graphql: me, account and users answer from the seeded account", async () => {
  await using emulator = await startEmulator({ users: 30 });
  const answer = await gql(
    emulator,
    "{ me { id name email kind account { id slug } } account { id name slug tier plan { tier } } users(limit: 10, page: 3) { id } all: users(limit: 1000) { id } }",
  );
  assert.equal(answer.status, 200);
  const data = answer.body.data;
  assert.equal(data.me.id, emulator.credentials.apiTokens[0]!.userId);
  assert.equal(data.me.kind, "admin");
  assert.equal(data.me.account.id, data.account.id);
  assert.equal(data.account.tier, "enterprise");
  assert.equal(data.all.length, 30);
  assert.deepEqual(
    data.users.map((u: { id: string }) => u.id),
    data.all.slice(20, 30).map((u: { id: string }) => u.id),
  );
  assert.equal(answer.body.account_id, Number(data.account.id));
});

Deno.test("graphql: boards serve columns, groups and column values in monday's shapes", async () => {
  await using emulator = await startEmulator({ items: 200, boards: 3 });
  const answer = await gql(
    emulator,
    `{ boards(limit: 5) { id name board_kind state items_count
        columns { id title type settings_str }
        groups { id title }
        items_page(limit: 200) { items { id name group { id } ${ALL_VALUES} } } } }`,
  );
  const boards = answer.body.data.boards;
  assert.equal(boards.length, 3);
  assert.deepEqual(
    boards.map((b: { items_count: number }) => b.items_count),
    [200, 5, 5],
  );
  const board = boards[0];
  const types = board.columns.map((c: { type: string }) => c.type);
  for (
    const type of [
      "name",
      "text",
      "status",
      "numbers",
      "date",
      "people",
      "file",
      "checkbox",
      "email",
    ]
  ) {
    assert.ok(types.includes(type), type);
  }
  const status = board.columns.find((c: { id: string }) => c.id === "status");
  assert.deepEqual(JSON.parse(status.settings_str).labels["1"], "Done");
  const items = board.items_page.items;
  assert.equal(items.length, 200);
  const seen = new Set<string>();
  for (const item of items) {
    for (const cv of item.column_values) {
      seen.add(`${cv.type}:${cv.value === null ? "empty" : "set"}`);
      if (cv.value !== null) assert.equal(typeof cv.value, "string");
      const value = cv.value === null ? null : JSON.parse(cv.value);
      switch (cv.type) {
        case "status":
          assert.equal(value.index, cv.index);
          assert.equal(cv.text, cv.label);
          assert.equal(cv.is_done, cv.index === 1);
          break;
        case "numbers":
          if (value !== null) assert.equal(cv.number, Number(value));
          break;
        case "date":
          if (value !== null) {
            assert.match(value.date, /^\d{4}-\d{2}-\d{2}$/);
            assert.equal(cv.text, value.date);
            assert.equal(cv.date, value.date);
          }
          break;
        case "people":
          if (value !== null) {
            assert.equal(
              cv.persons_and_teams[0].id,
              String(value.personsAndTeams[0].id),
            );
            assert.ok(cv.text.length > 0);
          }
          break;
        case "checkbox":
          assert.equal(cv.checked, value !== null);
          assert.equal(cv.text, value === null ? "" : "v");
          break;
        case "email":
          if (value !== null) assert.equal(cv.email, value.email);
          break;
        case "text":
          assert.equal(cv.text, value === null ? "" : value);
          break;
      }
    }
  }
  for (const key of ["status:set", "text:set", "text:empty", "date:set"]) {
    assert.ok(seen.has(key), key);
  }
  assert.deepEqual(
    new Set(items.map((i: { group: { id: string } }) => i.group.id)),
    new Set(board.groups.map((g: { id: string }) => g.id)),
  );
});

Deno.test("graphql: items_page pages through every item exactly once with next_items_page", async () => {
  await using emulator = await startEmulator({ items: 2100 });
  const boardId = await firstBoardId(emulator);
  const ids: string[] = [];
  let answer = await gql(
    emulator,
    `query ($board: [ID!]) { boards(ids: $board) { items_page(limit: 500) { cursor items { id } } } }`,
    { variables: { board: [boardId] } },
  );
  let page = answer.body.data.boards[0].items_page;
  let pages = 1;
  ids.push(...page.items.map((i: { id: string }) => i.id));
  while (page.cursor) {
    answer = await gql(
      emulator,
      "query ($c: String!) { next_items_page(cursor: $c, limit: 500) { cursor items { id } } }",
      { variables: { c: page.cursor } },
    );
    page = answer.body.data.next_items_page;
    ids.push(...page.items.map((i: { id: string }) => i.id));
    pages++;
  }
  assert.equal(pages, 5);
  assert.equal(ids.length, 2100);
  assert.equal(new Set(ids).size, 2100);
});

Deno.test("graphql: items_page defaults to 25 items and refuses a limit over 500", async () => {
  await using emulator = await startEmulator({ items: 100 });
  const answer = await gql(
    emulator,
    "{ boards(limit: 1) { items_page { items { id } } } }",
  );
  assert.equal(answer.body.data.boards[0].items_page.items.length, 25);
  const tooMany = await gql(
    emulator,
    "{ boards(limit: 1) { items_page(limit: 501) { items { id } } } }",
  );
  assert.equal(tooMany.status, 200);
  assert.equal(
    tooMany.body.errors[0].extensions.code,
    "InvalidArgumentException",
  );
  assert.deepEqual(tooMany.body.errors[0].path, ["boards", 0, "items_page"]);
});

Deno.test("graphql: query_params filter by rules, ids and order, and the cursor carries them", async () => {
  await using emulator = await startEmulator({ items: 400 });
  const done = await gql(
    emulator,
    `{ boards(limit: 1) { items_page(limit: 50, query_params: {rules: [{column_id: "status", compare_value: [1]}]}) {
        cursor items { column_values(ids: ["status"]) { text } } } } }`,
  );
  const page = done.body.data.boards[0].items_page;
  assert.equal(page.items.length, 50);
  for (const item of page.items) {
    assert.equal(item.column_values[0].text, "Done");
  }
  const rest = await gql(
    emulator,
    'query ($c: String!) { next_items_page(cursor: $c, limit: 500) { cursor items { column_values(ids: ["status"]) { text } } } }',
    { variables: { c: page.cursor } },
  );
  const more = rest.body.data.next_items_page.items;
  assert.ok(more.length > 0 && more.length < 350);
  assert.ok(
    more.every((i: { column_values: { text: string }[] }) =>
      i.column_values[0]!.text === "Done"
    ),
  );
  const named = await gql(
    emulator,
    `{ boards(limit: 1) { items_page(limit: 500, query_params: {
        operator: and,
        rules: [{column_id: "name", compare_value: ["#1"], operator: contains_text}],
        order_by: [{column_id: "numbers", direction: desc}] }) {
        items { name column_values(ids: ["numbers"]) { text } } } } }`,
  );
  const items = named.body.data.boards[0].items_page.items;
  assert.ok(items.length > 10);
  for (const item of items) assert.ok(item.name.includes("#1"));
  const numbers = items.map((i: { column_values: { text: string }[] }) =>
    i.column_values[0]!.text
  ).filter((t: string) => t !== "").map(Number);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a));
  const byIds = await gql(
    emulator,
    `{ boards(limit: 1) { items_page(query_params: {ids: [1000000003, 1000000001]}) { items { id } } } }`,
  );
  assert.deepEqual(
    byIds.body.data.boards[0].items_page.items.map((i: { id: string }) => i.id)
      .sort(),
    ["1000000001", "1000000003"],
  );
});

Deno.test("graphql: query_params together with cursor is refused", async () => {
  await using emulator = await startEmulator({ items: 100 });
  const first = await gql(
    emulator,
    "{ boards(limit: 1) { items_page(limit: 10) { cursor } } }",
  );
  const cursor = first.body.data.boards[0].items_page.cursor;
  const answer = await gql(
    emulator,
    `query ($c: String) { boards(limit: 1) { items_page(limit: 10, cursor: $c, query_params: {ids: [1]}) { cursor } } }`,
    { variables: { c: cursor } },
  );
  assert.equal(answer.status, 200);
  assert.equal(
    answer.body.errors[0].extensions.code,
    "InvalidArgumentException",
  );
  assert.match(answer.body.errors[0].message, /cursor and query_params/);
});

Deno.test("graphql: a cursor expires 60 minutes (emulator clock) after its pagination started", async () => {
  await using emulator = await startEmulator({ items: 100 });
  const first = await gql(
    emulator,
    "{ boards(limit: 1) { items_page(limit: 10) { cursor } } }",
  );
  const cursor = first.body.data.boards[0].items_page.cursor;
  const next = (c: string) =>
    gql(
      emulator,
      "query ($c: String!) { next_items_page(cursor: $c, limit: 10) { cursor items { id } } }",
      { variables: { c } },
    );
  emulator.advance(59 * 60_000);
  const fresh = await next(cursor);
  assert.equal(fresh.body.data.next_items_page.items.length, 10);
  const second = fresh.body.data.next_items_page.cursor;
  emulator.advance(60_000);
  for (const c of [cursor, second]) {
    const expired = await next(c);
    assert.equal(expired.status, 200);
    assert.equal(expired.body.data, null);
    const error = expired.body.errors[0];
    assert.match(error.message, /CursorExpired/);
    assert.match(error.message, /cursor provided for pagination has expired/i);
    // monday's code (SYNC-FACTS §1); the message names CursorExpiredError.
    assert.equal(error.extensions.code, "CursorException");
  }
  const unknown = await next("MSwnot-a-cursor");
  assert.equal(
    unknown.body.errors[0].extensions.code,
    "InvalidArgumentException",
  );
});

Deno.test("graphql: items(ids) returns those items and refuses more than 100 ids", async () => {
  await using emulator = await startEmulator({ items: 300 });
  const answer = await gql(
    emulator,
    "{ items(ids: [1000000002, 1000000005, 999]) { id name board { id } } }",
  );
  assert.deepEqual(
    answer.body.data.items.map((i: { id: string }) => i.id),
    ["1000000002", "1000000005"],
  );
  const ids = Array.from({ length: 101 }, (_, i) => 1_000_000_001 + i);
  const tooMany = await gql(
    emulator,
    "query ($ids: [ID!]) { items(ids: $ids) { id } }",
    { variables: { ids } },
  );
  assert.equal(
    tooMany.body.errors[0].extensions.code,
    "InvalidArgumentException",
  );
});

async function createItem(
  emulator: Emulator,
  boardId: string,
  columnValues: unknown,
  name = "Emulated item",
) {
  return await gql(
    emulator,
    `mutation ($board: ID!, $name: String!, $values: JSON) {
      create_item(board_id: $board, item_name: $name, column_values: $values) {
        id name ${ALL_VALUES} } }`,
    { variables: { board: boardId, name, values: columnValues } },
  );
}

Deno.test("graphql: create_item stores column values given as a JSON string", async () => {
  await using emulator = await startEmulator({ items: 10 });
  const boardId = await firstBoardId(emulator);
  const [someone] = emulator.credentials.apiTokens;
  const answer = await createItem(
    emulator,
    boardId,
    JSON.stringify({
      status: { label: "Stuck" },
      text: "hello",
      numbers: "42.5",
      date4: { date: "2026-12-24" },
      person: {
        personsAndTeams: [{ id: Number(someone!.userId), kind: "person" }],
      },
      checkbox: { checked: "true" },
      email: { email: "a@example.com", text: "A" },
    }),
  );
  assert.equal(answer.status, 200, answer.text);
  const item = answer.body.data.create_item;
  const byId = Object.fromEntries(
    item.column_values.map((cv: { id: string }) => [cv.id, cv]),
  );
  assert.equal(byId.status.text, "Stuck");
  assert.equal(byId.status.index, 2);
  assert.equal(byId.text.text, "hello");
  assert.equal(byId.text.value, '"hello"');
  assert.equal(byId.numbers.number, 42.5);
  assert.equal(byId.date4.date, "2026-12-24");
  assert.equal(byId.person.text, someone!.name);
  assert.equal(byId.checkbox.checked, true);
  assert.equal(byId.email.text, "A");
  assert.equal(byId.files.value, null);
  const again = await gql(
    emulator,
    `{ items(ids: [${item.id}]) { name column_values(ids: ["text"]) { text } } }`,
  );
  assert.deepEqual(again.body.data.items[0], {
    name: "Emulated item",
    column_values: [{ text: "hello" }],
  });
  assert.deepEqual(emulator.stats().executed, {
    mutations: 1,
    byField: { create_item: 1 },
  });
});

Deno.test("graphql: change_column_value, change_simple_column_value and change_multiple_column_values", async () => {
  await using emulator = await startEmulator({ items: 10 });
  const boardId = await firstBoardId(emulator);
  const one = await gql(
    emulator,
    `mutation ($b: ID!) { change_column_value(board_id: $b, item_id: 1000000001, column_id: "status", value: "{\\"label\\": \\"Done\\"}") {
      column_values(ids: ["status"]) { text } } }`,
    { variables: { b: boardId } },
  );
  assert.equal(one.body.data.change_column_value.column_values[0].text, "Done");
  const simple = await gql(
    emulator,
    `mutation ($b: ID!) { change_simple_column_value(board_id: $b, item_id: 1000000001, column_id: "numbers", value: "7") {
      column_values(ids: ["numbers"]) { text value } } }`,
    { variables: { b: boardId } },
  );
  assert.deepEqual(
    simple.body.data.change_simple_column_value.column_values[0],
    {
      text: "7",
      value: '"7"',
    },
  );
  const many = await gql(
    emulator,
    `mutation ($b: ID!, $v: JSON!) { change_multiple_column_values(board_id: $b, item_id: 1000000001, column_values: $v) {
      name column_values(ids: ["text", "date4", "status"]) { id text } } }`,
    {
      variables: {
        b: boardId,
        v: JSON.stringify({
          name: "Renamed",
          text: "multi",
          date4: "2027-01-02",
          status: "Working on it",
        }),
      },
    },
  );
  const item = many.body.data.change_multiple_column_values;
  assert.equal(item.name, "Renamed");
  assert.deepEqual(item.column_values, [
    { id: "status", text: "Working on it" },
    { id: "date4", text: "2027-01-02" },
    { id: "text", text: "multi" },
  ]);
  assert.deepEqual(emulator.stats().executed.byField, {
    change_column_value: 1,
    change_simple_column_value: 1,
    change_multiple_column_values: 1,
  });
});

Deno.test("graphql: delete_item removes the item from reads and pages", async () => {
  await using emulator = await startEmulator({ items: 30 });
  const answer = await gql(
    emulator,
    "mutation { delete_item(item_id: 1000000002) { id state } }",
  );
  assert.deepEqual(answer.body.data.delete_item, {
    id: "1000000002",
    state: "deleted",
  });
  const after = await gql(
    emulator,
    "{ items(ids: [1000000002]) { id state } active: items(ids: [1000000002], exclude_nonactive: true) { id } boards(limit: 1) { items_count items_page(limit: 500) { items { id } } } }",
  );
  // Root items(ids) returns deleted items with their state, as monday does
  // (SYNC-FACTS §7), unless exclude_nonactive is set.
  assert.deepEqual(after.body.data.items, [{
    id: "1000000002",
    state: "deleted",
  }]);
  assert.deepEqual(after.body.data.active, []);
  assert.equal(after.body.data.boards[0].items_count, 29);
  assert.ok(
    !after.body.data.boards[0].items_page.items.some((i: { id: string }) =>
      i.id === "1000000002"
    ),
  );
  const again = await gql(
    emulator,
    "mutation { delete_item(item_id: 1000000002) { id } }",
  );
  assert.equal(again.body.errors[0].extensions.code, "InvalidItemIdException");
});

Deno.test("graphql: create_board makes a board with default columns and a group", async () => {
  await using emulator = await startEmulator();
  const answer = await gql(
    emulator,
    `mutation { create_board(board_name: "Launch", board_kind: private, description: "d") {
      id name board_kind description columns { id } groups { id } items_count } }`,
  );
  const board = answer.body.data.create_board;
  assert.equal(board.name, "Launch");
  assert.equal(board.board_kind, "private");
  assert.equal(board.items_count, 0);
  assert.ok(board.columns.some((c: { id: string }) => c.id === "status"));
  assert.equal(board.groups.length, 1);
  const listed = await gql(emulator, `{ boards(ids: [${board.id}]) { name } }`);
  assert.deepEqual(listed.body.data.boards, [{ name: "Launch" }]);
  const created = await createItem(emulator, board.id, null, "First");
  assert.equal(created.body.data.create_item.name, "First");
});

Deno.test("graphql: mutation errors carry monday's codes, paths and error_data", async () => {
  await using emulator = await startEmulator({ items: 5 });
  const boardId = await firstBoardId(emulator);
  const badBoard = await createItem(emulator, "123", null);
  assert.equal(badBoard.status, 200);
  assert.equal(badBoard.body.data.create_item, null);
  assert.deepEqual(badBoard.body.errors[0].path, ["create_item"]);
  assert.equal(
    badBoard.body.errors[0].extensions.code,
    "InvalidBoardIdException",
  );
  assert.deepEqual(badBoard.body.errors[0].extensions.error_data, {
    board_id: 123,
  });
  const badLabel = await createItem(
    emulator,
    boardId,
    JSON.stringify({ status: { label: "Nope" } }),
  );
  assert.equal(badLabel.body.errors[0].extensions.code, "ColumnValueException");
  const badColumn = await createItem(
    emulator,
    boardId,
    JSON.stringify({ nope: "x" }),
  );
  assert.equal(
    badColumn.body.errors[0].extensions.code,
    "InvalidColumnIdException",
  );
  const longName = await createItem(emulator, boardId, null, "x".repeat(256));
  assert.equal(
    longName.body.errors[0].extensions.code,
    "ItemNameTooLongException",
  );
  assert.deepEqual(emulator.stats().executed, { mutations: 0, byField: {} });
});

Deno.test("graphql: parse and validation errors answer HTTP 200 with locations", async () => {
  await using emulator = await startEmulator();
  const parse = await gql(emulator, "{ me { id }} }");
  assert.equal(parse.status, 200);
  assert.match(
    parse.body.errors[0].message,
    /^Parse error on "}" \(RCURLY\) at \[1, 14\]$/,
  );
  assert.deepEqual(parse.body.errors[0].locations, [{ line: 1, column: 14 }]);
  const validation = await gql(emulator, "{\n  boards { nope }\n}");
  assert.equal(validation.status, 200);
  assert.equal(
    validation.body.errors[0].message,
    "Field 'nope' doesn't exist on type 'Board'",
  );
  assert.equal(validation.body.errors[0].extensions.code, "undefinedField");
  assert.deepEqual(validation.body.errors[0].locations, [{
    line: 2,
    column: 12,
  }]);
  const missingArg = await gql(
    emulator,
    "{ next_items_page(limit: 5) { cursor } }",
  );
  assert.equal(missingArg.status, 200);
  assert.ok(missingArg.body.errors[0].locations.length > 0);
});

Deno.test("graphql: bad request bodies get 400s", async () => {
  await using emulator = await startEmulator();
  const post = async (body: string) => {
    const response = await fetch(emulator.apiUrl, {
      method: "POST",
      headers: {
        Authorization: emulator.credentials.apiToken,
        "Content-Type": "application/json",
      },
      body,
    });
    return { status: response.status, body: await response.json() };
  };
  const notJson = await post("{query");
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.errors[0].extensions.code, "JsonParseException");
  const stringVars = await post(
    JSON.stringify({ query: "{ me { id } }", variables: "{}" }),
  );
  assert.equal(stringVars.status, 400);
  const noQuery = await post("{}");
  assert.equal(noQuery.status, 400);
  assert.match(noQuery.body.errors[0].message, /No query string/);
});

Deno.test("graphql: complexity reports the query's cost and the budget before and after", async () => {
  await using emulator = await startEmulator({ items: 50 });
  const first = await gql(
    emulator,
    "{ complexity { before after query reset_in_x_seconds } boards(limit: 1) { items_page(limit: 50) { items { id } } } }",
  );
  const c = first.body.data.complexity;
  // boards: 1 + 1 × (items_page: 1 + 50 × (items: 1 + 1)) = 102; complexity: 1 + 4 = 5
  assert.equal(c.query, 107);
  assert.equal(c.before, 10_000_000);
  assert.equal(c.after, 10_000_000 - 107);
  assert.equal(c.reset_in_x_seconds, 60);
  const second = await gql(emulator, "{ complexity { before query } }");
  assert.equal(second.body.data.complexity.before, 10_000_000 - 107);
  assert.match(
    second.headers.get("ratelimit")!,
    new RegExp(`"complexityMinute";r=${10_000_000 - 107 - 3};t=60`),
  );
});

Deno.test("graphql: API-Version is echoed, unknown well-formed versions get the current one, malformed ones an error", async () => {
  await using emulator = await startEmulator();
  const query = "{ version { value kind } }";
  const known = await gql(emulator, query, {
    headers: { "API-Version": "2025-07" },
  });
  assert.equal(known.headers.get("api-version"), "2025-07");
  assert.deepEqual(known.body.data.version, {
    value: "2025-07",
    kind: "deprecated",
  });
  const none = await gql(emulator, query);
  assert.equal(none.headers.get("api-version"), "2026-10");
  assert.equal(none.body.data.version.kind, "current");
  const unknown = await gql(emulator, query, {
    headers: { "API-Version": "2031-04" },
  });
  assert.equal(unknown.headers.get("api-version"), "2026-10");
  assert.equal(unknown.body.data.version.value, "2026-10");
  const malformed = await gql(emulator, query, {
    headers: { "API-Version": "2023" },
  });
  assert.equal(malformed.status, 200);
  assert.equal(
    malformed.body.errors[0].extensions.code,
    "InvalidVersionException",
  );
  const versions = await gql(emulator, "{ versions { value kind } }");
  const kinds = Object.fromEntries(
    versions.body.data.versions.map((v: { value: string; kind: string }) => [
      v.value,
      v.kind,
    ]),
  );
  assert.equal(kinds["2026-10"], "current");
  assert.equal(kinds["2026-07"], "maintenance");
  assert.equal(kinds["2027-01"], "release_candidate");
});

Deno.test("graphql: versions up to 2024-10 answer application errors in the legacy shape", async () => {
  await using emulator = await startEmulator();
  const answer = await gql(
    emulator,
    'mutation { create_item(board_id: 1, item_name: "x") { id } }',
    { headers: { "API-Version": "2024-10" } },
  );
  assert.equal(answer.status, 200);
  assert.equal(answer.body.error_code, "InvalidBoardIdException");
  assert.equal(answer.body.status_code, 200);
  assert.equal(typeof answer.body.error_message, "string");
  assert.equal(answer.body.account_id, 9000001);
  assert.equal(answer.body.errors, undefined);
  const current = await gql(
    emulator,
    'mutation { create_item(board_id: 1, item_name: "x") { id } }',
    { headers: { "API-Version": "2025-01" } },
  );
  assert.equal(current.body.error_code, undefined);
  assert.equal(
    current.body.errors[0].extensions.code,
    "InvalidBoardIdException",
  );
});

Deno.test("graphql: missing, unknown and audit tokens get 401", async () => {
  await using emulator = await startEmulator();
  const none = await gql(emulator, "{ me { id } }", { token: null });
  assert.equal(none.status, 401);
  assert.equal(none.body.errors[0].extensions.status_code, 401);
  const unknown = await gql(emulator, "{ me { id } }", { token: "nope" });
  assert.equal(unknown.status, 401);
  assert.match(unknown.body.errors[0].message, /Not Authenticated/);
  assert.ok(!unknown.text.includes("nope"));
  const audit = await gql(emulator, "{ me { id } }", {
    token: emulator.credentials.auditToken,
  });
  assert.equal(audit.status, 401);
  assert.ok(!audit.text.includes(emulator.credentials.auditToken));
  const bearer = await gql(emulator, "{ me { id } }", {
    token: `Bearer ${emulator.credentials.apiToken}`,
  });
  assert.equal(bearer.status, 200);
  assert.ok(bearer.body.data.me.id);
  assert.ok(none.headers.get("ratelimit"));
});

Deno.test("graphql: OAuth Bearer tokens work within their scopes; a missing scope gets missingRequiredPermissions", async () => {
  await using emulator = await startEmulator({ items: 5 });
  const token = await oauthToken(emulator, "boards:read", "legacy");
  const answer = await gql(
    emulator,
    "{ boards(limit: 1) { id } me { id } }",
    { token: `Bearer ${token}` },
  );
  assert.equal(answer.status, 200);
  assert.equal(answer.body.data.boards.length, 1);
  assert.equal(answer.body.data.me, null);
  const error = answer.body.errors[0];
  assert.equal(error.extensions.code, "missingRequiredPermissions");
  assert.deepEqual(error.path, ["me"]);
  assert.match(error.message, /me:read/);
  const write = await gql(
    emulator,
    'mutation { create_board(board_name: "x", board_kind: public) { id } }',
    { token: `Bearer ${token}` },
  );
  assert.equal(
    write.body.errors[0].extensions.code,
    "missingRequiredPermissions",
  );
  assert.equal(emulator.stats().executed.mutations, 0);
});

Deno.test("graphql: an expired or revoked OAuth 2.1 token gets 401", async () => {
  await using emulator = await startEmulator({ accessTokenTtlSeconds: 600 });
  const token = await oauthToken(emulator, "me:read boards:read", "2.1");
  const ok = await gql(emulator, "{ me { id } }", { token: `Bearer ${token}` });
  assert.equal(ok.status, 200);
  emulator.advance(601_000);
  const expired = await gql(emulator, "{ me { id } }", {
    token: `Bearer ${token}`,
  });
  assert.equal(expired.status, 401);
  assert.match(expired.body.errors[0].message, /expired/);
  assert.match(expired.headers.get("www-authenticate")!, /invalid_token/);
  const other = await oauthToken(emulator, "me:read", "legacy");
  const { clientId, clientSecret } = emulator.credentials.oauth;
  const revoke = await fetch(`${emulator.authUrl}/oauth_ms/oauth/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      token: other,
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  assert.equal(revoke.status, 200);
  await revoke.body?.cancel();
  const revoked = await gql(emulator, "{ me { id } }", {
    token: `Bearer ${other}`,
  });
  assert.equal(revoked.status, 401);
  assert.match(revoked.body.errors[0].message, /revoked/);
});

Deno.test("graphql: get_schema serves the emulator's SDL or introspection JSON", async () => {
  await using emulator = await startEmulator();
  const sdl = await fetch(`${emulator.schemaUrl}?format=sdl&version=2026-10`);
  const text = await sdl.text();
  assert.equal(sdl.status, 200);
  assert.equal(sdl.headers.get("api-version"), "2026-10");
  assert.match(sdl.headers.get("ratelimit-policy")!, /"minuteRate";q=5000/);
  assert.ok(sdl.headers.get("ratelimit"));
  assert.match(text, /type Query \{/);
  assert.match(
    text,
    /next_items_page\(cursor: String!, limit: Int! = 25\): ItemsResponse!/,
  );
  const json = await fetch(emulator.schemaUrl);
  const body = await json.json();
  assert.equal(body.data.__schema.queryType.name, "Query");
  assert.ok(
    body.data.__schema.types.some((t: { name: string }) => t.name === "Board"),
  );
  assert.equal(emulator.stats().requests.schema, 2);
});

Deno.test("graphql: add_file_to_column through POST /v2/file stores an asset on the item", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const form = new FormData();
  form.append(
    "query",
    'mutation ($file: File!) { add_file_to_column(file: $file, item_id: 1000000001, column_id: "files") { id name file_extension file_size uploaded_by { id } } }',
  );
  form.append(
    "variables[file]",
    new File([new Uint8Array(1234)], "report.PDF", { type: "application/pdf" }),
  );
  const response = await fetch(emulator.fileUrl, {
    method: "POST",
    headers: { Authorization: emulator.credentials.apiToken },
    body: form,
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  const asset = body.data.add_file_to_column;
  assert.equal(asset.name, "report.PDF");
  assert.equal(asset.file_extension, "pdf");
  assert.equal(asset.file_size, 1234);
  assert.equal(asset.uploaded_by.id, emulator.credentials.apiTokens[0]!.userId);
  const item = await gql(
    emulator,
    `{ items(ids: [1000000001]) { assets { id } column_values(ids: ["files"]) { text value ... on FileValue { files { ... on FileAssetValue { asset_id name } } } } } }`,
  );
  const cv = item.body.data.items[0].column_values[0];
  assert.deepEqual(cv.files, [{ asset_id: asset.id, name: "report.PDF" }]);
  assert.match(cv.text, /report\.PDF/);
  assert.deepEqual(item.body.data.items[0].assets, [{ id: asset.id }]);
  const stats = emulator.stats();
  assert.equal(stats.requests.file, 1);
  assert.deepEqual(stats.executed.byField, { add_file_to_column: 1 });
  const notMultipart = await gql(emulator, "{ me { id } }", {
    url: emulator.fileUrl,
  });
  assert.equal(notMultipart.status, 400);
});

Deno.test("graphql: audit_logs pages the audit log for the admin; others are refused", async () => {
  await using emulator = await startEmulator({ auditEntries: 120 });
  const answer = await gql(
    emulator,
    `{ audit_logs(limit: 50, page: 2) { logs { timestamp event user { id } ip_address activity_metadata }
        pagination { page page_size has_more_pages next_page_number } } audit_event_catalogue { name description } }`,
  );
  assert.equal(answer.status, 200, answer.text);
  const page = answer.body.data.audit_logs;
  assert.equal(page.logs.length, 50);
  assert.deepEqual(page.pagination, {
    page: 2,
    page_size: 50,
    has_more_pages: true,
    next_page_number: 3,
  });
  const times = page.logs.map((l: { timestamp: string }) =>
    Date.parse(l.timestamp)
  );
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  assert.ok(
    answer.body.data.audit_event_catalogue.some((e: { name: string }) =>
      e.name === "login"
    ),
  );
  const logins = await gql(
    emulator,
    `{ audit_logs(limit: 1000, events: ["login"]) { logs { event } pagination { has_more_pages } } }`,
  );
  const events = new Set(
    logins.body.data.audit_logs.logs.map((l: { event: string }) => l.event),
  );
  assert.deepEqual([...events], ["login"]);
  const member = emulator.credentials.apiTokens[1]!.token;
  const refused = await gql(emulator, "{ audit_logs { logs { event } } }", {
    token: member,
  });
  assert.equal(refused.body.data.audit_logs, null);
  assert.equal(refused.body.errors[0].extensions.code, "USER_UNAUTHORIZED");
});

Deno.test("graphql: Idempotency-Key replays a mutation's response without executing it again", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const boardId = await firstBoardId(emulator);
  const send = (key: string) =>
    gql(
      emulator,
      'mutation ($b: ID!) { create_item(board_id: $b, item_name: "once") { id } }',
      { variables: { b: boardId }, headers: { "Idempotency-Key": key } },
    );
  const first = await send("key-1");
  const second = await send("key-1");
  assert.equal(first.headers.get("idempotency-replayed"), null);
  assert.equal(second.headers.get("idempotency-replayed"), "true");
  assert.equal(second.text, first.text);
  assert.equal(emulator.stats().executed.mutations, 1);
  const other = await send("key-2");
  assert.notEqual(
    other.body.data.create_item.id,
    first.body.data.create_item.id,
  );
  emulator.advance(30 * 60_000);
  const later = await send("key-1");
  assert.equal(later.headers.get("idempotency-replayed"), null);
  assert.equal(emulator.stats().executed.mutations, 3);
  const query = await gql(emulator, "{ me { id } }", {
    headers: { "Idempotency-Key": "key-q" },
  });
  const queryAgain = await gql(emulator, "{ me { id } }", {
    headers: { "Idempotency-Key": "key-q" },
  });
  assert.equal(query.headers.get("idempotency-replayed"), null);
  assert.equal(queryAgain.headers.get("idempotency-replayed"), null);
});

Deno.test("graphql: a concurrent duplicate Idempotency-Key gets 409 IDEMPOTENCY_CONFLICT with Retry-After", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const boardId = await firstBoardId(emulator);
  emulator.resetStats();
  emulator.inject("graphql", { delayMs: 400 });
  const send = () =>
    gql(
      emulator,
      'mutation ($b: ID!) { create_item(board_id: $b, item_name: "slow") { id } }',
      { variables: { b: boardId }, headers: { "Idempotency-Key": "same" } },
    );
  const first = send();
  while (emulator.stats().requests.graphql < 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const duplicate = await send();
  assert.equal(duplicate.status, 409);
  assert.equal(
    duplicate.body.errors[0].extensions.code,
    "IDEMPOTENCY_CONFLICT",
  );
  assert.equal(duplicate.headers.get("retry-after"), "1");
  const done = await first;
  assert.equal(done.status, 200);
  assert.equal(emulator.stats().executed.mutations, 1);
});

Deno.test("graphql: deprecated fields and versions come back as extensions.warnings with locations and path", async () => {
  await using emulator = await startEmulator({ items: 3 });
  const answer = await gql(
    emulator,
    "{\n  boards(limit: 1) {\n    mine: owner { id }\n    columns { settings_str }\n  }\n}",
    { headers: { "API-Version": "2026-04" } },
  );
  assert.equal(answer.status, 200);
  assert.ok(answer.body.data.boards[0].mine.id);
  const warnings = answer.body.extensions.warnings;
  assert.deepEqual(
    warnings.map((w: { extensions: { code: string } }) => w.extensions.code),
    ["DEPRECATED_API_VERSION", "DEPRECATED_FIELD", "DEPRECATED_FIELD"],
  );
  assert.deepEqual(warnings[1].path, ["boards", "mine"]);
  assert.deepEqual(warnings[1].locations, [{ line: 3, column: 5 }]);
  assert.match(warnings[1].message, /Board\.owner/);
  assert.deepEqual(warnings[2].path, ["boards", "columns", "settings_str"]);
  const clean = await gql(emulator, "{ me { id } }");
  assert.equal(clean.body.extensions.warnings, undefined);
});

Deno.test("graphql: legacy OAuth tokens are refused from API version 2027-04 with OAUTH21_TOKEN_REQUIRED", async () => {
  await using emulator = await startEmulator();
  const legacy = await oauthToken(emulator, "me:read", "legacy");
  const modern = await oauthToken(emulator, "me:read", "2.1");
  const headers = { "API-Version": "2027-04" };
  const refused = await gql(emulator, "{ me { id } }", {
    token: `Bearer ${legacy}`,
    headers,
  });
  assert.equal(refused.status, 401);
  assert.equal(
    refused.body.errors[0].extensions.code,
    "OAUTH21_TOKEN_REQUIRED",
  );
  const ok = await gql(emulator, "{ me { id } }", {
    token: `Bearer ${modern}`,
    headers,
  });
  assert.equal(ok.status, 200);
  const older = await gql(emulator, "{ me { id } }", {
    token: `Bearer ${legacy}`,
    headers: { "API-Version": "2027-01" },
  });
  assert.equal(older.status, 200);
});

Deno.test("graphql: a pagination's result set is fixed at its start: later items are left out, deleted ones skipped", async () => {
  await using emulator = await startEmulator({ items: 30 });
  const boardId = await firstBoardId(emulator);
  const first = await gql(
    emulator,
    "{ boards(limit: 1) { items_page(limit: 10) { cursor items { id } } } }",
  );
  const page = first.body.data.boards[0].items_page;
  await createItem(emulator, boardId, null, "late");
  await gql(emulator, "mutation { delete_item(item_id: 1000000015) { id } }");
  const rest = await gql(
    emulator,
    "query ($c: String!) { next_items_page(cursor: $c, limit: 100) { cursor items { id name } } }",
    { variables: { c: page.cursor } },
  );
  const items = rest.body.data.next_items_page.items;
  assert.equal(rest.body.data.next_items_page.cursor, null);
  assert.equal(items.length, 19);
  assert.ok(!items.some((i: { id: string }) => i.id === "1000000015"));
  assert.ok(!items.some((i: { name: string }) => i.name === "late"));
  const fresh = await gql(
    emulator,
    "{ boards(limit: 1) { items_page(limit: 100) { items { name } } } }",
  );
  assert.equal(fresh.body.data.boards[0].items_page.items.length, 30);
});

Deno.test("graphql: group items_page stays within its group, across pages", async () => {
  await using emulator = await startEmulator({ items: 90 });
  const first = await gql(
    emulator,
    '{ boards(limit: 1) { groups(ids: ["group_next"]) { id items_page(limit: 20) { cursor items { id group { id } } } } } }',
  );
  const group = first.body.data.boards[0].groups[0];
  assert.equal(group.id, "group_next");
  const ids = group.items_page.items.map((i: { id: string }) => i.id);
  const rest = await gql(
    emulator,
    "query ($c: String!) { next_items_page(cursor: $c, limit: 100) { cursor items { id group { id } } } }",
    { variables: { c: group.items_page.cursor } },
  );
  const all = [
    ...group.items_page.items,
    ...rest.body.data.next_items_page.items,
  ];
  assert.equal(all.length, 30);
  assert.ok(
    all.every((i: { group: { id: string } }) => i.group.id === "group_next"),
  );
  assert.equal(
    new Set([...ids, ...all.map((i: { id: string }) => i.id)]).size,
    30,
  );
});

Deno.test("graphql: boards and users page with limit and page, and filter", async () => {
  await using emulator = await startEmulator({ boards: 4, users: 14 });
  const all = await gql(emulator, "{ boards(limit: 10) { id } }");
  const second = await gql(emulator, "{ boards(limit: 3, page: 2) { id } }");
  assert.deepEqual(
    second.body.data.boards,
    all.body.data.boards.slice(3, 6),
  );
  assert.equal(all.body.data.boards.length, 4);
  const users = await gql(emulator, "{ users { id name email kind } }");
  const list = users.body.data.users;
  assert.equal(list.length, 14);
  const target = list[5];
  const byEmail = await gql(
    emulator,
    "query ($e: [String!]) { users(emails: $e) { id } }",
    { variables: { e: [target.email] } },
  );
  assert.deepEqual(byEmail.body.data.users, [{ id: target.id }]);
  const guests = await gql(emulator, "{ users(kind: guests) { kind } }");
  assert.ok(guests.body.data.users.length >= 1);
  assert.ok(
    guests.body.data.users.every((u: { kind: string }) => u.kind === "guest"),
  );
  const tooMany = await gql(emulator, "{ users(limit: 1001) { id } }");
  assert.equal(
    tooMany.body.errors[0].extensions.code,
    "InvalidArgumentException",
  );
});
