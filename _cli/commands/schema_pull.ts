/**
 * `mondaykit schema pull`: the GraphQL schema of an API version.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { EXIT } from "../errors.ts";
import { graphqlClient, resolveConnection } from "../resolve_connection.ts";
import { writeFileAtomic } from "../../_fs/mod.ts";
import type { FetchSchemaOptions } from "../../graphql/mod.ts";

/**
 * Runs `mondaykit schema pull`.
 *
 * @param context The invocation.
 * @returns The exit code.
 */
export async function runSchemaPull(context: CommandContext): Promise<number> {
  const { flags, out, signal } = context;
  const format = flags.choice("format", ["sdl", "json"] as const) ?? "sdl";
  const version = flags.string("version");
  const path = flags.string("out");
  const connection = resolveConnection(context, "graphql");
  const client = graphqlClient(context, connection);
  const options: FetchSchemaOptions = { format, signal };
  if (version !== undefined) options.version = version;
  const schema = await client.fetchSchema(options);
  let text = typeof schema === "string"
    ? schema
    : JSON.stringify(schema, null, 2);
  if (!text.endsWith("\n")) text += "\n";
  const shownVersion = version ?? client.apiVersion;
  if (path === undefined) {
    if (out.options.json) {
      // Machine-readable even for SDL: one JSON line that holds the schema.
      await out.json({ version: shownVersion, format, schema });
    } else {
      await out.data(text);
    }
    return EXIT.ok;
  }
  await writeFileAtomic(path, text, { mode: 0o644 }); // a schema is public
  const types = typeof schema === "string"
    ? (schema.match(/^(type|interface|enum|input|union|scalar) /gm) ?? [])
      .length
    : undefined;
  await out.summary(
    {
      version: shownVersion,
      format,
      out: path,
      bytes: new TextEncoder().encode(text).length,
      ...(types === undefined ? {} : { types }),
    },
    `Saved the ${shownVersion} schema (${format.toUpperCase()}${
      types === undefined ? "" : `, ${types} types`
    }) to ${path}`,
  );
  return EXIT.ok;
}
