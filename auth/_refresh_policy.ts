// Internal: the one refresh policy. When an access token is due for a
// refresh (within the window before its expiry), what counts as rejected
// (the API refused exactly this token), and when a token can no longer be
// used at all (expired or rejected). OAuthClient.refreshTokens and
// OAuthCredentials both ask here.

/** How long before expiry a token is refreshed by default: 5 minutes. */
export const DEFAULT_REFRESH_WINDOW_MS = 300_000;

/** What the policy looks at in stored tokens. */
export interface RefreshSubject {
  accessToken: string;
  expiresAt?: number;
}

/**
 * Checks a refresh window given by a caller.
 *
 * @throws {RangeError} If it is negative or not finite.
 */
export function refreshWindow(
  windowMs: number | undefined,
  what: string,
): number {
  const value = windowMs ?? DEFAULT_REFRESH_WINDOW_MS;
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `${what}: 'refreshWindowMs' must be a non-negative number, got ${value}`,
    );
  }
  return value;
}

/** Whether the token expires within `windowMs` of `now` (tokens without an expiry never are). */
export function isDue(
  tokens: { expiresAt?: number },
  now: number,
  windowMs: number,
): boolean {
  return tokens.expiresAt !== undefined && tokens.expiresAt - windowMs <= now;
}

/** Whether the API rejected exactly this stored token. */
export function isRejected(
  tokens: RefreshSubject,
  rejected: string | undefined,
): boolean {
  return rejected !== undefined && tokens.accessToken === rejected;
}

/** Whether the stored token should be refreshed now: due, or rejected. */
export function needsRefresh(
  tokens: RefreshSubject,
  now: number,
  policy: { windowMs: number; rejected?: string | undefined },
): boolean {
  return isDue(tokens, now, policy.windowMs) ||
    isRejected(tokens, policy.rejected);
}

/** Whether the stored token cannot be used any more: rejected, or past its expiry. */
export function isUnusable(
  tokens: RefreshSubject,
  now: number,
  rejected: string | undefined,
): boolean {
  return isRejected(tokens, rejected) || isDue(tokens, now, 0);
}
