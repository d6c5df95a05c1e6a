/**
 * A provider that reads a token from the environment each time it is asked
 * (never at import time).
 *
 * @module
 */

import { envPermitted, readEnv } from "../_common/mod.ts";
import { CredentialsUnavailableError } from "./errors.ts";
import { assertToken } from "./static_token.ts";
import type { CredentialProvider } from "./types.ts";

/** Options for {@linkcode envCredentials}. */
export interface EnvCredentialsOptions {
  /**
   * The variable to read: `MONDAY_API_TOKEN` for the GraphQL API,
   * `MONDAY_AUDIT_TOKEN` for the Audit Log API.
   *
   * @default {"MONDAY_API_TOKEN"}
   */
  variable?: string;
  /**
   * How to send the token. Defaults to `bearer` for `MONDAY_AUDIT_TOKEN`
   * (the audit API expects `Bearer`) and `raw` otherwise.
   *
   * @default {"raw"}
   */
  scheme?: "raw" | "bearer";
  /**
   * Reads a variable (tests inject one).
   *
   * @default {Deno.env.get, without a permission prompt}
   */
  env?: (name: string) => string | undefined;
}

/**
 * Creates a provider that answers the token in an environment variable. It
 * reads the variable on every call (so a rotated token is picked up) and
 * needs `--allow-env=<variable>`.
 *
 * @param options Which variable and how to send it.
 * @returns The provider.
 * @throws {TypeError} If the variable name is empty.
 *
 * @example Read MONDAY_API_TOKEN
 * ```ts
 * import { envCredentials } from "./env_credentials.ts";
 * import assert from "node:assert/strict";
 *
 * const env = { MONDAY_API_TOKEN: "tok-123" } as Record<string, string>;
 * const credentials = envCredentials({ env: (name) => env[name] });
 * assert.equal(await credentials.authorization(), "tok-123");
 * ```
 */
export function envCredentials(
  options: EnvCredentialsOptions = {},
): CredentialProvider {
  const variable = options.variable ?? "MONDAY_API_TOKEN";
  if (typeof variable !== "string" || variable.length === 0) {
    throw new TypeError(
      "Cannot create environment credentials: 'variable' must be a non-empty string",
    );
  }
  const scheme = options.scheme ??
    (variable === "MONDAY_AUDIT_TOKEN" ? "bearer" : "raw");
  return new EnvCredentials(variable, scheme, options.env ?? defaultReader);
}

/** The package's non-prompting reader; a variable it may not read is an error with a hint. */
function defaultReader(name: string): string | undefined {
  if (!envPermitted(name)) {
    const error = new Error(`Reading '${name}' is not permitted`);
    error.name = "NotCapable";
    throw error;
  }
  return readEnv(name);
}

class EnvCredentials implements CredentialProvider {
  readonly #variable: string;
  readonly #scheme: "raw" | "bearer";
  readonly #env: (name: string) => string | undefined;

  constructor(
    variable: string,
    scheme: "raw" | "bearer",
    env: (name: string) => string | undefined,
  ) {
    this.#variable = variable;
    this.#scheme = scheme;
    this.#env = env;
  }

  authorization(): Promise<string> {
    let value: string | undefined;
    try {
      value = this.#env(this.#variable)?.trim();
    } catch (error) {
      return Promise.reject(
        new CredentialsUnavailableError(
          `Cannot read environment variable '${this.#variable}': ${
            error instanceof Error ? error.name : "error"
          } (run with --allow-env=${this.#variable})`,
        ),
      );
    }
    if (!value) {
      return Promise.reject(
        new CredentialsUnavailableError(
          `No token in the environment: '${this.#variable}' is not set`,
        ),
      );
    }
    try {
      assertToken(value, `environment variable '${this.#variable}'`);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(
      this.#scheme === "bearer" ? `Bearer ${value}` : value,
    );
  }

  [Symbol.for("Deno.customInspect")](): string {
    return `EnvCredentials { variable: "${this.#variable}" }`;
  }
}
