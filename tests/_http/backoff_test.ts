import assert from "node:assert/strict";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  resolveRetryPolicy,
} from "../../_http/mod.ts";

Deno.test("isRetryableStatus: 408, 425, 429 and 5xx but 501/505", () => {
  const retryable = [408, 425, 429, 500, 502, 503, 504, 599];
  const final = [200, 301, 400, 401, 403, 404, 409, 422, 423, 501, 505];
  for (const s of retryable) assert.equal(isRetryableStatus(s), true, `${s}`);
  for (const s of final) assert.equal(isRetryableStatus(s), false, `${s}`);
});

Deno.test("backoffDelay is full jitter under an exponential, capped ceiling", () => {
  const policy = {
    ...DEFAULT_RETRY_POLICY,
    baseDelayMs: 100,
    maxDelayMs: 1000,
  };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0.999999)),
    [99, 199, 399, 799, 999, 999],
  );
  assert.equal(backoffDelay(4, policy, () => 0), 0);
  assert.equal(backoffDelay(2, policy, () => 0.5), 100);
  // huge attempt numbers stay finite
  assert.equal(backoffDelay(10_000, policy, () => 0.5), 500);
});

Deno.test("backoffDelay clamps a misbehaving random source", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100 };
  assert.equal(backoffDelay(1, policy, () => 7), 100);
  assert.equal(backoffDelay(1, policy, () => -1), 0);
});

Deno.test("resolveRetryPolicy fills defaults and rejects bad values", () => {
  assert.deepEqual(resolveRetryPolicy(), {
    maxAttempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    maxRetryAfterMs: 120_000,
  });
  assert.equal(resolveRetryPolicy({ maxAttempts: 1 }).maxAttempts, 1);
  assert.throws(() => resolveRetryPolicy({ maxAttempts: 1.5 }), RangeError);
  assert.throws(() => resolveRetryPolicy({ baseDelayMs: -1 }), {
    name: "RangeError",
    message:
      "Invalid retry policy: 'baseDelayMs' must be a non-negative number, got '-1'",
  });
  assert.throws(() => resolveRetryPolicy({ maxDelayMs: NaN }), RangeError);
});
