/**
 * The emulated Audit Log API (`GET /audit-api/get-logs`) and the data it
 * serves, shared with GraphQL `audit_logs`.
 *
 * @module
 */

import type { TokenRegistry } from "./_tokens.ts";
import {
  AUDIT_EVENT_NAMES,
  EVENT_CUMULATIVE,
  ipAddress,
  IPS_PER_USER,
  mix,
  PLATFORMS,
  seededRandom,
} from "./_audit_data.ts";

export { AUDIT_EVENT_CATALOGUE } from "./_audit_data.ts";
export type { AuditEventDefinition } from "./_audit_data.ts";

/**
 * One audit-log entry, exactly as `get-logs` returns it (monday's entries have
 * no id). A type alias rather than an interface, so it is assignable to
 * `Record<string, unknown>`.
 */
export type AuditEntry = {
  /** ISO 8601 with milliseconds, e.g. `2026-11-01T09:30:00.123Z`. */
  timestamp: string;
  /** The account. */
  account_id: number;
  /** The acting user (a number when the user id is numeric). */
  user_id: number | string;
  /** The event slug, e.g. `login`. */
  event: string;
  /** The account slug. */
  slug: string;
  /** Where the request came from. */
  ip_address: string;
  /** The client's `User-Agent`. */
  user_agent: string;
  /** Browser or app. */
  client_name: string;
  /** Its version. */
  client_version: string;
  /** Operating system. */
  os_name: string;
  /** Its version. */
  os_version: string;
  /** Device name. */
  device_name: string;
  /** `desktop`, `mobile` or `tablet`. */
  device_type: string;
  /** Event-specific details. */
  activity_metadata: Record<string, unknown>;
};

/** Filters of {@linkcode AuditLogService.query} (times in ms since epoch, both inclusive). */
export interface AuditQueryFilters {
  /** Only this user's entries. */
  userId?: string;
  /** Only these event slugs. */
  events?: string[];
  /** Only entries from this address. */
  ipAddress?: string;
  /** Only entries at or after this time. */
  startTime?: number;
  /** Only entries at or before this time. */
  endTime?: number;
}

/** Options of {@linkcode AuditLogService}. */
export interface AuditLogServiceOptions {
  /** The emulator clock (ms since epoch): seeding ends at its `now()`, appends happen at it, the limit window runs on it. */
  clock: { now(): number };
  /** Where the audit token is registered. */
  tokens: TokenRegistry;
  /** Seed of the deterministic data. */
  seed: number;
  /** How many entries to seed. */
  entries: number;
  /** User ids entries are spread over (at least one). */
  users: string[];
  /** Requests allowed per window (monday: 50 per minute). */
  requestsPerMinute: number;
  /** The limit window in ms (monday: 60,000). */
  windowMs: number;
  /**
   * The account id in every entry.
   *
   * @default {1000 + seed}
   */
  accountId?: number;
  /**
   * The account slug in every entry.
   *
   * @default {"emulator"}
   */
  accountSlug?: string;
  /**
   * Default `per_page` when the request has none (monday does not document one).
   *
   * @default {25}
   */
  defaultPerPage?: number;
}

/**
 * The largest `per_page` the emulated API accepts.
 *
 * @example One thousand
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_PER_PAGE } from "./_audit.ts";
 *
 * assert.equal(MAX_PER_PAGE, 1000);
 * ```
 */
export const MAX_PER_PAGE = 1000;

const AUDIT_PATH = "/audit-api/get-logs";
const FILTER_KEYS = new Set([
  "user_id",
  "events",
  "ip_address",
  "start_time",
  "end_time",
]);
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

class BadParameter extends Error {}

function json(
  status: number,
  body: unknown,
  headers: HeadersInit = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function parseTime(value: unknown, name: string): number {
  if (typeof value !== "string" || !ISO_8601.test(value)) {
    throw new BadParameter(
      `Invalid 'filters' parameter: '${name}' must be an ISO 8601 date-time such as '2026-01-01T00:00:00.000Z', got ${
        JSON.stringify(value)
      }`,
    );
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new BadParameter(
      `Invalid 'filters' parameter: '${name}' is not a valid date-time: '${value}'`,
    );
  }
  return ms;
}

function parseInteger(
  raw: string | null,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === null) return fallback;
  if (!/^\s*\d+\s*$/.test(raw)) {
    throw new BadParameter(
      `Invalid '${name}' parameter: expected an integer from ${min} to ${max}, got '${raw}'`,
    );
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new BadParameter(
      `Invalid '${name}' parameter: must be from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/**
 * The emulated Audit Log API: `GET /audit-api/get-logs` with monday's
 * parameters, response shape, bearer audit-token auth and per-window rate
 * limit, over a deterministic, time-ordered log stored compactly (typed
 * arrays; entries are built on demand), so a million entries seed in well
 * under a second and a page of 1,000 is served in milliseconds.
 *
 * Paging is offset paging over the live log, newest first: entries appended
 * while a client pages push older entries to later pages. `start_time` and
 * `end_time` are inclusive.
 *
 * @example Serve a page
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenRegistry } from "./_tokens.ts";
 * import { AuditLogService } from "./_audit.ts";
 *
 * const clock = { now: () => Date.UTC(2026, 10, 1) };
 * const tokens = new TokenRegistry(clock);
 * tokens.addAudit("audit-token");
 * const audit = new AuditLogService({
 *   clock, tokens, seed: 1, entries: 30, users: ["1", "2"],
 *   requestsPerMinute: 50, windowMs: 60_000,
 * });
 * const response = await audit.handle(new Request(
 *   "http://127.0.0.1/audit-api/get-logs?page=1&per_page=20",
 *   { headers: { authorization: "Bearer audit-token" } },
 * ));
 * const body = await response.json();
 * assert.equal(body.data.length, 20);
 * assert.equal(body.next_page, 2);
 * ```
 */
export class AuditLogService {
  #clock: { now(): number };
  #tokens: TokenRegistry;
  #seed: number;
  #users: string[];
  #userIds: (number | string)[];
  #accountId: number;
  #slug: string;
  #defaultPerPage: number;
  #limit: number;
  #windowMs: number;
  #windowStart = -Infinity;
  #windowCount = 0;
  #rateLimited = 0;
  #length = 0;
  #times: Float64Array;
  #userIndex: Uint32Array;
  #eventIndex: Uint8Array;
  #ipIndex: Uint32Array;

  /**
   * Creates the service and seeds its log.
   *
   * @param options Clock, token registry, seed, size, users and rate limit.
   * @throws {TypeError} If `users` is empty.
   * @throws {RangeError} If `entries` is negative or the limit is not positive.
   */
  constructor(options: AuditLogServiceOptions) {
    if (!Array.isArray(options.users) || options.users.length === 0) {
      throw new TypeError(
        "Cannot create audit log: 'users' must list at least one user id",
      );
    }
    if (!(Number.isInteger(options.entries) && options.entries >= 0)) {
      throw new RangeError(
        `Cannot create audit log: 'entries' must be a non-negative integer, got ${options.entries}`,
      );
    }
    this.#clock = options.clock;
    this.#tokens = options.tokens;
    this.#seed = options.seed | 0;
    this.#users = options.users.map(String);
    this.#userIds = this.#users.map((id) =>
      /^\d{1,15}$/.test(id) ? Number(id) : id
    );
    this.#accountId = options.accountId ?? 1000 + this.#seed;
    this.#slug = options.accountSlug ?? "emulator";
    this.#defaultPerPage = options.defaultPerPage ?? 25;
    this.#limit = 0;
    this.#windowMs = 0;
    this.setLimit(options.requestsPerMinute, options.windowMs);
    const capacity = Math.max(16, options.entries);
    this.#times = new Float64Array(capacity);
    this.#userIndex = new Uint32Array(capacity);
    this.#eventIndex = new Uint8Array(capacity);
    this.#ipIndex = new Uint32Array(capacity);
    this.#seedEntries(options.entries);
  }

  /** How many requests were answered 429. */
  get rateLimited(): number {
    return this.#rateLimited;
  }

  /** How many entries the log holds. */
  get size(): number {
    return this.#length;
  }

  /**
   * Changes the rate limit: `requestsPerMinute` requests per `windowMs`
   * (a fixed window that starts with the first request after the last one ended).
   *
   * @param requestsPerMinute Requests allowed per window.
   * @param windowMs The window in ms on the emulator clock.
   * @throws {RangeError} If either is not a positive number.
   *
   * @example Tighten the limit for a test
   * ```ts
   * import { TokenRegistry } from "./_tokens.ts";
   * import { AuditLogService } from "./_audit.ts";
   *
   * const clock = { now: () => 0 };
   * const audit = new AuditLogService({
   *   clock, tokens: new TokenRegistry(clock), seed: 1, entries: 0, users: ["1"],
   *   requestsPerMinute: 50, windowMs: 60_000,
   * });
   * audit.setLimit(2, 2_000);
   * ```
   */
  setLimit(requestsPerMinute: number, windowMs: number): void {
    if (!(Number.isInteger(requestsPerMinute) && requestsPerMinute > 0)) {
      throw new RangeError(
        `Cannot set audit rate limit: 'requestsPerMinute' must be a positive integer, got ${requestsPerMinute}`,
      );
    }
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new RangeError(
        `Cannot set audit rate limit: 'windowMs' must be a positive number, got ${windowMs}`,
      );
    }
    this.#limit = requestsPerMinute;
    this.#windowMs = windowMs;
  }

  /**
   * Appends entries at the clock's now (the newest entries). With
   * `sameTimestamp` they all share the clock's now; otherwise they are 1 ms
   * apart, ending at now, never before the newest existing entry.
   *
   * @param count How many entries.
   * @param options Whether they share one timestamp.
   * @throws {RangeError} If `count` is not a non-negative integer.
   *
   * @example Append
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   * import { AuditLogService } from "./_audit.ts";
   *
   * const clock = { now: () => Date.UTC(2026, 10, 1) };
   * const audit = new AuditLogService({
   *   clock, tokens: new TokenRegistry(clock), seed: 1, entries: 5, users: ["1"],
   *   requestsPerMinute: 50, windowMs: 60_000,
   * });
   * audit.append(3, { sameTimestamp: true });
   * assert.equal(audit.size, 8);
   * ```
   */
  append(count: number, options: { sameTimestamp?: boolean } = {}): void {
    if (!(Number.isInteger(count) && count >= 0)) {
      throw new RangeError(
        `Cannot append audit entries: 'count' must be a non-negative integer, got ${count}`,
      );
    }
    if (count === 0) return;
    this.#reserve(this.#length + count);
    const now = Math.floor(this.#clock.now());
    const newest = this.#length > 0
      ? this.#times[this.#length - 1]!
      : -Infinity;
    const random = seededRandom(mix(this.#seed, this.#length + 0x5bd1e995));
    for (let k = 0; k < count; k++) {
      const at = options.sameTimestamp ? now : now - (count - 1 - k);
      this.#write(this.#length, Math.max(at, newest), random);
      this.#length++;
    }
  }

  /**
   * Answers `GET /audit-api/get-logs` (any host): auth, rate limit,
   * parameters, then a page.
   *
   * @param request The HTTP request.
   * @returns The JSON response: 200 page, 400 bad parameter, 401 bad token,
   *   404 other path, 405 other method, 429 over the limit (with `Retry-After`).
   *
   * @example Wrong token
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   * import { AuditLogService } from "./_audit.ts";
   *
   * const clock = { now: () => 0 };
   * const audit = new AuditLogService({
   *   clock, tokens: new TokenRegistry(clock), seed: 1, entries: 1, users: ["1"],
   *   requestsPerMinute: 50, windowMs: 60_000,
   * });
   * const response = await audit.handle(new Request("http://127.0.0.1/audit-api/get-logs"));
   * assert.equal(response.status, 401);
   * await response.body?.cancel();
   * ```
   */
  handle(request: Request): Promise<Response> {
    return Promise.resolve(this.#handle(request));
  }

  #handle(request: Request): Response {
    const url = new URL(request.url);
    if (url.pathname !== AUDIT_PATH && url.pathname !== `${AUDIT_PATH}/`) {
      return json(404, { message: `Not found: '${url.pathname}'` });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return json(405, {
        message: `Method not allowed: '${request.method}' (use GET)`,
      }, { allow: "GET" });
    }
    const authorization = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match === null) {
      return json(401, {
        message: authorization === ""
          ? "Unauthorized: missing 'Authorization' header (expected 'Bearer <audit token>')"
          : "Unauthorized: the 'Authorization' header must be 'Bearer <audit token>'",
      }, { "www-authenticate": 'Bearer realm="audit-api"' });
    }
    const check = this.#tokens.check(match[1]!);
    if (!check.ok || check.info.kind !== "audit") {
      const why = !check.ok
        ? check.reason === "unknown" ? "unknown token" : `token ${check.reason}`
        : "not an audit log API token (create one under Admin > Security > Audit)";
      return json(401, { message: `Unauthorized: ${why}` }, {
        "www-authenticate": 'Bearer realm="audit-api", error="invalid_token"',
      });
    }

    const now = this.#clock.now();
    if (now >= this.#windowStart + this.#windowMs) {
      this.#windowStart = now;
      this.#windowCount = 0;
    }
    if (this.#windowCount >= this.#limit) {
      this.#rateLimited++;
      const waitMs = this.#windowStart + this.#windowMs - now;
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      return json(429, {
        message: `Rate limit exceeded: ${this.#limit} requests per ${
          this.#windowMs / 1000
        } s; retry in ${seconds} s`,
        retry_in_seconds: seconds,
      }, { "retry-after": String(seconds) });
    }
    this.#windowCount++;

    let page: number;
    let perPage: number;
    let filters: AuditQueryFilters;
    try {
      const params = url.searchParams;
      page = parseInteger(params.get("page"), "page", 1, 1, 1_000_000_000);
      perPage = parseInteger(
        params.get("per_page"),
        "per_page",
        this.#defaultPerPage,
        1,
        MAX_PER_PAGE,
      );
      filters = this.#parseFilters(params.get("filters"));
    } catch (error) {
      if (error instanceof BadParameter) {
        return json(400, { message: error.message });
      }
      throw error;
    }
    const offset = (page - 1) * perPage;
    const { entries, more } = this.#select(filters, offset, perPage, false);
    return json(200, {
      data: entries,
      page,
      per_page: perPage,
      next_page: more ? page + 1 : null,
      message: "",
    });
  }

  /**
   * The same data for GraphQL `audit_logs`: filtered, newest first.
   *
   * @param filters User, events, address and inclusive time range (ms).
   * @param offset How many matching entries to skip.
   * @param limit How many to return at most.
   * @returns The page of entries and the number of matching entries in all.
   *
   * @example Filter by event
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   * import { AuditLogService } from "./_audit.ts";
   *
   * const clock = { now: () => Date.UTC(2026, 10, 1) };
   * const audit = new AuditLogService({
   *   clock, tokens: new TokenRegistry(clock), seed: 1, entries: 200, users: ["1", "2"],
   *   requestsPerMinute: 50, windowMs: 60_000,
   * });
   * const { entries, total } = audit.query({ events: ["login"] }, 0, 10);
   * assert.ok(total > 0);
   * assert.ok(entries.every((entry) => entry.event === "login"));
   * ```
   */
  query(
    filters: AuditQueryFilters,
    offset: number,
    limit: number,
  ): { entries: AuditEntry[]; total: number } {
    const { entries, total } = this.#select(
      filters,
      Math.max(0, Math.floor(offset)),
      Math.max(0, Math.floor(limit)),
      true,
    );
    return { entries, total };
  }

  #parseFilters(raw: string | null): AuditQueryFilters {
    if (raw === null || raw.trim() === "") return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new BadParameter(
        "Invalid 'filters' parameter: not valid JSON (send a URL-encoded JSON object)",
      );
    }
    if (
      parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
    ) {
      throw new BadParameter(
        "Invalid 'filters' parameter: expected a JSON object",
      );
    }
    const filters: AuditQueryFilters = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (!FILTER_KEYS.has(key)) {
        throw new BadParameter(
          `Invalid 'filters' parameter: unknown filter '${key}' (known: ${
            [...FILTER_KEYS].join(", ")
          })`,
        );
      }
      if (value === null || value === undefined) continue;
      switch (key) {
        case "user_id":
          if (
            !((typeof value === "number" && Number.isInteger(value)) ||
              (typeof value === "string" && value !== ""))
          ) {
            throw new BadParameter(
              `Invalid 'filters' parameter: 'user_id' must be a user id (number or string), got ${
                JSON.stringify(value)
              }`,
            );
          }
          filters.userId = String(value);
          break;
        case "events":
          if (
            !Array.isArray(value) ||
            !value.every((event) => typeof event === "string")
          ) {
            throw new BadParameter(
              `Invalid 'filters' parameter: 'events' must be a list of event names, got ${
                JSON.stringify(value)
              }`,
            );
          }
          filters.events = value as string[];
          break;
        case "ip_address":
          if (typeof value !== "string" || value === "") {
            throw new BadParameter(
              `Invalid 'filters' parameter: 'ip_address' must be a string, got ${
                JSON.stringify(value)
              }`,
            );
          }
          filters.ipAddress = value;
          break;
        case "start_time":
          filters.startTime = parseTime(value, "start_time");
          break;
        case "end_time":
          filters.endTime = parseTime(value, "end_time");
          break;
      }
    }
    if (
      filters.startTime !== undefined && filters.endTime !== undefined &&
      filters.startTime > filters.endTime
    ) {
      throw new BadParameter(
        "Invalid 'filters' parameter: 'start_time' is after 'end_time'",
      );
    }
    return filters;
  }

  /** First physical index whose timestamp is >= `time`. */
  #lowerBound(time: number): number {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#times[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First physical index whose timestamp is > `time`. */
  #upperBound(time: number): number {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#times[mid]! <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #select(
    filters: AuditQueryFilters,
    offset: number,
    limit: number,
    countAll: boolean,
  ): { entries: AuditEntry[]; total: number; more: boolean } {
    const from = filters.startTime === undefined
      ? 0
      : this.#lowerBound(filters.startTime);
    const to = filters.endTime === undefined
      ? this.#length
      : this.#upperBound(filters.endTime);
    if (from >= to) return { entries: [], total: 0, more: false };

    let userMatch = -1;
    if (filters.userId !== undefined) {
      userMatch = this.#users.indexOf(filters.userId);
      if (userMatch < 0) return { entries: [], total: 0, more: false };
    }
    let eventMask: Uint8Array | undefined;
    if (filters.events !== undefined) {
      eventMask = new Uint8Array(AUDIT_EVENT_NAMES.length);
      let any = false;
      for (const name of filters.events) {
        const index = AUDIT_EVENT_NAMES.indexOf(name);
        if (index >= 0) {
          eventMask[index] = 1;
          any = true;
        }
      }
      if (!any) return { entries: [], total: 0, more: false };
    }
    let ipMatches: Set<number> | undefined;
    if (filters.ipAddress !== undefined) {
      ipMatches = new Set();
      for (let i = 0; i < this.#users.length * IPS_PER_USER; i++) {
        if (ipAddress(i) === filters.ipAddress) ipMatches.add(i);
      }
      if (ipMatches.size === 0) return { entries: [], total: 0, more: false };
    }

    if (userMatch < 0 && eventMask === undefined && ipMatches === undefined) {
      const total = to - from;
      const entries: AuditEntry[] = [];
      for (let p = offset; p < Math.min(total, offset + limit); p++) {
        entries.push(this.#entry(to - 1 - p));
      }
      return { entries, total, more: offset + limit < total };
    }

    const users = this.#userIndex;
    const events = this.#eventIndex;
    const ips = this.#ipIndex;
    const entries: AuditEntry[] = [];
    let seen = 0;
    for (let i = to - 1; i >= from; i--) {
      if (userMatch >= 0 && users[i] !== userMatch) continue;
      if (eventMask !== undefined && eventMask[events[i]!] === 0) continue;
      if (ipMatches !== undefined && !ipMatches.has(ips[i]!)) continue;
      if (seen >= offset && seen < offset + limit) entries.push(this.#entry(i));
      seen++;
      if (!countAll && seen > offset + limit) break;
    }
    return { entries, total: seen, more: seen > offset + limit };
  }

  #reserve(capacity: number): void {
    if (capacity <= this.#times.length) return;
    const size = Math.max(capacity, this.#times.length * 2);
    const grow = <T extends Float64Array | Uint32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.#times = grow(this.#times, (n) => new Float64Array(n));
    this.#userIndex = grow(this.#userIndex, (n) => new Uint32Array(n));
    this.#eventIndex = grow(this.#eventIndex, (n) => new Uint8Array(n));
    this.#ipIndex = grow(this.#ipIndex, (n) => new Uint32Array(n));
  }

  #write(index: number, time: number, random: () => number): void {
    const userCount = this.#users.length;
    // A few busy users make most of the noise.
    const r = random();
    const user = r < 0.5
      ? Math.floor(random() * Math.min(userCount, 3))
      : Math.floor(random() * userCount);
    const e = random();
    let event = 0;
    while (
      event < EVENT_CUMULATIVE.length - 1 && EVENT_CUMULATIVE[event]! < e
    ) {
      event++;
    }
    const ip = random() < 0.8
      ? 0
      : 1 + Math.floor(random() * (IPS_PER_USER - 1));
    this.#times[index] = time;
    this.#userIndex[index] = user;
    this.#eventIndex[index] = event;
    this.#ipIndex[index] = user * IPS_PER_USER + ip;
  }

  #seedEntries(count: number): void {
    const random = seededRandom(this.#seed);
    const end = Math.floor(this.#clock.now());
    // Walk back from now: gaps of up to a minute, and runs of equal
    // timestamps (bursts) now and then, which clients must de-duplicate.
    let time = end - 1000 - Math.floor(random() * 5000);
    for (let i = count - 1; i >= 0; i--) {
      this.#write(i, time, random);
      const g = random();
      time -= g < 0.12 ? 0 : 1 + Math.floor(random() * 60_000);
    }
    this.#length = count;
  }

  #entry(index: number): AuditEntry {
    const hash = mix(this.#seed, index);
    const user = this.#userIndex[index]!;
    const event = AUDIT_EVENT_NAMES[this.#eventIndex[index]!]!;
    const platform = PLATFORMS[
      (mix(this.#seed, user) + (hash % 7 === 0 ? hash : 0)) %
      PLATFORMS.length
    ]!;
    return {
      timestamp: new Date(this.#times[index]!).toISOString(),
      account_id: this.#accountId,
      user_id: this.#userIds[user]!,
      event,
      slug: this.#slug,
      ip_address: ipAddress(this.#ipIndex[index]!),
      user_agent: platform.user_agent,
      client_name: platform.client_name,
      client_version: platform.client_version,
      os_name: platform.os_name,
      os_version: platform.os_version,
      device_name: platform.device_name,
      device_type: platform.device_type,
      activity_metadata: this.#metadata(event, hash),
    };
  }

  #metadata(event: string, hash: number): Record<string, unknown> {
    const target = this.#userIds[hash % this.#userIds.length]!;
    const id = 1_000_000 + (hash % 900_000);
    const roles = ["member", "viewer", "admin", "guest"];
    switch (event) {
      case "failed-login":
        return {
          reason: ["wrong_password", "sso_required", "unknown_email"][hash % 3],
        };
      case "export-board":
      case "delete-board":
        return { board_id: id, board_name: `Board ${id % 1000}` };
      case "export-board-activity-log":
        return { board_id: id };
      case "export-dashboard":
        return { dashboard_id: id };
      case "download-attachment":
        return { asset_id: id, file_name: `file-${id}.pdf` };
      case "user-invite":
      case "cancel-user-invite":
        return { invited_user_email: `invitee${hash % 500}@example.com` };
      case "user-role-change":
        return {
          target_user_id: target,
          old_role: roles[hash % 4],
          new_role: roles[(hash + 1) % 4],
        };
      case "user-deactivated":
      case "user-reactivated":
      case "user-details-deleted":
        return { target_user_id: target };
      case "delete-workspace":
        return { workspace_id: id };
      case "create-team":
        return { team_id: id, team_name: `Team ${id % 100}` };
      case "delete-team":
        return { team_id: id };
      case "add-user-to-team":
      case "remove-user-from-team":
        return { team_id: id, target_user_id: target };
      case "add-user-to-product":
      case "remove-user-from-product":
        return {
          product: ["work_management", "crm", "dev", "service"][hash % 4],
          target_user_id: target,
        };
      case "security-settings-change": {
        const [setting, before, after] = [
          ["two_factor_auth", "optional", "required"],
          ["session_timeout", "8h", "30m"],
          ["ip_restrictions", "disabled", "enabled"],
          ["two_factor_auth", "required", "optional"],
        ][hash % 4]!;
        return { setting, old_value: before, new_value: after };
      }
      default:
        return {};
    }
  }
}
