/**
 * Splits a command line into the command, its flags and its positionals.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  COMMANDS,
  type CommandSpec,
  GLOBAL_OPTIONS,
  globalsFor,
  GROUPS,
  type OptionSpec,
} from "./spec.ts";
import { UsageError } from "./errors.ts";
import { didYouMean } from "../_common/mod.ts";

/** A flag's parsed value. */
export type FlagValue = string | boolean | string[] | undefined;

/** The parsed command line. */
export interface ParsedCommandLine {
  /** What to do: run a command, or show help or the version. */
  kind: "command" | "help" | "version";
  /** The command (for "command", and for "help" of one command). */
  command?: CommandSpec;
  /** A group whose help to show (for `mondaykit auth --help`). */
  group?: string;
  /** Flag values by long name. */
  values: Record<string, FlagValue>;
  /** Positional arguments after the command's name. */
  positionals: string[];
}

type ParseOptions = Record<
  string,
  { type: "string" | "boolean"; multiple?: boolean; short?: string }
>;

function toParseOptions(options: Record<string, OptionSpec>): ParseOptions {
  const result: ParseOptions = {};
  for (const [name, spec] of Object.entries(options)) {
    result[name] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  return result;
}

function valueTakingFlags(): Set<string> {
  const names = new Set<string>();
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) {
    if (spec.type === "string") names.add(name);
  }
  for (const command of Object.values(COMMANDS)) {
    for (const [name, spec] of Object.entries(command.options)) {
      if (spec.type === "string" && name !== "version") names.add(name);
    }
  }
  return names;
}

/** Finds the indexes of the command's words (positionals before any `--`). */
function findCommandWords(args: readonly string[]): number[] {
  const takesValue = valueTakingFlags();
  const words: number[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      if (!arg.includes("=") && takesValue.has(arg.slice(2))) i++;
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) continue;
    words.push(i);
    const first = args[words[0]!]!;
    if (words.length === 1 && !(first in GROUPS)) break;
  }
  return words;
}

const ALL_TOP = [...Object.keys(GROUPS), "query", "emulator", "help"];

/**
 * Parses the command line.
 *
 * @param args The arguments, without the program name.
 * @returns What to run.
 * @throws {UsageError} For an unknown command or flag, a missing or extra value.
 */
export function parseCommandLine(args: readonly string[]): ParsedCommandLine {
  const wordIndexes = findCommandWords(args);
  const words = wordIndexes.map((i) => args[i]!);
  let rest = args.filter((_, i) => !wordIndexes.includes(i));
  let spec: CommandSpec | undefined;
  let group: string | undefined;
  const top = words[0];
  if (top === "help") {
    // `mondaykit help [command...]` is `mondaykit [command...] --help`.
    const inner = parseCommandLine([
      ...args.filter((_, i) => i !== wordIndexes[0]),
      "--help",
    ]);
    return inner;
  }
  if (top !== undefined) {
    if (top in GROUPS) {
      group = top;
      const sub = words[1];
      if (sub !== undefined) {
        const name = `${top} ${sub}`;
        spec = COMMANDS[name];
        if (spec === undefined) {
          const hint = didYouMean(sub, GROUPS[top]!);
          throw new UsageError(
            `Unknown command 'mondaykit ${name}'${
              hint ? ` (did you mean '${top} ${hint}'?)` : ""
            }: ${top} has ${GROUPS[top]!.map((s) => `'${s}'`).join(", ")}`,
            top,
          );
        }
      }
    } else if (top in COMMANDS) {
      spec = COMMANDS[top];
    } else {
      // `--tokn x query`: the unknown flag made its value look like the command.
      for (const arg of args.slice(0, wordIndexes[0])) {
        const name = arg.startsWith("--")
          ? arg.slice(2).split("=")[0]!
          : undefined;
        if (name === undefined || name in GLOBAL_OPTIONS) continue;
        const negated = name.startsWith("no-") &&
          GLOBAL_OPTIONS[name.slice(3)]?.type === "boolean";
        if (negated) continue;
        const hint = didYouMean(
          `--${name}`,
          Object.keys(GLOBAL_OPTIONS).map((n) => `--${n}`),
        );
        throw new UsageError(
          `Unknown flag '--${name}'${hint ? ` (did you mean '${hint}'?)` : ""}`,
        );
      }
      const hint = didYouMean(top, ALL_TOP);
      throw new UsageError(
        `Unknown command '${top}'${hint ? ` (did you mean '${hint}'?)` : ""}`,
      );
    }
  }
  const options: Record<string, OptionSpec> = spec
    ? { ...globalsFor(spec), ...spec.options }
    : GLOBAL_OPTIONS;
  const commandName = spec?.name ?? group;

  // A lenient pass first, to name unknown flags with a suggestion.
  const loose = parseArgs({
    args: rest,
    options: toParseOptions(options),
    allowPositionals: true,
    allowNegative: true,
    strict: false,
    tokens: true,
  });
  for (const token of loose.tokens) {
    if (token.kind !== "option") continue;
    const known = options[token.name];
    const negated = token.name.startsWith("no-")
      ? options[token.name.slice(3)]
      : undefined;
    if (known !== undefined || negated?.type === "boolean") continue;
    const candidates = Object.keys(options).map((name) => `--${name}`);
    for (const negatable of ["browser", "color"]) {
      if (options[negatable]) candidates.push(`--no-${negatable}`);
    }
    const hint = didYouMean(token.rawName.replace(/^-+/, "--"), candidates);
    const where = commandName ? ` for 'mondaykit ${commandName}'` : "";
    throw new UsageError(
      `Unknown flag '${token.rawName}'${where}${
        hint ? ` (did you mean '${hint}'?)` : ""
      }`,
      commandName,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: toParseOptions(options),
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? "";
    const name = flag.replace(/^-+/, "");
    const spec2 = options[name] ??
      Object.entries(options).find(([, s]) => `-${s.short}` === flag)?.[1];
    const where = commandName ? ` for 'mondaykit ${commandName}'` : "";
    if (/argument missing/.test(message)) {
      throw new UsageError(
        `Missing value for flag '${flag}'${where}: expected ${
          spec2?.value ?? "a value"
        }`,
        commandName,
      );
    }
    if (/argument is ambiguous/.test(message)) {
      const index = rest.indexOf(flag);
      const next = index >= 0 ? rest[index + 1] : undefined;
      throw new UsageError(
        `Missing value for flag '${flag}'${where}${
          next
            ? ` (a value starting with '-' is written '${flag}=${next}')`
            : ""
        }`,
        commandName,
      );
    }
    if (/does not take an argument/.test(message)) {
      throw new UsageError(
        `Flag '${flag}'${where} takes no value`,
        commandName,
      );
    }
    throw new UsageError(
      `Cannot parse the command line: ${message}`,
      commandName,
    );
  }
  rest = parsed.positionals;
  const values = parsed.values as Record<string, FlagValue>;
  if (values.help === true) {
    return {
      kind: "help",
      ...(spec ? { command: spec } : {}),
      ...(group && !spec ? { group } : {}),
      values,
      positionals: rest,
    };
  }
  if (spec === undefined) {
    if (values.version === true && group === undefined) {
      return { kind: "version", values, positionals: rest };
    }
    if (group !== undefined) {
      throw new UsageError(
        `Missing command after 'mondaykit ${group}': one of ${
          GROUPS[group]!.map((s) => `'${s}'`).join(", ")
        }`,
        group,
      );
    }
    if (rest.length > 0) {
      const hint = didYouMean(rest[0]!, ALL_TOP);
      throw new UsageError(
        `Unknown command '${rest[0]}'${
          hint ? ` (did you mean '${hint}'?)` : ""
        }`,
      );
    }
    throw new UsageError("Missing command");
  }
  const max = spec.positionals.length;
  const required = spec.positionals.filter((p) => p.required).length;
  if (rest.length < required) {
    throw new UsageError(
      `Missing argument <${
        spec.positionals[rest.length]!.name
      }> for 'mondaykit ${spec.name}'`,
      spec.name,
    );
  }
  if (rest.length > max) {
    throw new UsageError(
      `Unexpected argument '${rest[max]}' for 'mondaykit ${spec.name}'${
        max === 0 ? ": it takes no arguments" : ""
      }`,
      spec.name,
    );
  }
  return { kind: "command", command: spec, values, positionals: rest };
}
