/**
 * The emulator's complexity cost model (documented in docs/emulator.md).
 *
 * Every field costs 1 point. A field with a selection set adds the cost of
 * its selection multiplied by how many objects it can return:
 * `items_page`/`next_items_page`: `limit` (25); root `boards`: number of
 * `ids`, else `limit` (25); root `users`: number of `ids`, else `limit`
 * (200); root `items`: number of `ids`, else `limit` (25); `audit_logs`:
 * `limit` (25); `activity_logs`: `limit` (25); `updates`: number of `ids`,
 * else `limit` (25); root `workspaces`: number of `ids`, else `limit` (25);
 * `subitems`: 10;
 * `column_values` and `columns`: number of `ids`, else 10; `groups`: number
 * of `ids`, else 5; anything else: 1. Each mutation field adds 10 points,
 * `create_board` 1,000.
 *
 * @module
 */

import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

const LIST_DEFAULTS: Record<
  string,
  { limit?: number; ids?: boolean; root?: boolean }
> = {
  items_page: { limit: 25 },
  next_items_page: { limit: 25 },
  boards: { limit: 25, ids: true, root: true },
  users: { limit: 200, ids: true, root: true },
  items: { limit: 25, ids: true, root: true },
  audit_logs: { limit: 25, root: true },
  activity_logs: { limit: 25 },
  updates: { limit: 25, ids: true },
  workspaces: { limit: 25, ids: true, root: true },
  subitems: { limit: 10 },
  column_values: { limit: 10, ids: true },
  columns: { limit: 10, ids: true },
  groups: { limit: 5, ids: true },
};

const MUTATION_COST: Record<string, number> = { create_board: 1000 };

function valueOf(
  node: ValueNode,
  variables: Record<string, unknown>,
): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map((v) => valueOf(v, variables));
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    default:
      return undefined;
  }
}

/**
 * Computes the complexity of an operation.
 *
 * @param document The parsed, validated document.
 * @param operation The operation to run.
 * @param variables The request's variables.
 * @returns The cost in points.
 * @example A small query
 * ```ts
 * import assert from "node:assert/strict";
 * import { parse } from "graphql";
 * import { complexityOf } from "./_graphql_cost.ts";
 * const document = parse("{ boards(ids: [1]) { items_page(limit: 10) { items { id } } } }");
 * const operation = document.definitions[0] as never;
 * // boards: 1 + 1 × (items_page: 1 + 10 × (items: 1 + 1 × (id: 1)))
 * assert.equal(complexityOf(document, operation, {}), 22);
 * ```
 */
export function complexityOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(def.name.value, def);
    }
  }
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, depth: number): number => {
    if (depth > 50) return 0;
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          total += walk(fragment.selectionSet, depth + 1);
          seen.delete(fragment.name.value);
        }
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += walk(selection.selectionSet, depth + 1);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith("__")) continue;
      let cost = 1;
      if (depth === 0 && operation.operation === "mutation") {
        cost += MUTATION_COST[name] ?? 10;
      }
      if (selection.selectionSet) {
        const args: Record<string, unknown> = {};
        for (const arg of selection.arguments ?? []) {
          args[arg.name.value] = valueOf(arg.value, variables);
        }
        const rule = LIST_DEFAULTS[name];
        let factor = 1;
        if (rule && (!rule.root || depth === 0)) {
          const ids = args.ids;
          if (rule.ids && Array.isArray(ids)) factor = ids.length;
          else if (typeof args.limit === "number") factor = args.limit;
          else factor = rule.limit ?? 1;
        }
        cost += Math.max(0, Math.floor(factor)) *
          walk(selection.selectionSet, depth + 1);
      }
      total += cost;
    }
    return total;
  };
  return walk(operation.selectionSet, 0);
}
