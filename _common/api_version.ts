/**
 * The one rule for monday.com's `API-Version` header, shared by the
 * connection settings and `MondayClient`: `YYYY-MM` with a
 * quarterly month (01, 04, 07 or 10), `current` (monday's current version)
 * or `dev` (the preview).
 *
 * @module
 */

/** What a valid API version looks like, for error messages. */
export const API_VERSION_RULE: string =
  "'YYYY-MM' with month 01, 04, 07 or 10, 'current' or 'dev'";

const QUARTERLY = /^\d{4}-(?:01|04|07|10)$/;

/**
 * Normalises an API version, or says it is not one. `current` and `dev` are
 * matched without regard to case and returned in lower case.
 *
 * @param value The candidate version.
 * @returns The version to send, or `undefined` when `value` is not a valid version.
 *
 * @example Quarterly months, `current` and `dev`
 * ```ts
 * import { normalizeApiVersion } from "./api_version.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(normalizeApiVersion("2026-10"), "2026-10");
 * assert.equal(normalizeApiVersion("Current"), "current");
 * assert.equal(normalizeApiVersion("2026-02"), undefined);
 * ```
 */
export function normalizeApiVersion(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const lower = value.toLowerCase();
  if (lower === "dev" || lower === "current") return lower;
  return QUARTERLY.test(value) ? value : undefined;
}

/**
 * Checks an API version and returns it normalised.
 *
 * @param value The candidate version.
 * @param subject What names the value in the message, e.g.
 *   `Invalid 'apiVersion':` or `Cannot parse connection string: 'ApiVersion'`.
 * @param show How the rejected value is shown (e.g. redacted); by default
 *   `String(value)`, cut at 80 characters.
 * @returns The normalised version.
 * @throws {RangeError} When `value` is not a valid version; the message
 *   starts with `subject` and states the rule.
 *
 * @example Refusing a month that is not quarterly
 * ```ts
 * import { checkApiVersion } from "./api_version.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkApiVersion("dev", "Invalid 'apiVersion':"), "dev");
 * assert.throws(() => checkApiVersion("2026-02", "Invalid 'apiVersion':"), {
 *   name: "RangeError",
 *   message:
 *     "Invalid 'apiVersion': must be 'YYYY-MM' with month 01, 04, 07 or 10, 'current' or 'dev', got '2026-02'",
 * });
 * ```
 */
export function checkApiVersion(
  value: unknown,
  subject: string,
  show: (value: string) => string = cut,
): string {
  const version = normalizeApiVersion(value);
  if (version !== undefined) return version;
  throw new RangeError(
    `${subject} must be ${API_VERSION_RULE}, got '${show(String(value))}'`,
  );
}

function cut(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
