import assert from "node:assert/strict";
import { defaultRetryAfterMs, parseRetryAfter } from "../../_http/mod.ts";

const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);

Deno.test("parseRetryAfter reads delay-seconds", () => {
  assert.equal(parseRetryAfter("0", NOW), 0);
  assert.equal(parseRetryAfter("120", NOW), 120_000);
  assert.equal(parseRetryAfter(" 5 ", NOW), 5000);
  assert.equal(parseRetryAfter("1.5", NOW), 1500);
});

Deno.test("parseRetryAfter reads the three HTTP date forms", () => {
  assert.equal(parseRetryAfter("Sun, 01 Nov 2026 12:00:30 GMT", NOW), 30_000);
  assert.equal(
    parseRetryAfter("Sunday, 01-Nov-26 12:01:00 GMT", NOW),
    60_000,
  );
  assert.equal(parseRetryAfter("Sun Nov  1 12:00:05 2026", NOW), 5000);
});

Deno.test("parseRetryAfter turns a past date into 0", () => {
  assert.equal(parseRetryAfter("Sun, 01 Nov 2026 11:00:00 GMT", NOW), 0);
});

Deno.test("parseRetryAfter gives undefined for garbage, negatives and absence", () => {
  for (
    const value of [null, "", "soon", "-5", "1e3", "5s", "12:00", "Nov 2026"]
  ) {
    assert.equal(parseRetryAfter(value, NOW), undefined, String(value));
  }
});

Deno.test("defaultRetryAfterMs prefers Retry-After over RateLimit", () => {
  const response = new Response(null, {
    headers: { "Retry-After": "3", RateLimit: '"minuteRate";r=0;t=40' },
  });
  assert.equal(defaultRetryAfterMs(response, NOW), 3000);
});

Deno.test("defaultRetryAfterMs falls back to the largest t of exhausted quotas", () => {
  const response = new Response(null, {
    headers: {
      RateLimit:
        '"minuteRate";r=0;t=20, "concurrency";r=5;t=99, "complexityMinute";r=0;t=45',
    },
  });
  assert.equal(defaultRetryAfterMs(response, NOW), 45_000);
});

Deno.test("defaultRetryAfterMs ignores quotas with room left and bad Retry-After", () => {
  const response = new Response(null, {
    headers: { "Retry-After": "later", RateLimit: '"minuteRate";r=4;t=20' },
  });
  assert.equal(defaultRetryAfterMs(response, NOW), undefined);
  assert.equal(defaultRetryAfterMs(new Response(null), NOW), undefined);
});
