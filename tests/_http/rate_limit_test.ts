import assert from "node:assert/strict";
import { parseRateLimit, parseRateLimitPolicy } from "../../_http/mod.ts";

Deno.test("parseRateLimitPolicy reads monday's documented header", () => {
  assert.deepEqual(
    parseRateLimitPolicy(
      '"minuteRate";q=5000;w=60, "concurrency";q=250;qu="concurrent-requests", "complexityMinute";q=5000000;w=60',
    ),
    [
      { name: "minuteRate", quota: 5000, windowSeconds: 60 },
      { name: "concurrency", quota: 250, unit: "concurrent-requests" },
      { name: "complexityMinute", quota: 5_000_000, windowSeconds: 60 },
    ],
  );
});

Deno.test("parseRateLimit reads monday's documented header", () => {
  assert.deepEqual(
    parseRateLimit(
      '"minuteRate";r=4999, "concurrency";r=249, "complexityMinute";r=4950000;t=45',
    ),
    [
      { name: "minuteRate", remaining: 4999 },
      { name: "concurrency", remaining: 249 },
      { name: "complexityMinute", remaining: 4_950_000, resetSeconds: 45 },
    ],
  );
});

Deno.test("whitespace, token names, unknown and valueless params are tolerated", () => {
  assert.deepEqual(
    parseRateLimit(
      '  "minuteRate" ; r = 10 ; t = 5 ; pk=:abc=: ; flag ,daily;r=3;extra="a,b;c"  ',
    ),
    [
      { name: "minuteRate", remaining: 10, resetSeconds: 5 },
      { name: "daily", remaining: 3 },
    ],
  );
  assert.deepEqual(parseRateLimitPolicy('"burst";Q=10;W=1'), [
    { name: "burst", quota: 10, windowSeconds: 1 },
  ]);
});

Deno.test("items that do not parse are skipped, the rest kept", () => {
  assert.deepEqual(
    parseRateLimit('"a";r=abc, "b";r=-1, ;r=5, "c";t=9, "d";r=0;t=x, "e";r=1'),
    [{ name: "d", remaining: 0 }, { name: "e", remaining: 1 }],
  );
  assert.deepEqual(
    parseRateLimitPolicy('"open;q=1, "x";q=, "y";q=2;w=soon, "z";q=3'),
    [{ name: "y", quota: 2 }, { name: "z", quota: 3 }],
  );
});

Deno.test("missing, empty and garbage headers give an empty list without throwing", () => {
  for (
    const header of [
      null,
      "",
      "   ",
      ",,,",
      '"',
      "=;=;=",
      "\u0000\uffff",
      undefined as unknown as string,
      42 as unknown as string,
    ]
  ) {
    assert.deepEqual(parseRateLimit(header), [], String(header));
    assert.deepEqual(parseRateLimitPolicy(header), [], String(header));
  }
});

Deno.test("quoted names may hold commas and escaped quotes", () => {
  assert.deepEqual(parseRateLimit('"a,b";r=1, "say \\"hi\\"";r=2'), [
    { name: "a,b", remaining: 1 },
    { name: 'say "hi"', remaining: 2 },
  ]);
});
