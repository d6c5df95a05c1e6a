/**
 * Turns an HTTP status and a response body, in any of the shapes monday has
 * used, into the right {@linkcode MondayApiError} subclass.
 *
 * @module
 */

import { parseRateLimit, parseRetryAfter } from "../_http/mod.ts";
import {
  AuthenticationError,
  ComplexityBudgetError,
  ConcurrencyLimitError,
  ConflictError,
  CursorExpiredError,
  DailyLimitError,
  type DataValidationDetail,
  DataValidationError,
  FieldLimitError,
  GraphQLValidationError,
  InvalidVersionError,
  IpRateLimitError,
  MondayApiError,
  type MondayApiErrorOptions,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "./errors.ts";
import type { GraphQLErrorEntry, SourceLocation } from "./types.ts";

/** What the classifier looks at. */
export interface ClassifyInput {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The parsed JSON body, or `undefined` when it was not JSON. */
  body: unknown;
  /** The raw body text (for non-JSON error bodies). */
  text: string;
  /** Current time (ms), for HTTP-date `Retry-After` and the daily reset. */
  nowMs: number;
  /** Values to remove from messages. */
  secrets?: readonly string[];
  /** Redacts secrets from text. */
  redact?: (text: string) => string;
  /**
   * Whether the request carried an `Idempotency-Key`: then a 409 with
   * `Retry-After` is a concurrent duplicate to retry, whatever its code.
   */
  keyed?: boolean;
}

type Kind =
  | "auth"
  | "permission"
  | "daily"
  | "complexity"
  | "ip"
  | "concurrency"
  | "field"
  | "rate"
  | "cursor"
  | "version"
  | "validation"
  | "notfound"
  | "conflict"
  | "datavalidation"
  | "server"
  | "other";

/** Priority when one response carries several errors: first wins. */
const PRIORITY: readonly Kind[] = [
  "auth",
  "daily",
  "ip",
  "concurrency",
  "complexity",
  "rate",
  "field",
  "version",
  "validation",
  "permission",
  "cursor",
  "conflict",
  "datavalidation",
  "notfound",
  "server",
  "other",
];

const CODES: Record<string, Kind> = {
  userunauthorized: "auth",
  unauthorized: "auth",
  notauthenticated: "auth",
  unauthenticated: "auth",
  oauth21tokenrequired: "auth",
  invalidtoken: "auth",
  authenticationerror: "auth",
  useraccessdenied: "permission",
  missingrequiredpermissions: "permission",
  forbidden: "permission",
  accessdenied: "permission",
  permissiondenied: "permission",
  dailylimitexceeded: "daily",
  complexity: "complexity",
  complexitybudgetexhausted: "complexity",
  maxcomplexityexceeded: "complexity",
  complexityexceeded: "complexity",
  ipratelimitexceeded: "ip",
  maxconcurrencyexceeded: "concurrency",
  concurrencylimitexceeded: "concurrency",
  fieldlimitexceeded: "field",
  ratelimitexceeded: "rate",
  ratelimit: "rate",
  toomanyrequests: "rate",
  cursorexpired: "cursor",
  expiredcursor: "cursor",
  invalidcursor: "cursor",
  invalidversion: "version",
  parseerror: "validation",
  graphqlparsefailed: "validation",
  graphqlvalidationfailed: "validation",
  undefinedfield: "validation",
  undefinedtype: "validation",
  argumentnotaccepted: "validation",
  missingrequiredarguments: "validation",
  argumentliteralsincompatible: "validation",
  variablemismatch: "validation",
  invalidgraphqlrequest: "validation",
  resourcenotfound: "notfound",
  notfound: "notfound",
  invalidboardid: "notfound",
  idempotencyconflict: "conflict",
  deletelastgroup: "conflict",
  resourcelocked: "conflict",
  conflict: "conflict",
  datavalidationserror: "datavalidation",
  datavalidationerror: "datavalidation",
  recordinvalid: "datavalidation",
  internalservererror: "server",
  apitemporarilyblocked: "server",
};

/**
 * Normalises an error code for matching: lower case, letters and digits
 * only, without a trailing `Exception`.
 */
export function normalizeCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, "").replace(
    /exception$/,
    "",
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/** Extracts the error entries of a body in the current and legacy shapes. */
export function errorEntries(body: unknown): GraphQLErrorEntry[] {
  if (!isRecord(body)) return [];
  const entries: GraphQLErrorEntry[] = [];
  if (Array.isArray(body.errors)) {
    for (const raw of body.errors) {
      if (typeof raw === "string") {
        entries.push({ message: raw });
      } else if (isRecord(raw)) {
        const entry: GraphQLErrorEntry = {
          message: typeof raw.message === "string"
            ? raw.message
            : String(raw.message ?? "Unknown error"),
        };
        if (Array.isArray(raw.locations)) {
          entry.locations = raw.locations.filter(isRecord).map((l) => ({
            line: toNumber(l.line) ?? 0,
            column: toNumber(l.column) ?? 0,
          }));
        }
        if (Array.isArray(raw.path)) {
          entry.path = raw.path.filter((p): p is string | number =>
            typeof p === "string" || typeof p === "number"
          );
        }
        const extensions: Record<string, unknown> = isRecord(raw.extensions)
          ? { ...raw.extensions }
          : {};
        // Some older answers put the code beside the message.
        if (extensions.code === undefined && typeof raw.code === "string") {
          extensions.code = raw.code;
        }
        if (Object.keys(extensions).length > 0) entry.extensions = extensions;
        entries.push(entry);
      }
    }
  }
  if (
    typeof body.error_code === "string" ||
    typeof body.error_message === "string"
  ) {
    const extensions: Record<string, unknown> = {};
    if (typeof body.error_code === "string") extensions.code = body.error_code;
    if (body.status_code !== undefined) {
      extensions.status_code = body.status_code;
    }
    if (body.error_data !== undefined) extensions.error_data = body.error_data;
    const message = typeof body.error_message === "string"
      ? body.error_message
      : String(body.error_code);
    // The legacy (2024-10) body carries `errors[]` next to `error_code`: the
    // same error told twice. The top-level fields describe the entry with the
    // same message, else the first one without a code; one error, not two.
    const same = entries.find((e) => e.message === message) ??
      entries.find((e) => typeof e.extensions?.code !== "string");
    if (same) {
      same.extensions = { ...extensions, ...same.extensions };
      if (typeof same.extensions.code !== "string" && extensions.code) {
        same.extensions.code = extensions.code;
      }
    } else {
      entries.push({ message, extensions });
    }
  } else if (typeof body.error === "string" && entries.length === 0) {
    entries.push({ message: body.error });
  }
  return entries;
}

function kindOf(entry: GraphQLErrorEntry, httpStatus: number): Kind {
  const code = typeof entry.extensions?.code === "string"
    ? normalizeCode(entry.extensions.code)
    : "";
  const byCode = CODES[code];
  if (byCode) return byCode;
  if (code.includes("cursor") && code.includes("expired")) return "cursor";
  const message = entry.message.toLowerCase();
  if (/cursor (has )?expired|cursorexpired|expired cursor/.test(message)) {
    return "cursor";
  }
  if (/^parse error on/.test(message)) return "validation";
  if (/complexity budget exhausted/.test(message)) return "complexity";
  if (/daily limit/.test(message)) return "daily";
  if (/max(imum)? concurrency/.test(message)) return "concurrency";
  if (/rate limit exceeded/.test(message)) return "rate";
  if (/invalid api[- ]version|invalidversion/.test(message)) return "version";
  if (/not authenticated|user unauthorized/.test(message)) return "auth";
  if (/resource is currently locked/.test(message)) return "conflict";
  const status = toNumber(entry.extensions?.status_code) ?? httpStatus;
  return kindOfStatus(status);
}

function kindOfStatus(status: number): Kind {
  if (status === 401) return "auth";
  if (status === 403) return "permission";
  if (status === 404) return "notfound";
  if (status === 409 || status === 423) return "conflict";
  if (status === 422) return "datavalidation";
  if (status === 429) return "rate";
  if (status >= 500) return "server";
  return "other";
}

/** Seconds until the next 00:00 UTC, in ms. */
function untilUtcMidnight(nowMs: number): number {
  const d = new Date(nowMs);
  const next = Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate() + 1,
  );
  return next - nowMs;
}

/**
 * How long the server asked to wait, in ms: `Retry-After`, else
 * `retry_in_seconds` (in `extensions` or `error_data`), else the `RateLimit`
 * header's `t` for an exhausted budget, else the number in a legacy message
 * ("reset in 16 seconds").
 */
export function waitHint(
  headers: Headers,
  entry: GraphQLErrorEntry | undefined,
  nowMs: number,
): number | undefined {
  const header = parseRetryAfter(headers.get("retry-after"), nowMs);
  if (header !== undefined) return header;
  const ext = entry?.extensions;
  if (ext) {
    const data = isRecord(ext.error_data) ? ext.error_data : {};
    const complexity = isRecord(ext.complexity) ? ext.complexity : {};
    const seconds = toNumber(ext.retry_in_seconds) ??
      toNumber(data.retry_in_seconds) ??
      toNumber(complexity.retry_in_seconds) ??
      toNumber(complexity.reset_in_x_seconds);
    if (seconds !== undefined) return Math.max(0, seconds * 1000);
  }
  let fromRateLimit: number | undefined;
  for (const item of parseRateLimit(headers.get("ratelimit"))) {
    if (item.remaining <= 0 && item.resetSeconds !== undefined) {
      fromRateLimit = Math.max(fromRateLimit ?? 0, item.resetSeconds * 1000);
    }
  }
  if (fromRateLimit !== undefined) return fromRateLimit;
  const match = entry?.message.match(
    /(?:reset|retry|try again)\s+(?:in|after)\s+(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|ms|milliseconds?|minutes?)\b/i,
  );
  if (match?.[1]) {
    const n = Number(match[1]);
    const unit = (match[2] ?? "s").toLowerCase();
    if (unit.startsWith("m") && unit !== "ms" && !unit.startsWith("mil")) {
      return n * 60_000;
    }
    return unit === "ms" || unit.startsWith("mil") ? n : n * 1000;
  }
  return undefined;
}

function dataValidationDetails(
  entry: GraphQLErrorEntry,
): DataValidationDetail[] {
  const ext = entry.extensions ?? {};
  const raw = Array.isArray(ext.error_data)
    ? ext.error_data
    : isRecord(ext.error_data) && Array.isArray(ext.error_data.errors)
    ? ext.error_data.errors
    : [];
  const details: DataValidationDetail[] = [];
  for (const item of raw) {
    if (!isRecord(item)) continue;
    const detail: DataValidationDetail = {
      message: typeof item.message === "string" ? item.message : entry.message,
    };
    const itemId = item.itemId ?? item.item_id;
    if (typeof itemId === "string" || typeof itemId === "number") {
      detail.itemId = String(itemId);
    }
    const columnIds = item.columnIds ?? item.column_ids ?? item.columnId;
    if (Array.isArray(columnIds)) detail.columnIds = columnIds.map(String);
    else if (typeof columnIds === "string") detail.columnIds = [columnIds];
    details.push(detail);
  }
  return details;
}

/** How deep {@linkcode cleanValue} walks before it stops copying. */
const MAX_CLEAN_DEPTH = 32;

/**
 * A copy of a JSON value from a server with every string (object keys
 * included) passed through `clean`, so that secrets a server echoes back in
 * `extensions`, `error_data` or partial `data` never reach the error's
 * fields. Depth-bounded: anything deeper becomes `"[too deep]"`.
 */
function cleanValue(
  value: unknown,
  clean: (text: string) => string,
  depth = 0,
): unknown {
  if (typeof value === "string") return clean(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_CLEAN_DEPTH) return "[too deep]";
  if (Array.isArray(value)) {
    return value.map((item) => cleanValue(item, clean, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[clean(key)] = cleanValue(item, clean, depth + 1);
  }
  return out;
}

/** An error entry with every server-supplied string cleaned. */
function cleanEntry(
  entry: GraphQLErrorEntry,
  clean: (text: string) => string,
): GraphQLErrorEntry {
  const out: GraphQLErrorEntry = { ...entry, message: clean(entry.message) };
  if (entry.path) {
    out.path = entry.path.map((p) => typeof p === "string" ? clean(p) : p);
  }
  if (entry.extensions) {
    out.extensions = cleanValue(entry.extensions, clean) as Record<
      string,
      unknown
    >;
  }
  return out;
}

/**
 * Classifies a response. Returns `undefined` for a successful response (2xx
 * without errors), else the error to throw.
 *
 * @param input The response's status, headers and body.
 * @returns The error, or `undefined`.
 */
export function classifyResponse(
  input: ClassifyInput,
): MondayApiError | undefined {
  const { status, headers, body, nowMs } = input;
  const clean = input.redact ?? ((text: string) => text);
  const entries = errorEntries(body);
  const ok = status >= 200 && status < 300;
  if (ok && entries.length === 0) {
    if (body === undefined) {
      return new ServerError(
        `Cannot read the response: the body is not valid JSON (HTTP ${status})`,
        { status, retryable: true, requestId: requestIdOf(input) },
      );
    }
    return undefined;
  }
  if (entries.length === 0) {
    // An error status with nothing readable in the body.
    const text = clean(input.text.trim()).slice(0, 200);
    entries.push({ message: text || `HTTP ${status}` });
  }
  let chosen: { kind: Kind; entry: GraphQLErrorEntry } | undefined;
  for (const entry of entries) {
    const kind = kindOf(entry, ok ? 0 : status);
    if (
      !chosen || PRIORITY.indexOf(kind) < PRIORITY.indexOf(chosen.kind)
    ) {
      chosen = { kind, entry };
    }
  }
  // A non-2xx status without a specific code decides the class itself.
  if (chosen && chosen.kind === "other" && !ok) {
    chosen = { kind: kindOfStatus(status), entry: chosen.entry };
  }
  // monday documents the answer to a concurrent duplicate of a keyed
  // mutation as 409 with Retry-After; its code string is not documented, so
  // the status, the header and the key decide, not the code.
  const keyedConflict = input.keyed === true && status === 409 &&
    headers.has("retry-after");
  if (chosen && keyedConflict) {
    chosen = { kind: "conflict", entry: chosen.entry };
  }
  const { kind, entry: rawEntry } = chosen!;
  // Classified on what the server sent; reported with every string cleaned.
  const entry = cleanEntry(rawEntry, clean);
  const ext = entry.extensions ?? {};
  const code = typeof ext.code === "string" ? ext.code : undefined;
  let message = entry.message;
  if (entries.length > 1) {
    message += ` (and ${entries.length - 1} more error${
      entries.length > 2 ? "s" : ""
    })`;
  }
  const retryAfterMs = waitHint(headers, rawEntry, nowMs);
  const data = isRecord(body)
    ? cleanValue(body.data ?? undefined, clean)
    : undefined;
  const requestId = requestIdOf(input);
  const options: MondayApiErrorOptions = {
    code,
    status,
    requestId: requestId === undefined ? undefined : clean(requestId),
    path: entry.path,
    locations: entry.locations as SourceLocation[] | undefined,
    retryAfterMs,
    errors: entries.map((e) => cleanEntry(e, clean)),
    data,
  };
  switch (kind) {
    case "auth":
      return new AuthenticationError(message, options);
    case "permission":
      return new PermissionError(message, options);
    case "daily":
      return new DailyLimitError(message, {
        ...options,
        retryAfterMs: retryAfterMs ?? untilUtcMidnight(nowMs),
        retryable: false,
      });
    case "complexity": {
      const complexity = isRecord(ext.complexity) ? ext.complexity : {};
      const errorData = isRecord(ext.error_data) ? ext.error_data : {};
      const legacy = entry.message.match(
        /query cost (\d+).*?budget remaining (\d+) out of (\d+)/i,
      );
      const tooBig =
        /exceeds max(imum)? complexity|max complexity|maxcomplexity/i.test(
          entry.message,
        ) || normalizeCode(code ?? "") === "maxcomplexityexceeded";
      return new ComplexityBudgetError(message, {
        ...options,
        retryable: !tooBig,
        budgetLeft: toNumber(ext.complexity_budget_left) ??
          toNumber(errorData.complexity_budget_left) ??
          toNumber(complexity.budget_left) ??
          (legacy ? Number(legacy[2]) : undefined),
        budgetLimit: toNumber(ext.complexity_budget_limit) ??
          toNumber(errorData.complexity_budget_limit) ??
          toNumber(complexity.budget_limit) ??
          (legacy ? Number(legacy[3]) : undefined),
        queryCost: toNumber(ext.complexity) ??
          toNumber(complexity.query) ?? toNumber(errorData.complexity) ??
          (legacy ? Number(legacy[1]) : undefined),
      });
    }
    case "ip":
      return new IpRateLimitError(message, { ...options, retryable: true });
    case "concurrency":
      return new ConcurrencyLimitError(message, {
        ...options,
        retryable: true,
      });
    case "field": {
      const errorData = isRecord(ext.error_data) ? ext.error_data : {};
      const named = [errorData.entity, errorData.field, entry.path?.[0]].find(
        (v): v is string => typeof v === "string" && /^[_A-Za-z]\w*$/.test(v),
      );
      return new FieldLimitError(message, {
        ...options,
        retryable: true,
        field: named,
      });
    }
    case "rate":
      return new RateLimitError(message, { ...options, retryable: true });
    case "cursor":
      return new CursorExpiredError(message, options);
    case "version":
      return new InvalidVersionError(message, options);
    case "validation":
      return new GraphQLValidationError(message, options);
    case "notfound":
      return new NotFoundError(message, options);
    case "conflict": {
      const normalized = normalizeCode(code ?? "");
      const retryable = keyedConflict ||
        normalized === "idempotencyconflict" ||
        normalized === "resourcelocked" || status === 423 ||
        /currently locked/i.test(entry.message);
      return new ConflictError(message, { ...options, retryable });
    }
    case "datavalidation":
      return new DataValidationError(message, {
        ...options,
        details: dataValidationDetails(entry),
      });
    case "server":
      return new ServerError(message, {
        ...options,
        retryable: status !== 501,
      });
    default:
      return new MondayApiError(message, {
        ...options,
        retryable: status === 408 || status === 425 || status === 429 ||
          (status >= 500 && status !== 501),
      });
  }
}

function requestIdOf(input: ClassifyInput): string | undefined {
  const body = input.body;
  if (isRecord(body) && isRecord(body.extensions)) {
    const id = body.extensions.request_id;
    if (typeof id === "string" || typeof id === "number") return String(id);
  }
  return input.headers.get("x-request-id") ??
    input.headers.get("request-id") ?? undefined;
}

/** The request id of a response body or its headers. */
export function requestIdOfResponse(
  body: unknown,
  headers: Headers,
): string | undefined {
  return requestIdOf({ status: 0, headers, body, text: "", nowMs: 0 });
}
