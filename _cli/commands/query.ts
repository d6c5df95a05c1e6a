/**
 * `mondaykit query`: one GraphQL document, its data on stdout.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { EXIT, UsageError } from "../errors.ts";
import { graphqlClient, resolveConnection } from "../resolve_connection.ts";
import { readAllText, readTextArgument } from "../read_input.ts";
import type { MondayClient } from "../../graphql/mod.ts";

type Variables = Record<string, unknown>;

async function readDocument(context: CommandContext): Promise<string> {
  const argument = context.positionals[0]!;
  let document = argument;
  if (argument === "-") document = await readAllText(context.io.stdin);
  else if (argument.startsWith("@")) {
    document = await readTextArgument(
      argument.slice(1),
      "query file",
      context.spec.name,
    );
  }
  if (document.trim() === "") {
    throw new UsageError("The GraphQL document is empty", context.spec.name);
  }
  return document;
}

async function readVariables(context: CommandContext): Promise<Variables> {
  const variables: Variables = {};
  const file = context.flags.string("vars-file");
  if (file !== undefined) {
    const text = await readTextArgument(
      file,
      "variables file",
      context.spec.name,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `Cannot parse variables file '${file}': ${
          error instanceof Error ? error.message : error
        }`,
        context.spec.name,
      );
    }
    if (
      parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
    ) {
      throw new UsageError(
        `Invalid variables file '${file}': expected a JSON object`,
        context.spec.name,
      );
    }
    Object.assign(variables, parsed);
  }
  for (const pair of context.flags.list("var")) {
    const equals = pair.indexOf("=");
    if (equals <= 0) {
      throw new UsageError(
        `Invalid value '${pair}' for flag '--var': expected name=value`,
        context.spec.name,
      );
    }
    const name = pair.slice(0, equals).replace(/^\$/, "");
    const text = pair.slice(equals + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON: keep the string
    }
    variables[name] = value;
  }
  return variables;
}

/** Finds the first `{cursor, items}` object in a response. */
function findCursorPage(
  value: unknown,
): { cursor: string | null; items: unknown[] } | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    for (const element of value) {
      const found = findCursorPage(element);
      if (found) return found;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if ("cursor" in record && Array.isArray(record.items)) {
    const cursor = record.cursor;
    return {
      cursor: typeof cursor === "string" ? cursor : null,
      items: record.items,
    };
  }
  for (const child of Object.values(record)) {
    const found = findCursorPage(child);
    if (found) return found;
  }
  return undefined;
}

/** Finds the first array in a response (the page's records). */
function findArray(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== "object") return undefined;
  for (const child of Object.values(value as Record<string, unknown>)) {
    const found = findArray(child);
    if (found) return found;
  }
  return undefined;
}

async function allPages(
  context: CommandContext,
  client: MondayClient,
  document: string,
  variables: Variables,
): Promise<number> {
  const byCursor = /\$cursor\s*:/.test(document);
  const byPage = /\$page\s*:/.test(document);
  if (!byCursor && !byPage) {
    throw new UsageError(
      "Flag '--all-pages' needs a '$cursor: String' variable (passed to items_page) or a '$page: Int' variable in the document",
      context.spec.name,
    );
  }
  let records = 0;
  let pages = 0;
  const started = Date.now();
  if (byCursor) {
    let cursor: string | null = typeof variables.cursor === "string"
      ? variables.cursor
      : null;
    do {
      const data = await client.request<Record<string, unknown>>(
        document,
        { ...variables, cursor },
        { signal: context.signal },
      );
      const page = findCursorPage(data);
      if (page === undefined) {
        throw new UsageError(
          "Flag '--all-pages': the response has no object with 'cursor' and 'items' (select both in items_page)",
          context.spec.name,
        );
      }
      await context.out.data(
        page.items.map((item) => JSON.stringify(item) + "\n").join(""),
      );
      records += page.items.length;
      pages++;
      cursor = page.cursor;
      await context.out.progress(
        `${records} records · ${pages} pages · ${
          Math.round((Date.now() - started) / 1000)
        }s`,
      );
    } while (cursor !== null);
  } else {
    let page = typeof variables.page === "number" ? variables.page : 1;
    for (;;) {
      const data = await client.request<Record<string, unknown>>(
        document,
        { ...variables, page },
        { signal: context.signal },
      );
      const list = findArray(data) ?? [];
      if (list.length === 0) break;
      await context.out.data(
        list.map((item) => JSON.stringify(item) + "\n").join(""),
      );
      records += list.length;
      pages++;
      page++;
      await context.out.progress(`${records} records · ${pages} pages`);
    }
  }
  await context.out.clearProgress();
  await context.out.info(`${records} records from ${pages} pages`);
  return EXIT.ok;
}

/**
 * Runs `mondaykit query`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runQuery(context: CommandContext): Promise<number> {
  const document = await readDocument(context);
  const variables = await readVariables(context);
  const connection = resolveConnection(context, "graphql");
  const client = graphqlClient(context, connection);
  if (context.flags.boolean("all-pages")) {
    return await allPages(context, client, document, variables);
  }
  const data = await client.request<unknown>(document, variables, {
    signal: context.signal,
  });
  await context.out.json(data);
  return EXIT.ok;
}
