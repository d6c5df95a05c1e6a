import assert from "node:assert/strict";
import { classifyResponse, waitHint } from "../../graphql/_classify.ts";
import {
  AuthenticationError,
  ComplexityBudgetError,
  ConcurrencyLimitError,
  ConflictError,
  CursorExpiredError,
  DailyLimitError,
  DataValidationError,
  FieldLimitError,
  GraphQLValidationError,
  InvalidVersionError,
  IpRateLimitError,
  MondayApiError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "../../graphql/errors.ts";

const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);

function classify(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): MondayApiError | undefined {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return classifyResponse({
    status,
    headers: new Headers(headers),
    body: parsed,
    text,
    nowMs: NOW,
  });
}

function current(
  code: string | undefined,
  message = "Failed",
  extensions: Record<string, unknown> = {},
  rest: Record<string, unknown> = {},
) {
  return {
    errors: [{
      message,
      extensions: { ...(code ? { code } : {}), ...extensions },
      ...rest,
    }],
    extensions: { request_id: "req-1" },
  };
}

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => MondayApiError;

function expectClass(
  error: MondayApiError | undefined,
  cls: ErrorClass,
  retryable: boolean,
): MondayApiError {
  assert.ok(error, "expected an error");
  assert.equal(error.constructor, cls, `got ${error.name}: ${error.message}`);
  assert.equal(error.retryable, retryable, `retryable of ${error.name}`);
  return error;
}

Deno.test("classify: a successful body is not an error", () => {
  assert.equal(classify(200, { data: { me: { id: "1" } } }), undefined);
});

Deno.test("classify: authentication in every shape", () => {
  expectClass(classify(401, "Not Authenticated"), AuthenticationError, false);
  expectClass(
    classify(200, current("USER_UNAUTHORIZED", "User unauthorized")),
    AuthenticationError,
    false,
  );
  expectClass(
    classify(403, current("UserUnauthorizedException")),
    AuthenticationError,
    false,
  );
  expectClass(
    classify(200, {
      error_code: "UserUnauthorizedException",
      error_message: "User unauthorized to perform action",
      status_code: 403,
    }),
    AuthenticationError,
    false,
  );
  expectClass(
    classify(401, current("OAUTH21_TOKEN_REQUIRED")),
    AuthenticationError,
    false,
  );
  expectClass(
    classify(401, { errors: [{ message: "Your ip is restricted" }] }),
    AuthenticationError,
    false,
  );
  const error = classify(401, current("user_unauthorized"));
  assert.equal(error?.requestId, "req-1");
  assert.equal(error?.status, 401);
  assert.equal(error?.code, "user_unauthorized");
});

Deno.test("classify: permission", () => {
  expectClass(
    classify(403, current("USER_ACCESS_DENIED")),
    PermissionError,
    false,
  );
  expectClass(
    classify(200, current("missingRequiredPermissions", "Missing scope")),
    PermissionError,
    false,
  );
  expectClass(classify(403, "Forbidden"), PermissionError, false);
});

Deno.test("classify: complexity in all four spellings, with waits and figures", () => {
  const legacy = expectClass(
    classify(200, {
      error_code: "ComplexityException",
      status_code: 429,
      error_message:
        "Complexity budget exhausted, query cost 222080 budget remaining 747 out of 10000000 reset in 16 seconds",
      account_id: 1,
    }),
    ComplexityBudgetError,
    true,
  ) as ComplexityBudgetError;
  assert.equal(legacy.retryAfterMs, 16_000);
  assert.equal(legacy.queryCost, 222080);
  assert.equal(legacy.budgetLeft, 747);
  assert.equal(legacy.budgetLimit, 10_000_000);

  const camel = expectClass(
    classify(
      200,
      current(
        "complexityBudgetExhausted",
        "Complexity budget exhausted, query cost 30001 budget remaining 29958 out of 1000000 reset in 5 seconds",
      ),
    ),
    ComplexityBudgetError,
    true,
  );
  assert.equal(camel.retryAfterMs, 5000);

  const detailed = expectClass(
    classify(
      429,
      current("COMPLEXITY_BUDGET_EXHAUSTED", "Budget exhausted", {
        complexity: 5000,
        complexity_budget_left: 10,
        complexity_budget_limit: 10_000_000,
        retry_in_seconds: 42,
        status_code: 429,
      }),
    ),
    ComplexityBudgetError,
    true,
  ) as ComplexityBudgetError;
  assert.equal(detailed.retryAfterMs, 42_000);
  assert.equal(detailed.budgetLeft, 10);
  assert.equal(detailed.budgetLimit, 10_000_000);
  assert.equal(detailed.queryCost, 5000);

  const bare = expectClass(
    classify(
      200,
      current("complexity_budget_exhausted", "x", { retry_in_seconds: 3 }),
    ),
    ComplexityBudgetError,
    true,
  );
  assert.equal(bare.retryAfterMs, 3000);

  expectClass(
    classify(
      200,
      current(
        "maxComplexityExceeded",
        "Query has complexity of 6000000, which exceeds max complexity of 5000000",
      ),
    ),
    ComplexityBudgetError,
    false,
  );
});

Deno.test("classify: the 429 family", () => {
  const minute = expectClass(
    classify(429, current("RATE_LIMIT_EXCEEDED", "Rate Limit Exceeded"), {
      "retry-after": "7",
    }),
    RateLimitError,
    true,
  );
  assert.equal(minute.retryAfterMs, 7000);
  expectClass(
    classify(429, { error_message: "Rate Limit Exceeded", status_code: 429 }),
    RateLimitError,
    true,
  );
  expectClass(classify(429, "Too Many Requests"), RateLimitError, true);
  const concurrency = expectClass(
    classify(
      429,
      current("maxConcurrencyExceeded", "Max concurrency exceeded"),
      {
        "ratelimit": '"concurrency";r=0;t=2',
      },
    ),
    ConcurrencyLimitError,
    true,
  );
  assert.equal(concurrency.retryAfterMs, 2000);
  expectClass(
    classify(429, current("IP_RATE_LIMIT_EXCEEDED")),
    IpRateLimitError,
    true,
  );
  const field = expectClass(
    classify(
      200,
      current("FIELD_LIMIT_EXCEEDED", "Field limit", {
        error_data: { retry_in_seconds: 11 },
      }),
    ),
    FieldLimitError,
    true,
  );
  assert.equal(field.retryAfterMs, 11_000);
});

Deno.test("classify: the daily limit is not retryable and points at 00:00 UTC", () => {
  const error = expectClass(
    classify(429, current("DAILY_LIMIT_EXCEEDED", "Daily limit exceeded")),
    DailyLimitError,
    false,
  );
  assert.equal(error.retryAfterMs, 12 * 3600 * 1000);
  expectClass(
    classify(200, { error_code: "DailyLimitExceeded", error_message: "x" }),
    DailyLimitError,
    false,
  );
});

Deno.test("classify: cursor expired, by code or message, any case", () => {
  expectClass(
    classify(200, current("CursorExpiredError", "Cursor expired")),
    CursorExpiredError,
    false,
  );
  expectClass(
    classify(200, current(undefined, "The cursor has expired")),
    CursorExpiredError,
    false,
  );
  expectClass(
    classify(200, current("CURSOR_EXPIRED")),
    CursorExpiredError,
    false,
  );
});

Deno.test("classify: invalid version", () => {
  expectClass(
    classify(
      200,
      current("InvalidVersionException", "Invalid API version '2023'"),
    ),
    InvalidVersionError,
    false,
  );
  expectClass(
    classify(400, {
      error_code: "InvalidVersionException",
      error_message: "x",
    }),
    InvalidVersionError,
    false,
  );
});

Deno.test("classify: parse and validation errors keep their locations", () => {
  const parse = expectClass(
    classify(200, {
      errors: [{
        message: 'Parse error on "}" (RCURLY) at [1, 9]',
        locations: [{ line: 1, column: 9 }],
      }],
      account_id: 1,
    }),
    GraphQLValidationError,
    false,
  );
  assert.deepEqual(parse.locations, [{ line: 1, column: 9 }]);
  const field = expectClass(
    classify(
      200,
      current(
        "undefinedField",
        "Field 'nope' doesn't exist on type 'Query'",
        {},
        {
          locations: [{ line: 1, column: 3 }],
          path: ["query", "nope"],
        },
      ),
    ),
    GraphQLValidationError,
    false,
  );
  assert.deepEqual(field.locations, [{ line: 1, column: 3 }]);
  assert.deepEqual(field.path, ["query", "nope"]);
  expectClass(
    classify(400, current("GRAPHQL_VALIDATION_FAILED")),
    GraphQLValidationError,
    false,
  );
});

Deno.test("classify: not found", () => {
  expectClass(
    classify(200, current("ResourceNotFoundException")),
    NotFoundError,
    false,
  );
  expectClass(classify(404, "Not Found"), NotFoundError, false);
  expectClass(
    classify(200, current("InvalidBoardIdException")),
    NotFoundError,
    false,
  );
});

Deno.test("classify: conflicts", () => {
  const idem = expectClass(
    classify(409, current("IDEMPOTENCY_CONFLICT", "In progress"), {
      "retry-after": "1",
    }),
    ConflictError,
    true,
  );
  assert.equal(idem.retryAfterMs, 1000);
  expectClass(
    classify(409, current("DeleteLastGroupException")),
    ConflictError,
    false,
  );
  expectClass(
    classify(423, { error_message: "Resource is currently locked" }),
    ConflictError,
    true,
  );
});

Deno.test("classify: data validation with per-item details", () => {
  const error = expectClass(
    classify(
      200,
      current("DATA_VALIDATIONS_ERROR", "Invalid column values", {
        error_data: [
          { itemId: 11, columnIds: ["status", "date"], message: "Bad label" },
          { item_id: "12", column_id: "text", message: "Too long" },
        ],
      }),
    ),
    DataValidationError,
    false,
  ) as DataValidationError;
  assert.deepEqual(error.details, [
    { itemId: "11", columnIds: ["status", "date"], message: "Bad label" },
    { itemId: "12", message: "Too long" },
  ]);
  expectClass(
    classify(422, current("RecordInvalidException")),
    DataValidationError,
    false,
  );
});

Deno.test("classify: server errors and unreadable bodies", () => {
  expectClass(classify(500, "Internal Server Error"), ServerError, true);
  expectClass(
    classify(502, "<html>Bad gateway</html>"),
    ServerError,
    true,
  );
  expectClass(classify(501, "nope"), ServerError, false);
  const broken = expectClass(classify(200, '{"data": {'), ServerError, true);
  assert.match(broken.message, /not valid JSON/);
  expectClass(
    classify(200, current("API_TEMPORARILY_BLOCKED")),
    ServerError,
    true,
  );
});

Deno.test("classify: an application error keeps partial data and every entry", () => {
  const error = classify(200, {
    data: { me: { id: "1" }, boards: null },
    errors: [
      {
        message: "Column value is invalid",
        extensions: { code: "ColumnValueException" },
        path: ["boards"],
      },
      {
        message: "Another",
        extensions: { code: "InvalidArgumentException" },
      },
    ],
  });
  assert.ok(error);
  assert.equal(error.constructor, MondayApiError);
  assert.equal(error.retryable, false);
  assert.deepEqual(error.data, { me: { id: "1" }, boards: null });
  assert.equal(error.errors.length, 2);
  assert.match(error.message, /Column value is invalid \(and 1 more error\)/);
});

Deno.test("classify: the most important of several errors wins", () => {
  const error = classify(200, {
    errors: [
      { message: "x", extensions: { code: "InvalidArgumentException" } },
      {
        message: "y",
        extensions: {
          code: "COMPLEXITY_BUDGET_EXHAUSTED",
          retry_in_seconds: 2,
        },
      },
    ],
  });
  assert.ok(error instanceof ComplexityBudgetError);
  assert.equal(error.retryAfterMs, 2000);
});

Deno.test("waitHint: Retry-After, then retry_in_seconds, then RateLimit t, then the message", () => {
  const entry = {
    message: "reset in 9 seconds",
    extensions: { retry_in_seconds: 4 },
  };
  assert.equal(
    waitHint(
      new Headers({ "retry-after": "2", ratelimit: '"minuteRate";r=0;t=3' }),
      entry,
      NOW,
    ),
    2000,
  );
  assert.equal(
    waitHint(new Headers({ ratelimit: '"minuteRate";r=0;t=3' }), entry, NOW),
    4000,
  );
  assert.equal(
    waitHint(
      new Headers({ ratelimit: '"minuteRate";r=0;t=3' }),
      { message: "reset in 9 seconds" },
      NOW,
    ),
    3000,
  );
  assert.equal(
    waitHint(new Headers(), { message: "reset in 9 seconds" }, NOW),
    9000,
  );
  assert.equal(
    waitHint(
      new Headers({ "retry-after": new Date(NOW + 5000).toUTCString() }),
      undefined,
      NOW,
    ),
    5000,
  );
  assert.equal(waitHint(new Headers(), { message: "nothing" }, NOW), undefined);
});

Deno.test("classify: secrets are removed from messages", () => {
  const token = "eyJhbGciOiJIUzI1NiJ9.secret-token-value";
  const error = classifyResponse({
    status: 401,
    headers: new Headers(),
    body: undefined,
    text: `Token ${token} is invalid`,
    nowMs: NOW,
    redact: (t) => t.replaceAll(token, "****"),
  });
  assert.ok(error);
  assert.ok(!error.message.includes(token));
  assert.ok(!JSON.stringify(error.errors).includes(token));
});

Deno.test("classify: a keyed 409 with Retry-After is a retryable conflict whatever its code; without the key or the header it is not", () => {
  const body = current("RESOURCE_BUSY_ELSEWHERE", "Try later");
  const keyed = (status: number, headers: Record<string, string>) =>
    classifyResponse({
      status,
      headers: new Headers(headers),
      body,
      text: JSON.stringify(body),
      nowMs: NOW,
      keyed: true,
    });
  const conflict = expectClass(
    keyed(409, { "retry-after": "2" }),
    ConflictError,
    true,
  );
  assert.equal(conflict.retryAfterMs, 2000);
  assert.equal(conflict.code, "RESOURCE_BUSY_ELSEWHERE");
  expectClass(keyed(409, {}), ConflictError, false);
  expectClass(
    classify(409, body, { "retry-after": "2" }),
    ConflictError,
    false,
  );
});

Deno.test("classify: the legacy body's errors[] beside error_code is one error", () => {
  const error = expectClass(
    classify(200, {
      errors: [{ message: "Board not found", path: ["create_item"] }],
      error_code: "InvalidBoardIdException",
      status_code: 200,
      error_message: "Board not found",
      error_data: { board_id: 1 },
    }),
    NotFoundError,
    false,
  );
  assert.equal(error.message, "Board not found");
  assert.equal(error.code, "InvalidBoardIdException");
  assert.equal(error.errors.length, 1);
  assert.deepEqual(error.path, ["create_item"]);
});

Deno.test("classify: FIELD_LIMIT_EXCEEDED names its field (error_data.entity, else the path)", () => {
  const byEntity = expectClass(
    classify(
      429,
      current(
        "FIELD_LIMIT_EXCEEDED",
        "Concurrency limit exceeded for the field",
        {
          error_data: { retry_in_seconds: 3, entity: "create_board" },
        },
      ),
    ),
    FieldLimitError,
    true,
  );
  assert.equal((byEntity as FieldLimitError).field, "create_board");
  assert.equal(byEntity.retryAfterMs, 3000);
  const byPath = expectClass(
    classify(
      429,
      current("FIELD_LIMIT_EXCEEDED", "Field limit", { retry_in_seconds: 1 }, {
        path: ["duplicate_board"],
      }),
    ),
    FieldLimitError,
    true,
  );
  assert.equal((byPath as FieldLimitError).field, "duplicate_board");
});
