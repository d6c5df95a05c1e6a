/**
 * The internal HTTP layer every mondaykit client shares: a transport with
 * timeouts, retries and a concurrency limit; `Retry-After` and `RateLimit`
 * header parsing; secret redaction; the clock abstraction tests inject.
 * Nothing outside the package imports it.
 *
 * @module
 */

export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  resolveRetryPolicy,
  type RetryPolicy,
} from "./backoff.ts";
export {
  type Clock,
  FakeClock,
  type FakeClockOptions,
  sleep,
  systemClock,
} from "./clock.ts";
export {
  HttpStatusError,
  type HttpStatusErrorOptions,
  NetworkError,
  type NetworkErrorOptions,
  RedirectError,
  RequestTimeoutError,
  type RequestTimeoutErrorOptions,
} from "./errors.ts";
export { ConcurrencyLimiter } from "./limiter.ts";
export {
  parseRateLimit,
  parseRateLimitPolicy,
  type RateLimitItem,
  type RateLimitPolicyItem,
} from "./rate_limit.ts";
export { maskSecret, redact, redactHeaders, redactUrl } from "./redact.ts";
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  type ReadBodyOptions,
  readBodyText,
  ResponseTooLargeError,
} from "./read_body.ts";
export { SecretSet, type SecretSetOptions } from "./secret_set.ts";
export { defaultRetryAfterMs, parseRetryAfter } from "./retry_after.ts";
export {
  type HttpEvent,
  type HttpRequestSpec,
  HttpTransport,
  type SendOptions,
  type TransportOptions,
} from "./transport.ts";
export { assertSecureUrl, isLoopbackHost } from "./url.ts";
export { USER_AGENT } from "./user_agent.ts";
export type {
  AuthorizationOptions,
  CredentialProvider,
} from "./credentials.ts";
