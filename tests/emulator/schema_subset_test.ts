import assert from "node:assert/strict";
import {
  buildSchema,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  print,
} from "graphql";
import { EMULATOR_SDL } from "../../emulator/_graphql_schema.ts";
import { readMondaySchema } from "../_monday_schema.ts";

const realText = await readMondaySchema("the emulator's schema");
const exists = realText !== undefined;

function defaultOf(value: GraphQLArgument | GraphQLInputField): string {
  const node = value.astNode?.defaultValue;
  return node ? print(node) : "(none)";
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return "object";
  if (isInterfaceType(type)) return "interface";
  if (isUnionType(type)) return "union";
  if (isEnumType(type)) return "enum";
  if (isInputObjectType(type)) return "input";
  if (isScalarType(type)) return "scalar";
  return "unknown";
}

/** Every difference between the emulator's schema and the real one. */
function differences(mine: GraphQLSchema, real: GraphQLSchema): string[] {
  const problems: string[] = [];
  const checkArgs = (
    where: string,
    ours: readonly GraphQLArgument[],
    theirs: readonly GraphQLArgument[],
  ) => {
    for (const arg of ours) {
      const other = theirs.find((a) => a.name === arg.name);
      if (!other) {
        problems.push(
          `${where}(${arg.name}) does not exist in monday's schema`,
        );
        continue;
      }
      if (String(arg.type) !== String(other.type)) {
        problems.push(
          `${where}(${arg.name}) is ${arg.type}, monday has ${other.type}`,
        );
      }
      if (defaultOf(arg) !== defaultOf(other)) {
        problems.push(
          `${where}(${arg.name}) defaults to ${defaultOf(arg)}, monday to ${
            defaultOf(other)
          }`,
        );
      }
    }
    for (const other of theirs) {
      const required = String(other.type).endsWith("!") &&
        other.astNode?.defaultValue === undefined;
      if (required && !ours.some((a) => a.name === other.name)) {
        problems.push(
          `${where}(${other.name}) is required by monday but missing`,
        );
      }
    }
  };
  for (const type of Object.values(mine.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const other = real.getType(type.name);
    if (!other) {
      problems.push(`type ${type.name} does not exist in monday's schema`);
      continue;
    }
    if (kindOf(type) !== kindOf(other)) {
      problems.push(
        `type ${type.name} is ${kindOf(type)}, monday's is ${kindOf(other)}`,
      );
      continue;
    }
    if (
      (isObjectType(type) || isInterfaceType(type)) &&
      (isObjectType(other) || isInterfaceType(other))
    ) {
      const theirs = other.getFields();
      for (const field of Object.values(type.getFields())) {
        const where = `${type.name}.${field.name}`;
        const match = theirs[field.name];
        if (!match) {
          problems.push(`${where} does not exist in monday's schema`);
          continue;
        }
        if (String(field.type) !== String(match.type)) {
          problems.push(`${where} is ${field.type}, monday has ${match.type}`);
        }
        checkArgs(where, field.args, match.args);
      }
      for (const iface of type.getInterfaces()) {
        if (!other.getInterfaces().some((i) => i.name === iface.name)) {
          problems.push(`${type.name} implements ${iface.name}, monday's not`);
        }
      }
    } else if (isInputObjectType(type) && isInputObjectType(other)) {
      const theirs = other.getFields();
      for (const field of Object.values(type.getFields())) {
        const where = `${type.name}.${field.name}`;
        const match = theirs[field.name];
        if (!match) {
          problems.push(`${where} does not exist in monday's schema`);
          continue;
        }
        if (String(field.type) !== String(match.type)) {
          problems.push(`${where} is ${field.type}, monday has ${match.type}`);
        }
        if (defaultOf(field) !== defaultOf(match)) {
          problems.push(`${where} default differs from monday's`);
        }
      }
      for (const match of Object.values(theirs)) {
        const required = String(match.type).endsWith("!") &&
          match.astNode?.defaultValue === undefined;
        if (required && !type.getFields()[match.name]) {
          problems.push(
            `${type.name}.${match.name} is required by monday but missing`,
          );
        }
      }
    } else if (isEnumType(type) && isEnumType(other)) {
      for (const value of type.getValues()) {
        if (!other.getValue(value.name)) {
          problems.push(`${type.name}.${value.name} is not a monday value`);
        }
      }
    } else if (isUnionType(type) && isUnionType(other)) {
      for (const member of type.getTypes()) {
        if (!other.getTypes().some((t) => t.name === member.name)) {
          problems.push(`${type.name} member ${member.name} is not monday's`);
        }
      }
    }
  }
  for (const root of ["Query", "Mutation"] as const) {
    const ours = root === "Query"
      ? mine.getQueryType()
      : mine.getMutationType();
    const theirs = root === "Query"
      ? real.getQueryType()
      : real.getMutationType();
    if (ours?.name !== theirs?.name) {
      problems.push(
        `root ${root} type is ${ours?.name}, monday's ${theirs?.name}`,
      );
    }
  }
  return problems;
}

Deno.test({
  name:
    "emulator schema: every type, field and argument exists in monday's 2026-10 schema with the same type",
  ignore: !exists,
  fn() {
    const real = buildSchema(realText!);
    const mine = buildSchema(EMULATOR_SDL);
    assert.deepEqual(differences(mine, real), []);
  },
});

Deno.test({
  name: "emulator schema: the subset check notices a field with another type",
  ignore: !exists,
  fn() {
    const real = buildSchema(realText!);
    const wrong = buildSchema(
      EMULATOR_SDL.replace("  items_count: Int\n", "  items_count: String\n")
        .replace("  me: User\n", "  me: User\n  not_a_field: Int\n"),
    );
    assert.deepEqual(differences(wrong, real), [
      "Query.not_a_field does not exist in monday's schema",
      "Board.items_count is String, monday has Int",
    ]);
  },
});

Deno.test("emulator schema: the SDL builds and serves the documented roots", () => {
  const mine = buildSchema(EMULATOR_SDL);
  const query = mine.getQueryType()!.getFields();
  for (
    const name of [
      "me",
      "account",
      "users",
      "boards",
      "items",
      "next_items_page",
      "complexity",
      "version",
      "versions",
      "audit_logs",
      "audit_event_catalogue",
    ]
  ) {
    assert.ok(query[name], `Query.${name}`);
  }
  const mutation = mine.getMutationType()!.getFields();
  for (
    const name of [
      "create_item",
      "change_column_value",
      "change_simple_column_value",
      "change_multiple_column_values",
      "delete_item",
      "create_board",
      "add_file_to_column",
    ]
  ) {
    assert.ok(mutation[name], `Mutation.${name}`);
  }
});
