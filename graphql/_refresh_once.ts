// The 401-refresh retry, in one place: when monday refuses a credential with
// HTTP 401 and the provider can refresh (it has `invalidate`), the provider
// is told once per call and the request is sent once more with a fresh
// credential. A second refusal, or one where no retry is allowed, is final.

import type { CredentialProvider } from "../_http/mod.ts";
import { AuthenticationError, type MondayApiError } from "./errors.ts";

function copy(
  error: AuthenticationError,
  retry: { retryable: true; retryAfterMs: 0 } | Record<never, never>,
): AuthenticationError {
  return new AuthenticationError(error.message, {
    code: error.code,
    status: error.status,
    requestId: error.requestId,
    errors: error.errors,
    ...retry,
  });
}

/** One call's single chance to refresh a refused credential. */
export class RefreshOnce {
  #provider: CredentialProvider;
  #allowed: boolean;

  /**
   * @param provider The client's credential provider.
   * @param allowed Whether the call may be sent again at all.
   */
  constructor(provider: CredentialProvider, allowed: boolean) {
    this.#provider = provider;
    this.#allowed = allowed && typeof provider.invalidate === "function";
  }

  /**
   * The error to throw for a failed attempt: for the first 401 of a
   * refreshable provider, a retryable copy (the provider has been told to
   * drop `authorization`); otherwise the error itself.
   */
  afterError(
    error: MondayApiError,
    status: number,
    authorization: string,
  ): MondayApiError {
    if (
      !this.#allowed || status !== 401 ||
      !(error instanceof AuthenticationError)
    ) {
      return error;
    }
    this.#allowed = false;
    try {
      this.#provider.invalidate?.(authorization);
    } catch {
      // keep the original error
    }
    return copy(error, { retryable: true, retryAfterMs: 0 });
  }
}

/**
 * What the caller sees when the transport gave up: a refusal that was given
 * its one retry (or could not be) is reported as final, not retryable.
 */
export function finalError(error: unknown): unknown {
  return error instanceof AuthenticationError && error.retryable
    ? copy(error, {})
    : error;
}
