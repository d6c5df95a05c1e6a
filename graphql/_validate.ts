/**
 * Validates documents against a schema before they are sent, loading the
 * `graphql` package only when the client's `validate` option is used.
 *
 * @module
 */

import type { GraphQLSchema } from "graphql";
import { GraphQLValidationError } from "./errors.ts";
import type {
  DocumentNodeLike,
  GraphQLErrorEntry,
  SchemaLike,
} from "./types.ts";

/** Validates documents against one schema, caching the documents that pass. */
export class DocumentValidator {
  #source: SchemaLike | string;
  #schema: Promise<GraphQLSchema> | undefined;
  #passed = new Set<string>();

  /**
   * @param schema A `GraphQLSchema` or SDL text.
   * @throws {TypeError} When `schema` is neither.
   */
  constructor(schema: SchemaLike | string) {
    if (
      typeof schema !== "string" &&
      (typeof schema !== "object" || schema === null)
    ) {
      throw new TypeError(
        "Invalid 'validate' option: expected a GraphQLSchema or SDL text",
      );
    }
    this.#source = schema;
  }

  async #load(): Promise<GraphQLSchema> {
    const source = this.#source;
    if (typeof source !== "string") return source as GraphQLSchema;
    const { buildSchema } = await import("graphql");
    return buildSchema(source);
  }

  /**
   * Validates one document.
   *
   * @param text The document's text.
   * @param node The parsed document, when the caller passed one.
   * @throws {GraphQLValidationError} With the locations of the first problem.
   */
  async validate(text: string, node?: DocumentNodeLike): Promise<void> {
    if (this.#passed.has(text)) return;
    this.#schema ??= this.#load();
    let schema: GraphQLSchema;
    try {
      schema = await this.#schema;
    } catch (error) {
      this.#schema = undefined;
      throw new TypeError(
        `Invalid 'validate' option: the schema does not build: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    const graphql = await import("graphql");
    let document;
    if (node) {
      // deno-lint-ignore no-explicit-any
      document = node as any;
    } else {
      try {
        document = graphql.parse(text);
      } catch (error) {
        const e = error as {
          message: string;
          locations?: { line: number; column: number }[];
        };
        throw invalid([{
          message: e.message,
          ...(e.locations ? { locations: [...e.locations] } : {}),
        }]);
      }
    }
    const errors = graphql.validate(schema, document);
    if (errors.length > 0) {
      throw invalid(errors.map((e) => ({
        message: e.message,
        ...(e.locations ? { locations: [...e.locations] } : {}),
      })));
    }
    if (this.#passed.size > 1000) this.#passed.clear();
    this.#passed.add(text);
  }
}

function invalid(entries: GraphQLErrorEntry[]): GraphQLValidationError {
  const first = entries[0]!;
  const where = first.locations?.[0];
  const more = entries.length > 1
    ? ` (and ${entries.length - 1} more error${entries.length > 2 ? "s" : ""})`
    : "";
  return new GraphQLValidationError(
    `Invalid document: ${first.message}${
      where ? ` at line ${where.line}, column ${where.column}` : ""
    }${more}`,
    {
      code: "GRAPHQL_VALIDATION_FAILED",
      locations: first.locations,
      errors: entries,
    },
  );
}
