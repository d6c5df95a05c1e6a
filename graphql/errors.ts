/**
 * The error classes the GraphQL client throws: one hierarchy under
 * {@linkcode MondayApiError}, so `catch (e) { if (e instanceof MondayApiError) ... }`
 * catches every failure the API reports, and subclasses name the conditions a
 * caller reacts to.
 *
 * @module
 */

import type { GraphQLErrorEntry, SourceLocation } from "./types.ts";

/** Fields of a {@linkcode MondayApiError}, all optional. */
export interface MondayApiErrorOptions {
  /** monday's error code as sent (e.g. `COMPLEXITY_BUDGET_EXHAUSTED`). */
  code?: string | undefined;
  /** The HTTP status of the response. */
  status?: number | undefined;
  /** monday's request id. */
  requestId?: string | undefined;
  /** The response path of the failing field. */
  path?: readonly (string | number)[] | undefined;
  /** Where in the document the error is. */
  locations?: readonly SourceLocation[] | undefined;
  /** How long the server asked to wait before retrying, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** Whether sending the same request again may succeed. */
  retryable?: boolean | undefined;
  /** Every entry of the response's `errors` array. */
  errors?: readonly GraphQLErrorEntry[] | undefined;
  /** The partial `data` the response carried with its errors. */
  data?: unknown;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Any failure reported by monday's API. (A request that got no answer
 * throws `NetworkError` or `RequestTimeoutError` instead, shared with the
 * audit log client.)
 *
 * @example Catching any API failure
 * ```ts
 * import { MondayApiError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new MondayApiError("Something failed", { code: "X", status: 400 });
 * assert.ok(error instanceof Error);
 * assert.equal(error.code, "X");
 * assert.equal(error.retryable, false);
 * ```
 */
export class MondayApiError extends Error {
  /** Always `"MondayApiError"`. */
  override name = "MondayApiError";
  /** monday's error code as sent, if any. */
  readonly code: string | undefined;
  /** The HTTP status, if a response arrived. */
  readonly status: number | undefined;
  /** monday's request id, to quote to monday's support. */
  readonly requestId: string | undefined;
  /** The response path of the failing field. */
  readonly path: readonly (string | number)[] | undefined;
  /** Where in the document the error is. */
  readonly locations: readonly SourceLocation[] | undefined;
  /** How long the server asked to wait before retrying, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** Every entry of the response's `errors` array (empty when none). */
  readonly errors: readonly GraphQLErrorEntry[];
  /** The partial `data` the response carried with its errors, if any. */
  readonly data: unknown;

  /**
   * Creates an error.
   *
   * @param message What went wrong.
   * @param options The error's fields.
   */
  constructor(message: string, options: MondayApiErrorOptions = {}) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = options.code;
    this.status = options.status;
    this.requestId = options.requestId;
    this.path = options.path;
    this.locations = options.locations;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? false;
    this.errors = options.errors ?? [];
    this.data = options.data;
  }
}

/**
 * The credentials were refused (HTTP 401, `USER_UNAUTHORIZED`,
 * `UserUnauthorizedException`, `OAUTH21_TOKEN_REQUIRED`). Not retryable.
 *
 * @example
 * ```ts
 * import { AuthenticationError, MondayApiError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new AuthenticationError("Not authenticated", { status: 401 });
 * assert.ok(error instanceof MondayApiError);
 * ```
 */
export class AuthenticationError extends MondayApiError {
  /** Always `"AuthenticationError"`. */
  override name = "AuthenticationError";
}

/**
 * The user or token lacks a permission or scope (`USER_ACCESS_DENIED`,
 * `missingRequiredPermissions`, HTTP 403). Not retryable.
 *
 * @example
 * ```ts
 * import { PermissionError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PermissionError("Denied").name, "PermissionError");
 * ```
 */
export class PermissionError extends MondayApiError {
  /** Always `"PermissionError"`. */
  override name = "PermissionError";
}

/** Fields of a {@linkcode ComplexityBudgetError}. */
export interface ComplexityBudgetErrorOptions extends MondayApiErrorOptions {
  /** Points left in the budget, when monday said. */
  budgetLeft?: number | undefined;
  /** The budget's size, when monday said. */
  budgetLimit?: number | undefined;
  /** What the query would have cost, when monday said. */
  queryCost?: number | undefined;
}

/**
 * The complexity budget is used up, or one query is too complex. Matches all
 * four spellings monday has used (`ComplexityException`,
 * `complexityBudgetExhausted`, `COMPLEXITY_BUDGET_EXHAUSTED` with or without
 * details). Retryable after `retryAfterMs` unless the single query exceeds the
 * per-query maximum.
 *
 * @example
 * ```ts
 * import { ComplexityBudgetError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new ComplexityBudgetError("Budget exhausted", { retryAfterMs: 16_000, budgetLeft: 747, retryable: true });
 * assert.equal(error.budgetLeft, 747);
 * ```
 */
export class ComplexityBudgetError extends MondayApiError {
  /** Always `"ComplexityBudgetError"`. */
  override name = "ComplexityBudgetError";
  /** Points left in the budget, when monday said. */
  readonly budgetLeft: number | undefined;
  /** The budget's size, when monday said. */
  readonly budgetLimit: number | undefined;
  /** What the query would have cost, when monday said. */
  readonly queryCost: number | undefined;

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param options The error's fields.
   */
  constructor(message: string, options: ComplexityBudgetErrorOptions = {}) {
    super(message, options);
    this.budgetLeft = options.budgetLeft;
    this.budgetLimit = options.budgetLimit;
    this.queryCost = options.queryCost;
  }
}

/**
 * Too many requests this minute (HTTP 429 `Rate Limit Exceeded`). Retryable.
 *
 * @example
 * ```ts
 * import { RateLimitError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new RateLimitError("Slow down", { retryAfterMs: 1000 }).retryAfterMs, 1000);
 * ```
 */
export class RateLimitError extends MondayApiError {
  /** Always `"RateLimitError"`. */
  override name = "RateLimitError";
}

/**
 * Too many requests in flight at once (HTTP 429 `maxConcurrencyExceeded`).
 * Retryable.
 *
 * @example
 * ```ts
 * import { ConcurrencyLimitError, RateLimitError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new ConcurrencyLimitError("Too many") instanceof RateLimitError);
 * ```
 */
export class ConcurrencyLimitError extends RateLimitError {
  /** Always `"ConcurrencyLimitError"`. */
  override name = "ConcurrencyLimitError";
}

/**
 * Too many requests from this IP address (HTTP 429 `IP_RATE_LIMIT_EXCEEDED`).
 * Retryable.
 *
 * @example
 * ```ts
 * import { IpRateLimitError, RateLimitError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new IpRateLimitError("Too many") instanceof RateLimitError);
 * ```
 */
export class IpRateLimitError extends RateLimitError {
  /** Always `"IpRateLimitError"`. */
  override name = "IpRateLimitError";
}

/** Fields of a {@linkcode FieldLimitError}. */
export interface FieldLimitErrorOptions extends MondayApiErrorOptions {
  /** The field whose limit was hit (e.g. `create_board`), when monday said. */
  field?: string | undefined;
}

/**
 * A field's own limit was hit (`FIELD_LIMIT_EXCEEDED`, HTTP 429, with
 * `retry_in_seconds`): monday limits concurrent calls per field, so the
 * client pauses calls to that `field` only, not every request. Retryable.
 *
 * @example
 * ```ts
 * import { FieldLimitError, RateLimitError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new FieldLimitError("Too many", { field: "create_board" });
 * assert.ok(error instanceof RateLimitError);
 * assert.equal(error.field, "create_board");
 * ```
 */
export class FieldLimitError extends RateLimitError {
  /** Always `"FieldLimitError"`. */
  override name = "FieldLimitError";
  /** The field whose limit was hit, when monday said. */
  readonly field: string | undefined;

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param options The error's fields.
   */
  constructor(message: string, options: FieldLimitErrorOptions = {}) {
    super(message, options);
    this.field = options.field;
  }
}

/**
 * The account's daily call limit is used up (`DAILY_LIMIT_EXCEEDED`). Not
 * retryable: it resets at 00:00 UTC, which `retryAfterMs` points to.
 *
 * @example
 * ```ts
 * import { DailyLimitError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new DailyLimitError("Daily limit").retryable, false);
 * ```
 */
export class DailyLimitError extends MondayApiError {
  /** Always `"DailyLimitError"`. */
  override name = "DailyLimitError";
}

/**
 * An `items_page` cursor is older than 60 minutes. Not retryable with the same
 * cursor; `MondayClient.paginateItems` restarts by itself.
 *
 * @example
 * ```ts
 * import { CursorExpiredError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new CursorExpiredError("Cursor expired").name, "CursorExpiredError");
 * ```
 */
export class CursorExpiredError extends MondayApiError {
  /** Always `"CursorExpiredError"`. */
  override name = "CursorExpiredError";
}

/**
 * The `API-Version` header is malformed (`InvalidVersionException`).
 *
 * @example
 * ```ts
 * import { InvalidVersionError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new InvalidVersionError("Bad version").retryable, false);
 * ```
 */
export class InvalidVersionError extends MondayApiError {
  /** Always `"InvalidVersionError"`. */
  override name = "InvalidVersionError";
}

/**
 * The document does not parse or does not validate against the schema
 * (`Parse error on ...`, `undefinedField`, or the client's own `validate`
 * option). `locations` says where.
 *
 * @example
 * ```ts
 * import { GraphQLValidationError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new GraphQLValidationError("Cannot query field 'x'", { locations: [{ line: 1, column: 3 }] });
 * assert.deepEqual(error.locations, [{ line: 1, column: 3 }]);
 * ```
 */
export class GraphQLValidationError extends MondayApiError {
  /** Always `"GraphQLValidationError"`. */
  override name = "GraphQLValidationError";
}

/**
 * The board, item or other resource does not exist or is not visible
 * (`ResourceNotFoundException`, `InvalidBoardIdException`, HTTP 404).
 *
 * @example
 * ```ts
 * import { NotFoundError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new NotFoundError("No board").name, "NotFoundError");
 * ```
 */
export class NotFoundError extends MondayApiError {
  /** Always `"NotFoundError"`. */
  override name = "NotFoundError";
}

/**
 * A conflict: a concurrent duplicate of an idempotent mutation (HTTP 409 with
 * `Retry-After` on a request that carried an `Idempotency-Key`, whatever its
 * code, or the code `IDEMPOTENCY_CONFLICT`; retryable), a locked resource
 * (HTTP 423, retryable) or a request that conflicts with the resource's state
 * (HTTP 409).
 *
 * @example
 * ```ts
 * import { ConflictError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ConflictError("In progress", { code: "IDEMPOTENCY_CONFLICT", retryable: true }).retryable, true);
 * ```
 */
export class ConflictError extends MondayApiError {
  /** Always `"ConflictError"`. */
  override name = "ConflictError";
}

/** One failed item of a {@linkcode DataValidationError}. */
export interface DataValidationDetail {
  /** The item whose values were refused. */
  itemId?: string;
  /** The columns concerned. */
  columnIds?: string[];
  /** Why. */
  message: string;
}

/** Fields of a {@linkcode DataValidationError}. */
export interface DataValidationErrorOptions extends MondayApiErrorOptions {
  /** Per-item details. */
  details?: readonly DataValidationDetail[] | undefined;
}

/**
 * monday refused column values (`DATA_VALIDATIONS_ERROR`,
 * `RecordInvalidException`); `details` lists each item and column.
 *
 * @example
 * ```ts
 * import { DataValidationError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new DataValidationError("Invalid", { details: [{ itemId: "1", columnIds: ["status"], message: "Bad label" }] });
 * assert.equal(error.details[0]?.itemId, "1");
 * ```
 */
export class DataValidationError extends MondayApiError {
  /** Always `"DataValidationError"`. */
  override name = "DataValidationError";
  /** Per-item details, empty when monday sent none. */
  readonly details: readonly DataValidationDetail[];

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param options The error's fields.
   */
  constructor(message: string, options: DataValidationErrorOptions = {}) {
    super(message, options);
    this.details = options.details ?? [];
  }
}

/**
 * monday failed (HTTP 5xx, `Internal Server Error`, `API_TEMPORARILY_BLOCKED`)
 * or answered with an unreadable body. Usually retryable.
 *
 * @example
 * ```ts
 * import { ServerError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ServerError("Oops", { status: 502, retryable: true }).status, 502);
 * ```
 */
export class ServerError extends MondayApiError {
  /** Always `"ServerError"`. */
  override name = "ServerError";
}
