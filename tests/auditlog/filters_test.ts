import assert from "node:assert/strict";
import {
  isIpAddress,
  normalizeAuditLogFilters,
  parseAuditTime,
} from "../../auditlog/mod.ts";

Deno.test("parseAuditTime() accepts ISO 8601 with offsets, Dates and epoch milliseconds", () => {
  const t = Date.UTC(2026, 10, 1, 9, 30, 0, 123);
  assert.equal(parseAuditTime("2026-11-01T09:30:00.123Z", "x"), t);
  assert.equal(parseAuditTime("2026-11-01T11:30:00.123+02:00", "x"), t);
  assert.equal(parseAuditTime("2026-11-01T11:30:00.123456+0200", "x"), t);
  assert.equal(parseAuditTime("2026-11-01", "x"), Date.UTC(2026, 10, 1));
  assert.equal(parseAuditTime(new Date(t), "x"), t);
  assert.equal(parseAuditTime(t, "x"), t);
});

Deno.test("parseAuditTime() names the input and what is wrong", () => {
  assert.throws(() => parseAuditTime("2026-02-30T00:00:00Z", "since"), {
    name: "RangeError",
    message: "Invalid since: no such date: '2026-02-30T00:00:00Z'",
  });
  assert.throws(
    () => parseAuditTime("2026-11-01T24:00:00Z", "since"),
    /no such time/,
  );
  assert.throws(() => parseAuditTime("2026-11-01T10:00:00", "since"), {
    name: "SyntaxError",
    message: /a time needs an offset/,
  });
  assert.throws(
    () => parseAuditTime("01/11/2026", "until"),
    /Invalid until: expected ISO 8601/,
  );
  assert.throws(() => parseAuditTime(new Date("nope"), "until"), RangeError);
  assert.throws(() => parseAuditTime(Infinity, "until"), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => parseAuditTime({} as any, "until"), TypeError);
});

Deno.test("isIpAddress() recognises IPv4 and IPv6 only", () => {
  for (
    const ip of [
      "0.0.0.0",
      "192.168.1.10",
      "::1",
      "2001:db8::8a2e:370:7334",
      "::ffff:10.0.0.1",
    ]
  ) {
    assert.ok(isIpAddress(ip), ip);
  }
  for (
    const ip of [
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3",
      "example.com",
      "2001:db8::g",
      "[::1]",
      "1.2.3.4:80",
      "",
    ]
  ) {
    assert.ok(!isIpAddress(ip), ip);
  }
});

Deno.test("normalizeAuditLogFilters() converts to the API's spelling", () => {
  assert.deepEqual(
    normalizeAuditLogFilters({
      userId: "123",
      events: ["login", "failed-login", "login"],
      ipAddress: "2001:db8::1",
      startTime: Date.UTC(2026, 10, 1),
      endTime: "2026-11-02T00:00:00+01:00",
    }),
    {
      user_id: "123",
      events: ["login", "failed-login"],
      ip_address: "2001:db8::1",
      start_time: "2026-11-01T00:00:00.000Z",
      end_time: "2026-11-01T23:00:00.000Z",
    },
  );
  assert.deepEqual(normalizeAuditLogFilters({}), {});
  assert.throws(() => normalizeAuditLogFilters({ userId: 1.5 }), RangeError);
  assert.throws(() => normalizeAuditLogFilters({ userId: -3 }), RangeError);
  assert.throws(
    () => normalizeAuditLogFilters({ events: "login" as unknown as string[] }),
    TypeError,
  );
  assert.throws(
    () =>
      normalizeAuditLogFilters({
        startTime: "2026-11-01T00:00:01Z",
        endTime: "2026-11-01T00:00:00Z",
      }),
    {
      message:
        "Invalid filters: startTime '2026-11-01T00:00:01.000Z' is after endTime '2026-11-01T00:00:00.000Z'",
    },
  );
});
