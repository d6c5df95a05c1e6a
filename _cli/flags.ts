/**
 * Typed access to parsed flag values, with usage errors naming the flag.
 *
 * @module
 */

import { UsageError } from "./errors.ts";
import type { FlagValue } from "./parse.ts";

/** Parsed flags with typed getters. */
export class Flags {
  #values: Record<string, FlagValue>;
  #command: string;

  /**
   * Wraps parsed values.
   *
   * @param values The values by flag name.
   * @param command The command's name, for messages.
   */
  constructor(values: Record<string, FlagValue>, command: string) {
    this.#values = values;
    this.#command = command;
  }

  /**
   * A string flag.
   *
   * @param name The flag's long name.
   * @returns Its value, or undefined when absent.
   */
  string(name: string): string | undefined {
    const value = this.#values[name];
    if (Array.isArray(value)) return value.at(-1);
    return typeof value === "string" ? value : undefined;
  }

  /**
   * A required string flag.
   *
   * @param name The flag's long name.
   * @param placeholder The value's placeholder, e.g. `<id>`.
   * @returns Its value.
   * @throws {UsageError} When absent or empty.
   */
  required(name: string, placeholder: string): string {
    const value = this.string(name);
    if (value === undefined || value === "") {
      throw new UsageError(
        `Missing flag '--${name} ${placeholder}' for 'mondaykit ${this.#command}'`,
        this.#command,
      );
    }
    return value;
  }

  /**
   * A repeatable flag's values.
   *
   * @param name The flag's long name.
   * @returns The values in order (empty when absent).
   */
  list(name: string): string[] {
    const value = this.#values[name];
    if (Array.isArray(value)) return value;
    return typeof value === "string" ? [value] : [];
  }

  /**
   * A boolean flag.
   *
   * @param name The flag's long name.
   * @returns Its value, or undefined when absent.
   */
  boolean(name: string): boolean | undefined {
    const value = this.#values[name];
    return typeof value === "boolean" ? value : undefined;
  }

  /**
   * An integer flag within bounds.
   *
   * @param name The flag's long name.
   * @param bounds Inclusive bounds.
   * @returns The number, or undefined when absent.
   * @throws {UsageError} When not an integer in bounds.
   */
  integer(
    name: string,
    bounds: { min: number; max?: number },
  ): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
    if (
      !/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) ||
      value < bounds.min || value > max
    ) {
      throw new UsageError(
        `Invalid value '${text}' for flag '--${name}': expected an integer from ${bounds.min}${
          bounds.max === undefined ? " up" : ` to ${bounds.max}`
        }`,
        this.#command,
      );
    }
    return value;
  }

  /**
   * A positive number of seconds.
   *
   * @param name The flag's long name.
   * @returns The number, or undefined when absent.
   * @throws {UsageError} When not a positive number.
   */
  seconds(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
      throw new UsageError(
        `Invalid value '${text}' for flag '--${name}': expected a positive number of seconds`,
        this.#command,
      );
    }
    return value;
  }

  /**
   * A flag restricted to some values.
   *
   * @param name The flag's long name.
   * @param allowed The allowed values.
   * @returns The value, or undefined when absent.
   * @throws {UsageError} When not one of them.
   */
  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text)) {
      throw new UsageError(
        `Invalid value '${text}' for flag '--${name}': expected one of ${
          allowed.map((a) => `'${a}'`).join(", ")
        }`,
        this.#command,
      );
    }
    return text as T;
  }
}
