/**
 * `mondaykit items export`: every item of a board, as JSON Lines or CSV.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { CommandError, EXIT } from "../errors.ts";
import { graphqlClient, resolveConnection } from "../resolve_connection.ts";
import { AtomicFile } from "../../_fs/mod.ts";
import { fileMode } from "../file_mode.ts";
import { csvRow } from "../csv.ts";
import { progressLine } from "../output.ts";
import type { Item } from "../../graphql/mod.ts";

const ITEM_FIELDS =
  "name state created_at updated_at group { id title } column_values { id type text value }";

interface ExportedItem extends Item {
  id: string;
  name?: string;
  state?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  group?: { id: string; title: string } | null;
  column_values?: {
    id: string;
    type: string;
    text: string | null;
    value: unknown;
  }[];
}

interface BoardInfo {
  boards: {
    id: string;
    name: string;
    items_count: number | null;
    columns: { id: string; title: string }[];
  }[];
}

/** The board's name, item count and columns, asked before its items are paged. */
export const BOARD_INFO_DOCUMENT: string =
  "query ($ids: [ID!]) { boards(ids: $ids) { id name items_count columns { id title } } }";

/**
 * Runs `mondaykit items export`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runItemsExport(context: CommandContext): Promise<number> {
  const { flags, out, signal } = context;
  const board = flags.required("board", "<id>");
  const format = flags.choice("format", ["jsonl", "csv"] as const) ?? "jsonl";
  const pageSize = flags.integer("page-size", { min: 1, max: 500 }) ?? 100;
  const path = flags.string("out");
  const mode = fileMode(context);
  const csv = { formulaEscape: !(flags.boolean("csv-raw") ?? false) };
  const connection = resolveConnection(context, "graphql");
  const client = graphqlClient(context, connection);

  const info = await client.request<BoardInfo>(
    BOARD_INFO_DOCUMENT,
    { ids: [board] },
    { signal },
  );
  const found = info.boards[0];
  if (found === undefined) {
    throw new CommandError(
      `Board '${board}' not found (or not visible to this token)`,
      {
        code: "not_found",
      },
    );
  }
  const columns = found.columns.filter((column) => column.id !== "name");
  const total = typeof found.items_count === "number"
    ? found.items_count
    : undefined;

  const file = path === undefined
    ? undefined
    : await AtomicFile.create(path, { mode });
  const write = file
    ? (text: string) => file.write(text)
    : (text: string) => out.data(text);
  let count = 0;
  const started = Date.now();
  let lastProgress = 0;
  try {
    let chunk: string[] = [];
    if (format === "csv") {
      chunk.push(
        csvRow([
          "id",
          "name",
          "group",
          "state",
          "created_at",
          "updated_at",
          ...columns.map((c) => c.title),
        ], csv),
      );
    }
    for await (
      const item of client.paginateItems<ExportedItem>(board, {
        pageSize,
        fields: ITEM_FIELDS,
        signal,
      })
    ) {
      if (format === "csv") {
        const byId = new Map(
          (item.column_values ?? []).map((value) => [value.id, value.text]),
        );
        chunk.push(csvRow([
          item.id,
          item.name,
          item.group?.title,
          item.state,
          item.created_at,
          item.updated_at,
          ...columns.map((column) => byId.get(column.id)),
        ], csv));
      } else {
        chunk.push(JSON.stringify(item) + "\n");
      }
      count++;
      if (chunk.length >= pageSize) {
        await write(chunk.join(""));
        chunk = [];
        const now = Date.now();
        if (now - lastProgress > 100) {
          lastProgress = now;
          await out.progress(
            progressLine(count, total, "items", now - started),
          );
        }
      }
    }
    if (chunk.length > 0) await write(chunk.join(""));
    await file?.commit();
  } catch (error) {
    await file?.abort();
    throw error;
  }
  await out.clearProgress();
  const summary = {
    board: found.id,
    boardName: found.name,
    items: count,
    format,
    ...(path === undefined ? {} : { out: path }),
  };
  if (path !== undefined) {
    await out.summary(
      summary,
      `Exported ${count} items of board '${found.name}' (${found.id}) as ${format.toUpperCase()} to ${path}`,
    );
  } else {
    await out.info(
      `Exported ${count} items of board '${found.name}' (${found.id}) as ${format.toUpperCase()}${
        path === undefined ? "" : ` to ${path}`
      }`,
    );
  }
  return EXIT.ok;
}
