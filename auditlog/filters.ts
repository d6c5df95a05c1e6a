/**
 * Validation of audit-log filters, before anything is sent: ISO 8601 times,
 * `start_time` not after `end_time`, event slugs, user id and IP address.
 *
 * @module
 */

import type { AuditLogFilters } from "./types.ts";

/** Filters in the API's own spelling, as sent in the `filters` parameter. */
export interface WireAuditLogFilters {
  /** The user id, as digits. */
  user_id?: string;
  /** Event slugs. */
  events?: string[];
  /** An IPv4 or IPv6 address. */
  ip_address?: string;
  /** ISO 8601 in UTC with milliseconds, e.g. `2026-11-01T00:00:00.000Z`. */
  start_time?: string;
  /** ISO 8601 in UTC with milliseconds. */
  end_time?: string;
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Turns a time given as an ISO 8601 string, a `Date` or milliseconds since
 * the epoch into milliseconds, checking it strictly: a string must be a full
 * ISO 8601 date (`2026-11-01`) or date-time with an offset
 * (`2026-11-01T09:30:00.123Z`, `2026-11-01T11:30+02:00`) naming a real day
 * and time.
 *
 * @param value The time.
 * @param name What the time is, for error messages.
 * @returns Milliseconds since the epoch.
 * @throws {TypeError} When the value is of the wrong type.
 * @throws {SyntaxError} When a string is not ISO 8601.
 * @throws {RangeError} When the date or time does not exist or is out of range.
 *
 * @example Parse a time
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAuditTime } from "./filters.ts";
 *
 * assert.equal(parseAuditTime("2026-11-01T00:00:00Z", "since"), Date.UTC(2026, 10, 1));
 * assert.throws(() => parseAuditTime("yesterday", "since"), SyntaxError);
 * ```
 */
export function parseAuditTime(
  value: string | Date | number,
  name: string,
): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) {
      throw new RangeError(`Invalid ${name}: the Date is invalid`);
    }
    return ms;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) > 8.64e15) {
      throw new RangeError(
        `Invalid ${name}: expected milliseconds since the epoch, got '${value}'`,
      );
    }
    return Math.trunc(value);
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `Invalid ${name}: expected an ISO 8601 string, a Date or a number, got '${typeof value}'`,
    );
  }
  const match = ISO_PATTERN.exec(value.trim());
  if (!match) {
    throw new SyntaxError(
      `Invalid ${name}: expected ISO 8601 like '2026-11-01T00:00:00.000Z', got '${value}'`,
    );
  }
  const [, y, mo, d, h, mi, s] = match;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h ?? 0),
    minute = Number(mi ?? 0),
    second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Invalid ${name}: no such date: '${value}'`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`Invalid ${name}: no such time: '${value}'`);
  }
  if (h !== undefined && match[8] === undefined) {
    throw new SyntaxError(
      `Invalid ${name}: a time needs an offset ('Z' or '+02:00'): '${value}'`,
    );
  }
  let text = value.trim().replace(" ", "T");
  // Keep at most milliseconds: Date.parse handles more digits inconsistently.
  text = text.replace(/(\.\d{3})\d+/, "$1");
  if (match[8] && /^[+-]\d{4}$/.test(match[8])) {
    text = text.slice(0, -2) + ":" + text.slice(-2);
  } else if (match[8] && /^[+-]\d{2}$/.test(match[8])) {
    text += ":00";
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new RangeError(`Invalid ${name}: out of range: '${value}'`);
  }
  return ms;
}

const SLUG_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

/**
 * Checks that a string is an IPv4 or IPv6 address (no port, no brackets).
 *
 * @param value The text.
 * @returns Whether it is an IP address.
 *
 * @example Check addresses
 * ```ts
 * import assert from "node:assert/strict";
 * import { isIpAddress } from "./filters.ts";
 *
 * assert.ok(isIpAddress("203.0.113.7"));
 * assert.ok(isIpAddress("2001:db8::1"));
 * assert.ok(!isIpAddress("203.0.113.256"));
 * ```
 */
export function isIpAddress(value: string): boolean {
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(value)) {
    return value.split(".").every((part) =>
      Number(part) <= 255 && (part === "0" || !part.startsWith("0"))
    );
  }
  if (!value.includes(":") || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  try {
    new URL(`http://[${value}]/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates audit-log filters and converts them to the API's spelling. Times
 * become ISO 8601 in UTC with milliseconds.
 *
 * @param filters The filters.
 * @returns The filters as the API expects them (only the fields given).
 * @throws {TypeError} When a filter has the wrong type or an unknown name.
 * @throws {SyntaxError} When a time is not ISO 8601.
 * @throws {RangeError} When a value is out of range: a user id that is not a
 * positive integer, an event slug of the wrong form, an invalid IP address, a
 * start after the end.
 *
 * @example Normalise filters
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeAuditLogFilters } from "./filters.ts";
 *
 * assert.deepEqual(
 *   normalizeAuditLogFilters({
 *     userId: 42,
 *     events: ["login"],
 *     startTime: "2026-11-01T00:00:00Z",
 *   }),
 *   { user_id: "42", events: ["login"], start_time: "2026-11-01T00:00:00.000Z" },
 * );
 * assert.throws(
 *   () => normalizeAuditLogFilters({ startTime: "2026-11-02", endTime: "2026-11-01" }),
 *   RangeError,
 * );
 * ```
 */
export function normalizeAuditLogFilters(
  filters: AuditLogFilters,
): WireAuditLogFilters {
  if (filters === null || typeof filters !== "object") {
    throw new TypeError(
      `Invalid filters: expected an object, got '${String(filters)}'`,
    );
  }
  const known = new Set([
    "userId",
    "events",
    "ipAddress",
    "startTime",
    "endTime",
  ]);
  for (const key of Object.keys(filters)) {
    if (!known.has(key)) {
      throw new TypeError(
        `Invalid filters: unknown filter '${key}' (expected one of userId, events, ipAddress, startTime, endTime)`,
      );
    }
  }
  const wire: WireAuditLogFilters = {};
  if (filters.userId !== undefined) {
    const id = filters.userId;
    const text = typeof id === "number" ? String(id) : id;
    if (
      (typeof id !== "number" && typeof id !== "string") ||
      (typeof id === "number" && !Number.isSafeInteger(id)) ||
      !/^[1-9]\d{0,19}$/.test(text)
    ) {
      throw new RangeError(
        `Invalid filter userId: expected a positive integer, got '${
          String(id)
        }'`,
      );
    }
    wire.user_id = text;
  }
  if (filters.events !== undefined) {
    if (!Array.isArray(filters.events)) {
      throw new TypeError(
        `Invalid filter events: expected an array of event slugs, got '${typeof filters
          .events}'`,
      );
    }
    if (filters.events.length === 0) {
      throw new RangeError(
        "Invalid filter events: the list is empty (leave it out to get every event)",
      );
    }
    for (const event of filters.events) {
      if (typeof event !== "string" || !SLUG_PATTERN.test(event)) {
        throw new RangeError(
          `Invalid filter events: '${
            String(event)
          }' is not an event slug (lowercase words joined by '-', e.g. 'failed-login')`,
        );
      }
    }
    wire.events = [...new Set(filters.events)];
  }
  if (filters.ipAddress !== undefined) {
    if (
      typeof filters.ipAddress !== "string" || !isIpAddress(filters.ipAddress)
    ) {
      throw new RangeError(
        `Invalid filter ipAddress: expected an IPv4 or IPv6 address, got '${
          String(filters.ipAddress)
        }'`,
      );
    }
    wire.ip_address = filters.ipAddress;
  }
  let start: number | undefined;
  let end: number | undefined;
  if (filters.startTime !== undefined) {
    start = parseAuditTime(filters.startTime, "filter startTime");
    wire.start_time = new Date(start).toISOString();
  }
  if (filters.endTime !== undefined) {
    end = parseAuditTime(filters.endTime, "filter endTime");
    wire.end_time = new Date(end).toISOString();
  }
  if (start !== undefined && end !== undefined && start > end) {
    throw new RangeError(
      `Invalid filters: startTime '${wire.start_time}' is after endTime '${wire.end_time}'`,
    );
  }
  return wire;
}
