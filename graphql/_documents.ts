/**
 * The GraphQL documents the client builds itself (pagination, page
 * iterators, uploads). A fidelity test validates each one against monday's
 * published schema.
 *
 * @module
 */

/** The resources `paginatePages` walks by page number. */
export type PagedResource = "users" | "boards" | "updates" | "audit_logs";

/** Per resource: the filter arguments it accepts and their GraphQL types. */
export const PAGE_ARGUMENTS: Readonly<
  Record<PagedResource, Readonly<Record<string, string>>>
> = {
  users: {
    ids: "[ID!]",
    name: "String",
    emails: "[String!]",
    user_kind: "UserKindFilterInput",
    sort: "[UsersSortInput!]",
    visibility: "String",
    status: "[UserStatus!]",
    kind: "UserKind",
    non_active: "Boolean",
    newest_first: "Boolean",
  },
  boards: {
    ids: "[ID!]",
    board_kind: "BoardKind",
    hierarchy_types: "[BoardHierarchy!]",
    latest: "Boolean",
    order_by: "BoardsOrderBy",
    state: "State",
    workspace_ids: "[ID]",
  },
  updates: {
    ids: "[ID!]",
    from_date: "String",
    to_date: "String",
  },
  audit_logs: {
    user_id: "ID",
    events: "[String!]",
    ip_address: "String",
    start_time: "ISO8601DateTime",
    end_time: "ISO8601DateTime",
  },
};

/** Default fields per resource. */
export const DEFAULT_PAGE_FIELDS: Readonly<Record<PagedResource, string>> = {
  users: "id name email",
  boards: "id name",
  updates: "id body created_at",
  audit_logs: "timestamp event slug ip_address user { id }",
};

/** Default and maximum page sizes per resource. */
export const PAGE_SIZES: Readonly<
  Record<PagedResource, { default: number; max: number }>
> = {
  users: { default: 200, max: 1000 },
  boards: { default: 100, max: 500 },
  updates: { default: 100, max: 100 },
  audit_logs: { default: 100, max: 1000 },
};

/**
 * Checks that a selection set written by a caller is non-empty and balanced,
 * so it cannot end the surrounding document early.
 *
 * @param fields The selection (e.g. `"id name column_values { id text }"`).
 * @param what The option's name, for the error message.
 * @returns The trimmed selection.
 * @throws {TypeError} When it is empty or its braces or parentheses do not balance.
 */
export function checkSelection(fields: string, what: string): string {
  if (typeof fields !== "string" || fields.trim() === "") {
    throw new TypeError(
      `Invalid '${what}': expected a non-empty selection such as 'id name', got '${
        String(fields)
      }'`,
    );
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < fields.length; i++) {
    const c = fields[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "#") {
      throw new TypeError(`Invalid '${what}': comments are not allowed`);
    } else if (c === "{" || c === "(") depth++;
    else if (c === "}" || c === ")") {
      depth--;
      if (depth < 0) break;
    }
  }
  if (depth !== 0 || inString) {
    throw new TypeError(
      `Invalid '${what}': unbalanced braces or parentheses in '${fields}'`,
    );
  }
  return fields.trim();
}

/**
 * The first page of a board's items: `boards(ids) { items_page }`.
 *
 * @param fields The item fields to select (`id` is always added).
 * @returns The query; variables `boardIds`, `limit`, `queryParams`.
 */
export function itemsPageDocument(fields: string): string {
  return `query mondaykitItemsPage($boardIds: [ID!], $limit: Int!, $queryParams: ItemsQuery) {
  boards(ids: $boardIds) {
    items_page(limit: $limit, query_params: $queryParams) {
      cursor
      items { id ${fields} }
    }
  }
}`;
}

/**
 * The following pages: `next_items_page(cursor, limit)`.
 *
 * @param fields The item fields to select (`id` is always added).
 * @returns The query; variables `cursor`, `limit`.
 */
export function nextItemsPageDocument(fields: string): string {
  return `query mondaykitNextItemsPage($cursor: String!, $limit: Int!) {
  next_items_page(cursor: $cursor, limit: $limit) {
    cursor
    items { id ${fields} }
  }
}`;
}

/**
 * One page of a page-numbered resource.
 *
 * @param resource `users`, `boards`, `updates` or `audit_logs`.
 * @param fields The fields to select per record.
 * @param argumentNames The filter arguments in use (keys of {@linkcode PAGE_ARGUMENTS}).
 * @returns The query; variables `limit`, `page` and the filters.
 */
export function pageDocument(
  resource: PagedResource,
  fields: string,
  argumentNames: readonly string[],
): string {
  const types = PAGE_ARGUMENTS[resource];
  const declarations = ["$limit: Int", "$page: Int"];
  const args = ["limit: $limit", "page: $page"];
  for (const name of argumentNames) {
    declarations.push(`$${name}: ${types[name]}`);
    args.push(`${name}: $${name}`);
  }
  const selection = resource === "audit_logs"
    ? `logs { ${fields} } pagination { page has_more_pages next_page_number }`
    : fields;
  const opName = `mondaykit${
    resource.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())
  }Page`;
  return `query ${opName}(${declarations.join(", ")}) {
  ${resource}(${args.join(", ")}) { ${selection} }
}`;
}

/** The asset fields an upload returns. */
export const ASSET_FIELDS = "id name url file_extension file_size";

/**
 * The upload mutation for `/v2/file`, the file travelling in the multipart
 * part `variables[file]`. Ids are written as literals (JSON string syntax is
 * valid GraphQL string syntax).
 *
 * @param target The item and column, or the update, to attach the file to.
 * @returns The mutation.
 */
export function uploadDocument(
  target: { itemId: string; columnId: string } | { updateId: string },
): string {
  if ("updateId" in target) {
    return `mutation mondaykitAddFileToUpdate($file: File!) {
  add_file_to_update(file: $file, update_id: ${
      JSON.stringify(target.updateId)
    }) { ${ASSET_FIELDS} }
}`;
  }
  return `mutation mondaykitAddFileToColumn($file: File!) {
  add_file_to_column(file: $file, item_id: ${
    JSON.stringify(target.itemId)
  }, column_id: ${JSON.stringify(target.columnId)}) { ${ASSET_FIELDS} }
}`;
}
