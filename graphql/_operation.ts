/**
 * Cheap facts about a GraphQL document without the `graphql` package: which
 * kind of operation it runs (to decide whether a retry is safe) and its text.
 *
 * @module
 */

import type { Document, DocumentNodeLike } from "./types.ts";

/** The three GraphQL operation kinds. */
export type OperationKind = "query" | "mutation" | "subscription";

/** An operation found in a document. */
export interface OperationSummary {
  /** `query`, `mutation` or `subscription`. */
  kind: OperationKind;
  /** Its name, when it has one. */
  name: string | undefined;
}

const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;

/**
 * Lists the operations of GraphQL source text, skipping comments, strings,
 * whitespace, commas and fragment definitions. Never throws: text it cannot
 * make sense of yields fewer operations.
 *
 * @param source GraphQL source text.
 * @returns The operations in document order.
 */
export function listOperations(source: string): OperationSummary[] {
  const operations: OperationSummary[] = [];
  let i = 0;
  const n = source.length;
  const skipIgnored = () => {
    while (i < n) {
      const c = source[i]!;
      if (
        c === " " || c === "\t" || c === "\n" || c === "\r" || c === "," ||
        c === "\uFEFF"
      ) {
        i++;
      } else if (c === "#") {
        while (i < n && source[i] !== "\n" && source[i] !== "\r") i++;
      } else break;
    }
  };
  const skipString = () => {
    if (source.startsWith('"""', i)) {
      i += 3;
      while (i < n && !source.startsWith('"""', i)) {
        i += source.startsWith('\\"""', i) ? 4 : 1;
      }
      i += 3;
      return;
    }
    i++;
    while (i < n && source[i] !== '"' && source[i] !== "\n") {
      i += source[i] === "\\" ? 2 : 1;
    }
    i++;
  };
  // Skips one definition's body: everything up to the end of its first
  // top-level selection set, balancing (), [] and {} and skipping strings.
  const skipDefinition = () => {
    let depth = 0;
    while (i < n) {
      const c = source[i]!;
      if (c === "#") {
        skipIgnored();
        continue;
      }
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        depth--;
        if (depth <= 0 && c === "}") {
          i++;
          return;
        }
      }
      i++;
    }
  };
  while (true) {
    skipIgnored();
    if (i >= n) break;
    if (source[i] === '"') {
      // A description before a definition.
      skipString();
      continue;
    }
    if (source[i] === "{") {
      operations.push({ kind: "query", name: undefined });
      skipDefinition();
      continue;
    }
    NAME.lastIndex = i;
    const keyword = NAME.exec(source)?.[0];
    if (!keyword) {
      // Not a definition we know: stop rather than guess.
      break;
    }
    i += keyword.length;
    if (
      keyword === "query" || keyword === "mutation" ||
      keyword === "subscription"
    ) {
      skipIgnored();
      NAME.lastIndex = i;
      const name = NAME.exec(source)?.[0];
      operations.push({ kind: keyword, name });
    }
    skipDefinition();
  }
  return operations;
}

/**
 * The kind of the operation a request runs. With several operations,
 * `operationName` picks one. Returns `undefined` when it cannot tell.
 *
 * @param source GraphQL source text.
 * @param operationName The operation to run, for multi-operation documents.
 * @returns The operation's kind.
 */
export function operationKindOfSource(
  source: string,
  operationName?: string,
): OperationKind | undefined {
  const operations = listOperations(source);
  return pick(operations, operationName)?.kind;
}

function pick(
  operations: OperationSummary[],
  operationName: string | undefined,
): OperationSummary | undefined {
  if (operationName !== undefined) {
    return operations.find((op) => op.name === operationName);
  }
  return operations.length === 1 ? operations[0] : undefined;
}

function isNode(value: unknown): value is DocumentNodeLike {
  return typeof value === "object" && value !== null &&
    Array.isArray((value as { definitions?: unknown }).definitions);
}

/** Lists the operations of a parsed document node. */
export function listNodeOperations(
  node: DocumentNodeLike,
): OperationSummary[] {
  const operations: OperationSummary[] = [];
  for (const def of node.definitions) {
    const d = def as {
      kind?: string;
      operation?: string;
      name?: { value?: string };
    };
    if (
      d?.kind === "OperationDefinition" &&
      (d.operation === "query" || d.operation === "mutation" ||
        d.operation === "subscription")
    ) {
      operations.push({ kind: d.operation, name: d.name?.value });
    }
  }
  return operations;
}

/** A document resolved to the text to send and its operation. */
export interface ResolvedDocument {
  /** The GraphQL source to send. */
  text: string;
  /** The parsed node, when the caller passed one. */
  node: DocumentNodeLike | undefined;
  /** The operation that runs. */
  operation: OperationSummary | undefined;
}

const printed = new WeakMap<object, string>();
/** The operations of recently sent document texts. */
const listed = new Map<string, OperationSummary[]>();

/**
 * Resolves a document to its source text: a string as is, a node's
 * `loc.source.body`, else the node printed by `graphql` (loaded only then).
 *
 * @param document The document.
 * @param operationName The operation to run, for multi-operation documents.
 * @returns Its text, node and operation.
 * @throws {TypeError} When `document` is not a document.
 */
export async function resolveDocument(
  document: Document<unknown, unknown>,
  operationName?: string,
): Promise<ResolvedDocument> {
  if (typeof document === "string" || document instanceof String) {
    const text = String(document);
    if (text.trim() === "") {
      throw new TypeError("Cannot send the document: it is empty");
    }
    let operations = listed.get(text);
    if (operations === undefined) {
      operations = listOperations(text);
      // Bounded: the same few documents come again and again (pages).
      if (listed.size >= 256) listed.clear();
      listed.set(text, operations);
    }
    return {
      text,
      node: undefined,
      operation: pick(operations, operationName),
    };
  }
  if (!isNode(document)) {
    throw new TypeError(
      `Cannot send the document: expected a string or a DocumentNode, got ${
        document === null ? "null" : typeof document
      }`,
    );
  }
  const operation = pick(listNodeOperations(document), operationName);
  let text = printed.get(document);
  if (text === undefined) {
    const body = document.loc?.source?.body;
    if (typeof body === "string" && body.trim() !== "") {
      text = body;
    } else {
      const { print } = await import("graphql");
      // deno-lint-ignore no-explicit-any
      text = print(document as any);
    }
    printed.set(document, text);
  }
  return { text, node: document, operation };
}
