// Child process for benchmark 2: walks a board's items one way and reports
// the time, the count and (through reportAndExit) its own peak RSS.
// Usage: _items_child.ts <mondaykit|bare> <apiUrl> <token> <boardId>

import { MondayClient } from "../graphql/mod.ts";
import { barePost, reportAndExit } from "./_lib.ts";

const [mode, apiUrl, token, boardId] = Deno.args as [
  string,
  string,
  string,
  string,
];
const FIELDS = "name column_values { id text value }";
let count = 0;
const start = performance.now();
if (mode === "mondaykit") {
  const client = new MondayClient({ token, apiUrl });
  for await (
    const item of client.paginateItems(boardId, {
      pageSize: 500,
      fields: FIELDS,
    })
  ) {
    if (item.id) count++;
  }
} else {
  type Page = { cursor: string | null; items: { id?: string }[] };
  const post = (query: string, variables: Record<string, unknown>) =>
    barePost(apiUrl, token, query, variables) as Promise<{
      boards: { items_page: Page }[];
      next_items_page: Page;
    }>;
  let data = await post(
    `query ($board: [ID!]) { boards(ids: $board) { items_page(limit: 500) { cursor items { id ${FIELDS} } } } }`,
    { board: [boardId] },
  );
  let page = data.boards[0]!.items_page;
  while (true) {
    for (const item of page.items) if (item.id) count++;
    if (!page.cursor) break;
    data = await post(
      `query ($cursor: String!) { next_items_page(cursor: $cursor, limit: 500) { cursor items { id ${FIELDS} } } }`,
      { cursor: page.cursor },
    );
    page = data.next_items_page;
  }
}
reportAndExit({ ms: performance.now() - start, count });
