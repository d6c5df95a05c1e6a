// Child process for the sync-throughput benchmark: what the open connectors
// do. It walks one board sequentially, one request at a time (items_page,
// then next_items_page while there is a cursor), and writes each page's
// items and column values to SQLite plainly (node:sqlite, one transaction a
// page). It reads the sync's item fields less the display values of mirror,
// board-relation and dependency columns, so its pages are, if anything,
// smaller and faster than the sync's.
// Usage: _sync_walk_child.ts <apiUrl> <token> <boardId> <database path>
//        <page size> [most items to read, default all]

import { DatabaseSync } from "node:sqlite";
import { barePost, reportAndExit } from "./_lib.ts";

const [apiUrl, token, boardId, path, size, most] = Deno.args as [
  string,
  string,
  string,
  string,
  string,
  string | undefined,
];
const pageSize = Number(size);
const limit = most === undefined ? Infinity : Number(most);
const FIELDS =
  "id name state created_at updated_at creator_id group { id } board { id } parent_item { id } column_values { id type text value }";

interface Item {
  id: string;
  name: string;
  state: string;
  created_at: string;
  updated_at: string;
  creator_id: string;
  group: { id: string } | null;
  board: { id: string } | null;
  parent_item: { id: string } | null;
  column_values: {
    id: string;
    type: string;
    text: string | null;
    value: string | null;
  }[];
}
interface Page {
  cursor: string | null;
  items: Item[];
}

function post(
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return barePost(apiUrl, token, query, variables);
}

const db = new DatabaseSync(path);
db.exec(`CREATE TABLE items (id TEXT PRIMARY KEY, board_id TEXT, group_id TEXT,
  name TEXT, state TEXT, created_at TEXT, updated_at TEXT, creator_id TEXT, parent_id TEXT);
CREATE TABLE column_values (item_id TEXT, column_id TEXT, type TEXT, text TEXT,
  value TEXT, PRIMARY KEY (item_id, column_id));`);
const insertItem = db.prepare(
  "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
);
const insertValue = db.prepare(
  "INSERT OR REPLACE INTO column_values VALUES (?, ?, ?, ?, ?)",
);
function write(items: Item[]): void {
  db.exec("BEGIN");
  for (const item of items) {
    insertItem.run(
      item.id,
      item.board?.id ?? null,
      item.group?.id ?? null,
      item.name,
      item.state,
      item.created_at,
      item.updated_at,
      item.creator_id,
      item.parent_item?.id ?? null,
    );
    for (const v of item.column_values) {
      insertValue.run(item.id, v.id, v.type, v.text, v.value);
    }
  }
  db.exec("COMMIT");
}

const start = performance.now();
let items = 0;
let pages = 0;
const first = await post(
  `query ($board: [ID!], $limit: Int!) { boards(ids: $board) { items_page(limit: $limit) { cursor items { ${FIELDS} } } } }`,
  { board: [boardId], limit: pageSize },
);
let page = (first.boards as { items_page: Page }[])[0]!.items_page;
while (true) {
  write(page.items);
  items += page.items.length;
  pages++;
  if (!page.cursor || items >= limit) break;
  const next = await post(
    `query ($cursor: String!, $limit: Int!) { next_items_page(cursor: $cursor, limit: $limit) { cursor items { ${FIELDS} } } }`,
    { cursor: page.cursor, limit: pageSize },
  );
  page = next.next_items_page as Page;
}
const ms = performance.now() - start;
db.close();
reportAndExit({ ms, items, pages });
