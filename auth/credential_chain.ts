/**
 * A provider that asks several providers in turn and uses the first that can
 * answer.
 *
 * @module
 */

import { CredentialsUnavailableError } from "./errors.ts";
import type { AuthorizationOptions, CredentialProvider } from "./types.ts";

/**
 * Creates a chain of providers. On each call the providers are asked in order;
 * a provider that throws {@linkcode CredentialsUnavailableError} (including
 * `LoginRequiredError`) is skipped, any other error stops the chain.
 * `invalidate` goes to the provider that produced the rejected value.
 *
 * @param providers The providers, first preferred.
 * @returns The chain.
 * @throws {TypeError} If no providers are given or one is not a provider.
 *
 * @example Prefer the environment, then a fixed token
 * ```ts
 * import { credentialChain } from "./credential_chain.ts";
 * import { envCredentials } from "./env_credentials.ts";
 * import { staticToken } from "./static_token.ts";
 * import assert from "node:assert/strict";
 *
 * const chain = credentialChain([
 *   envCredentials({ env: () => undefined }),
 *   staticToken("fallback-token"),
 * ]);
 * assert.equal(await chain.authorization(), "fallback-token");
 * ```
 */
export function credentialChain(
  providers: readonly CredentialProvider[],
): CredentialProvider {
  if (!Array.isArray(providers) || providers.length === 0) {
    throw new TypeError(
      "Cannot create credential chain: expected at least one provider",
    );
  }
  providers.forEach((provider, index) => {
    if (typeof provider?.authorization !== "function") {
      throw new TypeError(
        `Cannot create credential chain: providers[${index}] has no authorization() method`,
      );
    }
  });
  return new CredentialChain([...providers]);
}

class CredentialChain implements CredentialProvider {
  readonly #providers: CredentialProvider[];
  #answered = new Map<string, CredentialProvider>();

  constructor(providers: CredentialProvider[]) {
    this.#providers = providers;
  }

  async authorization(options: AuthorizationOptions = {}): Promise<string> {
    const reasons: CredentialsUnavailableError[] = [];
    for (const provider of this.#providers) {
      options.signal?.throwIfAborted();
      try {
        const header = await provider.authorization(options);
        if (this.#answered.size > 16) this.#answered.clear();
        this.#answered.set(header, provider);
        return header;
      } catch (error) {
        if (error instanceof CredentialsUnavailableError) {
          reasons.push(error);
          continue;
        }
        throw error;
      }
    }
    throw new CredentialsUnavailableError(
      `No credentials available: ${reasons.map((e) => e.message).join("; ")}`,
      { cause: reasons },
    );
  }

  invalidate(rejected: string): void {
    const provider = this.#answered.get(rejected);
    this.#answered.delete(rejected);
    provider?.invalidate?.(rejected);
  }

  [Symbol.for("Deno.customInspect")](): string {
    return `CredentialChain { providers: ${this.#providers.length} }`;
  }
}
