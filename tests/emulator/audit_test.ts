import assert from "node:assert/strict";
import { TokenRegistry } from "../../emulator/_tokens.ts";
import { startEmulator } from "../../emulator/mod.ts";
import {
  AUDIT_EVENT_CATALOGUE,
  type AuditEntry,
  AuditLogService,
  type AuditLogServiceOptions,
} from "../../emulator/_audit.ts";

const START = Date.UTC(2026, 10, 1);
const AUDIT_TOKEN = "audit-token-0001";
const PERSONAL_TOKEN = "personal-token-0001";
const USERS = ["101", "102", "103", "104", "105"];
const ENTRY_KEYS = [
  "account_id",
  "activity_metadata",
  "client_name",
  "client_version",
  "device_name",
  "device_type",
  "event",
  "ip_address",
  "os_name",
  "os_version",
  "slug",
  "timestamp",
  "user_agent",
  "user_id",
];

function setup(options: Partial<AuditLogServiceOptions> = {}) {
  let now = START;
  const clock = { now: () => now };
  const tokens = new TokenRegistry(clock);
  tokens.addAudit(AUDIT_TOKEN, "101");
  tokens.addPersonal(PERSONAL_TOKEN, "101");
  const audit = new AuditLogService({
    clock,
    tokens,
    seed: 7,
    entries: 500,
    users: USERS,
    requestsPerMinute: 1000,
    windowMs: 60_000,
    ...options,
  });
  return {
    audit,
    tokens,
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
  };
}

interface Page {
  data: AuditEntry[];
  page: number;
  per_page: number;
  next_page: number | null;
  message: string;
}

async function get(
  audit: AuditLogService,
  query: Record<string, string | number | object> = {},
  token: string | null = AUDIT_TOKEN,
): Promise<
  { status: number; headers: Headers; body: Record<string, unknown> }
> {
  const url = new URL("http://127.0.0.1/audit-api/get-logs");
  for (const [key, value] of Object.entries(query)) {
    url.searchParams.set(
      key,
      typeof value === "object" ? JSON.stringify(value) : String(value),
    );
  }
  const headers = new Headers();
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  const response = await audit.handle(new Request(url, { headers }));
  return {
    status: response.status,
    headers: response.headers,
    body: await response.json(),
  };
}

async function getPage(
  audit: AuditLogService,
  query: Record<string, string | number | object> = {},
): Promise<Page> {
  const { status, body } = await get(audit, query);
  assert.equal(status, 200, JSON.stringify(body));
  return body as unknown as Page;
}

function assertNewestFirst(entries: AuditEntry[]): void {
  for (let i = 1; i < entries.length; i++) {
    assert.ok(
      entries[i - 1]!.timestamp >= entries[i]!.timestamp,
      `entry ${i} is newer than entry ${i - 1}`,
    );
  }
}

Deno.test("get-logs answers a page with every documented field and no id", async () => {
  const { audit } = setup();
  const page = await getPage(audit, { page: 1, per_page: 100 });
  assert.equal(page.page, 1);
  assert.equal(page.per_page, 100);
  assert.equal(page.next_page, 2);
  assert.equal(page.message, "");
  assert.equal(page.data.length, 100);
  for (const entry of page.data) {
    assert.deepEqual(Object.keys(entry).sort(), ENTRY_KEYS);
    assert.match(entry.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(typeof entry.account_id, "number");
    assert.ok(USERS.includes(String(entry.user_id)));
    assert.ok(AUDIT_EVENT_CATALOGUE.some((e) => e.name === entry.event));
    assert.equal(entry.slug, "emulator");
    assert.match(entry.ip_address, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(typeof entry.activity_metadata, "object");
    assert.ok(!Array.isArray(entry.activity_metadata));
    assert.ok(["desktop", "mobile", "tablet"].includes(entry.device_type));
  }
  assertNewestFirst(page.data);
  assert.ok(Date.parse(page.data[0]!.timestamp) <= START);
});

Deno.test("get-logs is deterministic from the seed and has runs of equal timestamps", async () => {
  const a = await getPage(setup().audit, { per_page: 1000 });
  const b = await getPage(setup().audit, { per_page: 1000 });
  const c = await getPage(setup({ seed: 8 }).audit, { per_page: 1000 });
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, c.data);
  let equal = 0;
  for (let i = 1; i < a.data.length; i++) {
    if (a.data[i]!.timestamp === a.data[i - 1]!.timestamp) equal++;
  }
  assert.ok(equal >= 5, `only ${equal} equal neighbouring timestamps`);
  // Entries are distinct as whole objects even when timestamps are equal
  // most of the time; the log holds all 500.
  assert.equal(a.data.length, 500);
  assert.equal(a.next_page, null);
});

Deno.test("get-logs pages: default per_page, next_page null on the last page, empty past the end", async () => {
  const { audit } = setup({ entries: 60 });
  const first = await getPage(audit);
  assert.equal(first.per_page, 25);
  assert.equal(first.data.length, 25);
  assert.equal(first.next_page, 2);
  const third = await getPage(audit, { page: 3 });
  assert.equal(third.data.length, 10);
  assert.equal(third.next_page, null);
  const beyond = await getPage(audit, { page: 4 });
  assert.deepEqual(beyond.data, []);
  assert.equal(beyond.next_page, null);

  const all = await getPage(audit, { per_page: 1000 });
  const pages = [
    ...first.data,
    ...(await getPage(audit, { page: 2 })).data,
    ...third.data,
  ];
  assert.deepEqual(pages, all.data);

  const exact = await getPage(audit, { page: 2, per_page: 30 });
  assert.equal(exact.data.length, 30);
  assert.equal(exact.next_page, null);
});

Deno.test("get-logs refuses missing, malformed, unknown and personal tokens with 401 JSON", async () => {
  const { audit, tokens } = setup();
  const missing = await get(audit, {}, null);
  assert.equal(missing.status, 401);
  assert.match(String(missing.body.message), /Authorization/);

  const raw = await audit.handle(
    new Request("http://127.0.0.1/audit-api/get-logs", {
      headers: { authorization: AUDIT_TOKEN },
    }),
  );
  assert.equal(raw.status, 401);
  assert.match((await raw.json()).message, /Bearer/);

  const unknown = await get(audit, {}, "nope");
  assert.equal(unknown.status, 401);
  assert.match(String(unknown.body.message), /unknown token/);

  const personal = await get(audit, {}, PERSONAL_TOKEN);
  assert.equal(personal.status, 401);
  assert.match(String(personal.body.message), /not an audit log API token/);
  assert.ok(!JSON.stringify(personal.body).includes(PERSONAL_TOKEN));

  tokens.revoke(AUDIT_TOKEN);
  const revoked = await get(audit, {});
  assert.equal(revoked.status, 401);
  assert.match(String(revoked.body.message), /revoked/);
});

Deno.test("get-logs answers 400 naming each bad parameter", async () => {
  const { audit } = setup();
  const cases: [Record<string, string>, RegExp][] = [
    [{ page: "0" }, /'page'/],
    [{ page: "abc" }, /'page'/],
    [{ page: "1.5" }, /'page'/],
    [{ per_page: "0" }, /'per_page'/],
    [{ per_page: "1001" }, /'per_page'.*1000/],
    [{ per_page: "-3" }, /'per_page'/],
    [{ filters: "{not json" }, /'filters'.*JSON/],
    [{ filters: "[1]" }, /'filters'.*object/],
    [{ filters: '{"usr_id": 1}' }, /unknown filter 'usr_id'/],
    [{ filters: '{"events": "login"}' }, /'events'/],
    [{ filters: '{"events": [1]}' }, /'events'/],
    [{ filters: '{"user_id": true}' }, /'user_id'/],
    [{ filters: '{"ip_address": 5}' }, /'ip_address'/],
    [{ filters: '{"start_time": "yesterday"}' }, /'start_time'/],
    [{ filters: '{"end_time": "2026-13-45T00:00:00Z"}' }, /'end_time'/],
    [
      {
        filters:
          '{"start_time": "2026-02-01T00:00:00Z", "end_time": "2026-01-01T00:00:00Z"}',
      },
      /'start_time' is after 'end_time'/,
    ],
  ];
  for (const [query, pattern] of cases) {
    const { status, body } = await get(audit, query);
    assert.equal(status, 400, JSON.stringify(query));
    assert.match(String(body.message), pattern, JSON.stringify(query));
  }
});

Deno.test("get-logs answers 404 for other paths and 405 for other methods", async () => {
  const { audit } = setup();
  const other = await audit.handle(
    new Request("http://127.0.0.1/audit-api/other", {
      headers: { authorization: `Bearer ${AUDIT_TOKEN}` },
    }),
  );
  assert.equal(other.status, 404);
  await other.body?.cancel();
  const post = await audit.handle(
    new Request("http://127.0.0.1/audit-api/get-logs", {
      method: "POST",
      headers: { authorization: `Bearer ${AUDIT_TOKEN}` },
    }),
  );
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET");
  await post.body?.cancel();
});

Deno.test("get-logs filters by user, events, ip address and time range", async () => {
  const { audit } = setup({ entries: 2000 });
  const all = (await getPage(audit, { per_page: 1000 })).data.concat(
    (await getPage(audit, { per_page: 1000, page: 2 })).data,
  );
  assert.equal(all.length, 2000);

  const byUser = await getPage(audit, {
    per_page: 1000,
    filters: { user_id: 103 },
  });
  assert.deepEqual(
    byUser.data,
    all.filter((e) => String(e.user_id) === "103"),
  );
  assert.ok(byUser.data.length > 0);
  const byUserString = await getPage(audit, {
    per_page: 1000,
    filters: { user_id: "103" },
  });
  assert.deepEqual(byUserString.data, byUser.data);

  const byEvents = await getPage(audit, {
    per_page: 1000,
    filters: { events: ["logout", "export-board"] },
  });
  assert.deepEqual(
    byEvents.data,
    all.filter((e) => e.event === "logout" || e.event === "export-board"),
  );
  assert.ok(byEvents.data.some((e) => e.event === "logout"));
  assert.ok(byEvents.data.some((e) => e.event === "export-board"));

  const ip = all.find((e) => e.ip_address.startsWith("198."))!.ip_address;
  const byIp = await getPage(audit, {
    per_page: 1000,
    filters: { ip_address: ip },
  });
  assert.deepEqual(byIp.data, all.filter((e) => e.ip_address === ip));

  const start = all[1500]!.timestamp;
  const end = all[300]!.timestamp;
  const byTime = await getPage(audit, {
    per_page: 1000,
    filters: { start_time: start, end_time: end },
  });
  const inRange = all.filter((e) => e.timestamp >= start && e.timestamp <= end);
  assert.ok(inRange.length > 1000);
  assert.deepEqual(byTime.data, inRange.slice(0, 1000));
  assert.equal(byTime.next_page, 2);
  const byTime2 = await getPage(audit, {
    page: 2,
    per_page: 1000,
    filters: { start_time: start, end_time: end },
  });
  assert.deepEqual(byTime2.data, inRange.slice(1000));
  assert.equal(byTime2.next_page, null);

  const combined = await getPage(audit, {
    per_page: 1000,
    filters: { user_id: "101", events: ["login"], start_time: start },
  });
  assert.deepEqual(
    combined.data,
    all.filter((e) =>
      String(e.user_id) === "101" && e.event === "login" &&
      e.timestamp >= start
    ),
  );

  const none = await getPage(audit, { filters: { user_id: "999" } });
  assert.deepEqual(none.data, []);
  assert.equal(none.next_page, null);
  const unknownEvent = await getPage(audit, { filters: { events: ["nope"] } });
  assert.deepEqual(unknownEvent.data, []);
});

Deno.test("get-logs filtered paging: pages join up and next_page ends", async () => {
  const { audit } = setup({ entries: 2000 });
  const filters = { events: ["login"] };
  const whole = await getPage(audit, { per_page: 1000, filters });
  const collected: AuditEntry[] = [];
  let page: number | null = 1;
  while (page !== null) {
    const result: Page = await getPage(audit, { page, per_page: 37, filters });
    collected.push(...result.data);
    page = result.next_page;
  }
  assert.deepEqual(collected, whole.data);
});

Deno.test("appended entries are newest and push older entries to later pages", async () => {
  const { audit, advance, now } = setup({ entries: 100 });
  const before = await getPage(audit, { page: 1, per_page: 10 });
  advance(5000);
  audit.append(3);
  assert.equal(audit.size, 103);
  const after = await getPage(audit, { page: 1, per_page: 10 });
  assert.equal(after.data[0]!.timestamp, new Date(now()).toISOString());
  assert.deepEqual(after.data.slice(3), before.data.slice(0, 7));
  const second = await getPage(audit, { page: 2, per_page: 10 });
  assert.deepEqual(second.data.slice(0, 3), before.data.slice(7));
  assertNewestFirst(after.data);
  // Distinct timestamps, 1 ms apart, ending at now.
  assert.deepEqual(
    after.data.slice(0, 3).map((e) => Date.parse(e.timestamp)),
    [now(), now() - 1, now() - 2],
  );

  audit.append(4, { sameTimestamp: true });
  const same = await getPage(audit, { per_page: 4 });
  assert.ok(
    same.data.every((e) => e.timestamp === new Date(now()).toISOString()),
  );
  // Still ordered with the earlier appends at the same instant.
  const top = await getPage(audit, { per_page: 20 });
  assertNewestFirst(top.data);
  assert.throws(() => audit.append(-1), RangeError);
});

Deno.test("appends grow the log beyond its seeded capacity", async () => {
  const { audit, advance } = setup({ entries: 0 });
  const empty = await getPage(audit);
  assert.deepEqual(empty.data, []);
  assert.equal(empty.next_page, null);
  for (let i = 0; i < 5; i++) {
    advance(1000);
    audit.append(10);
  }
  const page = await getPage(audit, { per_page: 1000 });
  assert.equal(page.data.length, 50);
  assertNewestFirst(page.data);
});

Deno.test("get-logs rate limit: 429 with Retry-After, counted, lifted when the clock moves", async () => {
  const { audit, advance } = setup({ requestsPerMinute: 3, windowMs: 2000 });
  for (let i = 0; i < 3; i++) {
    assert.equal((await get(audit)).status, 200);
  }
  advance(500);
  const limited = await get(audit);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "2");
  assert.equal(limited.body.retry_in_seconds, 2);
  assert.match(String(limited.body.message), /Rate limit exceeded/);
  assert.equal(audit.rateLimited, 1);
  assert.equal((await get(audit)).status, 429);
  assert.equal(audit.rateLimited, 2);
  advance(1500);
  assert.equal((await get(audit)).status, 200);

  // Refused tokens are not rate limited (and not counted).
  assert.equal((await get(audit, {}, "nope")).status, 401);
  audit.setLimit(50, 60_000);
  for (let i = 0; i < 49; i++) await get(audit);
  const over = await get(audit);
  assert.equal(over.status, 429);
  assert.equal(Number(over.headers.get("retry-after")), 60);
  assert.throws(() => audit.setLimit(0, 1000), RangeError);
  assert.throws(() => audit.setLimit(5, 0), RangeError);
});

Deno.test("query serves GraphQL the same data with totals", async () => {
  const { audit } = setup({ entries: 300 });
  const page = await getPage(audit, { per_page: 300 });
  const all = audit.query({}, 0, 1000);
  assert.equal(all.total, 300);
  assert.deepEqual(all.entries, page.data);
  const slice = audit.query({}, 10, 5);
  assert.deepEqual(slice.entries, page.data.slice(10, 15));
  const logins = audit.query({ events: ["login"] }, 0, 3);
  const expected = page.data.filter((e) => e.event === "login");
  assert.equal(logins.total, expected.length);
  assert.deepEqual(logins.entries, expected.slice(0, 3));
  const time = Date.parse(page.data[100]!.timestamp);
  const ranged = audit.query({ endTime: time, userId: "102" }, 0, 1000);
  assert.deepEqual(
    ranged.entries,
    page.data.filter((e) =>
      Date.parse(e.timestamp) <= time && String(e.user_id) === "102"
    ),
  );
  assert.deepEqual(audit.query({ ipAddress: "10.0.0.1" }, 0, 5), {
    entries: [],
    total: 0,
  });
});

Deno.test("AuditLogService seeds 1,000,000 entries, time-ordered, and pages through them", async () => {
  const { audit } = setup({ entries: 1_000_000, users: USERS });
  assert.equal(audit.size, 1_000_000);
  const first = await getPage(audit, { per_page: 1000 });
  assert.equal(first.data.length, 1000);
  assert.equal(first.next_page, 2);
  assertNewestFirst(first.data);
  const last = await getPage(audit, { page: 1000, per_page: 1000 });
  assert.equal(last.data.length, 1000);
  assert.equal(last.next_page, null);
  assertNewestFirst(last.data);
  assert.ok(last.data[0]!.timestamp <= first.data[999]!.timestamp);
  const all = audit.query({}, 0, 0);
  assert.equal(all.total, 1_000_000);
  const end = first.data[999]!.timestamp;
  const ranged = await getPage(audit, {
    per_page: 1000,
    filters: { start_time: last.data[999]!.timestamp, end_time: end },
  });
  assert.equal(ranged.data[0]!.timestamp, end);
});

Deno.test("AuditLogService rejects bad construction options", () => {
  const clock = { now: () => START };
  const tokens = new TokenRegistry(clock);
  const base = {
    clock,
    tokens,
    seed: 1,
    entries: 1,
    users: ["1"],
    requestsPerMinute: 50,
    windowMs: 60_000,
  };
  assert.throws(() => new AuditLogService({ ...base, users: [] }), TypeError);
  assert.throws(
    () => new AuditLogService({ ...base, entries: -1 }),
    RangeError,
  );
  assert.throws(
    () => new AuditLogService({ ...base, requestsPerMinute: 0 }),
    RangeError,
  );
});

Deno.test("over HTTP: get-logs through startEmulator, audit token only, appends and 429", async () => {
  await using emulator = await startEmulator({ auditEntries: 100, seed: 3 });
  const { auditToken, apiToken } = emulator.credentials;
  assert.equal(emulator.auditUrl, `${emulator.domain}/audit-api/get-logs`);
  const fetchLogs = async (token: string, query = "") => {
    const response = await fetch(`${emulator.auditUrl}${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      headers: response.headers,
      body: await response.json(),
    };
  };
  const first = await fetchLogs(auditToken, "?page=1&per_page=30");
  assert.equal(first.status, 200);
  assert.equal(first.body.data.length, 30);
  assert.equal(first.body.next_page, 2);
  assertNewestFirst(first.body.data);

  const refused = await fetchLogs(apiToken);
  assert.equal(refused.status, 401);
  assert.equal(typeof refused.body.message, "string");

  emulator.advance(1000);
  emulator.appendAuditEntries(2, { sameTimestamp: true });
  const after = await fetchLogs(auditToken, "?page=1&per_page=30");
  assert.equal(
    after.body.data[0].timestamp,
    new Date(emulator.now()).toISOString(),
  );
  assert.deepEqual(after.body.data.slice(2), first.body.data.slice(0, 28));

  emulator.setLimits({ auditRequestsPerMinute: 4, auditWindowMs: 2000 });
  emulator.advance(60_000);
  const before = emulator.stats().rateLimited;
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    statuses.push((await fetchLogs(auditToken)).status);
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
  assert.equal(emulator.stats().rateLimited, before + 1);
  emulator.advance(2000);
  assert.equal((await fetchLogs(auditToken)).status, 200);
});
