// The scheduler against the emulator: a burst costing more than the minute's
// complexity budget finishes with no refusal, a second client spending the
// same budget makes the first wait instead of storming, the policy's
// concurrency cap is honoured, a burst at start sends one probe first (no
// maxConcurrencyExceeded on the standard plan), two clients reading hard on
// one token all succeed within the budget with few refusals (none with
// `budgetShare`).
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/mod.ts";
import {
  ComplexityBudgetError,
  MondayClient,
  type MondayClientOptions,
  RateLimitError,
  type ResponseInfo,
} from "../../graphql/mod.ts";
import { EmulatorClock } from "./_emulator_clock.ts";
import { timedTest } from "../_time_limit.ts";

const BOARDS =
  "query ($limit: Int) { boards(limit: $limit) { id items_page(limit: 5) { items { id } } } complexity { query } }";

/**
 * The emulator's clock, where waits that overlap share the timeline: a wait
 * moves the emulator to its end only if nothing moved it further (the
 * EmulatorClock adds every wait, so ten parallel waits of a minute would
 * pass ten minutes).
 */
class TimelineClock extends EmulatorClock {
  #emulator: Emulator;
  constructor(emulator: Emulator) {
    super(emulator);
    this.#emulator = emulator;
  }
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    const end = this.#emulator.now() + Math.max(0, ms);
    return Promise.resolve().then(() => {
      const left = end - this.#emulator.now();
      if (left > 0) this.#emulator.advance(left);
    });
  }
}

function clientFor(
  emulator: Emulator,
  refusals: ResponseInfo[],
  options: Partial<MondayClientOptions> = {},
): { client: MondayClient; clock: EmulatorClock } {
  const clock = new TimelineClock(emulator);
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    clock,
    random: () => 0.5,
    onWarning: () => {},
    onResponse: (info) => {
      if (
        info.error instanceof RateLimitError ||
        info.error instanceof ComplexityBudgetError
      ) {
        refusals.push(info);
      }
    },
    ...options,
  });
  return { client, clock };
}

async function costOf(client: MondayClient): Promise<number> {
  const raw = await client.rawRequest(BOARDS, { limit: 2 });
  const cost = raw.complexity?.query;
  assert.ok(cost !== undefined && cost > 0, "the emulator reports a cost");
  return cost;
}

timedTest(
  "scheduler: a burst costing three minutes of budget finishes with no refusal",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const refusals: ResponseInfo[] = [];
    const { client, clock } = clientFor(emulator, refusals);
    const cost = await costOf(client);
    const perMinute = 10;
    emulator.advance(61_000);
    emulator.setLimits({ complexityPerMinute: cost * perMinute });
    const start = emulator.now();
    await client.request(BOARDS, { limit: 2 }); // learns the budget
    const results = await Promise.all(
      Array.from(
        { length: 3 * perMinute - 1 },
        () => client.request<{ boards: unknown[] }>(BOARDS, { limit: 2 }),
      ),
    );
    assert.equal(results.length, 29);
    assert.ok(results.every((r) => r.boards.length === 2));
    assert.deepEqual(refusals, [], "no 429 and no spent-budget error");
    // 30 requests at 10 a minute: the first window plus two resets, used to
    // the full (no window left idle).
    const elapsed = emulator.now() - start;
    assert.ok(clock.sleeps.length >= 2, "the client waited for the resets");
    assert.ok(
      elapsed >= 120_000 && elapsed < 181_000,
      `two resets passed (${elapsed} ms)`,
    );
  },
);

timedTest(
  "scheduler: another client spending the same budget makes this one wait, without a storm",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const refusals: ResponseInfo[] = [];
    const { client } = clientFor(emulator, refusals);
    const cost = await costOf(client);
    emulator.advance(61_000);
    emulator.setLimits({ complexityPerMinute: cost * 10 });
    await client.request(BOARDS, { limit: 2 }); // it sees 9 left
    // Another process on the same token spends 7 of them.
    const other = clientFor(emulator, []).client;
    for (let i = 0; i < 7; i++) await other.request(BOARDS, { limit: 2 });
    // One request learns the server's number, the rest follow it.
    await client.request(BOARDS, { limit: 2 });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => client.request(BOARDS, { limit: 2 })),
    );
    assert.equal(results.length, 12);
    assert.deepEqual(
      refusals,
      [],
      "no refusal once the server's number is known",
    );
  },
);

timedTest(
  "scheduler: a stale budget costs at most the stale admissions, and the rest wait for the reset",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const refusals: ResponseInfo[] = [];
    // No retries, so each refusal is seen once and counted.
    const { client } = clientFor(emulator, refusals, { retry: false });
    const cost = await costOf(client);
    emulator.advance(61_000);
    emulator.setLimits({ complexityPerMinute: cost * 10 });
    await client.request(BOARDS, { limit: 2 }); // it sees 9 left
    const other = clientFor(emulator, []).client;
    for (let i = 0; i < 7; i++) await other.request(BOARDS, { limit: 2 });
    // 20 at once: 9 go on the stale number (only 2 fit), 11 queue; after
    // the first answer nothing more goes until the reset.
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => client.request(BOARDS, { limit: 2 })),
    );
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(refusals.length, failed.length);
    assert.ok(refusals.length <= 7, `${refusals.length} refusals`);
    assert.ok(
      results.length - failed.length >= 13,
      "everything not sent on the stale number passed after the reset",
    );
  },
);

timedTest(
  "scheduler: the policy's concurrency cap holds below maxConcurrency",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    emulator.setLimits({ concurrentRequests: 3 });
    let inFlight = 0;
    let peak = 0;
    const refusals: ResponseInfo[] = [];
    const { client } = clientFor(emulator, refusals, {
      maxConcurrency: 40,
      retry: false,
      fetch: async (input, init) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight--;
        }
      },
    });
    await client.request("{ me { id } }"); // learns the policy
    emulator.inject("graphql", { delayMs: 10, count: 12 });
    await Promise.all(
      Array.from({ length: 12 }, () => client.request("{ me { id } }")),
    );
    assert.equal(peak, 3, "never more than the policy's 3 in flight");
    assert.deepEqual(refusals, []);
    assert.equal(emulator.stats().rateLimited, 0);
  },
);

timedTest(
  "scheduler: without complexity in the query, the cost is learned from the drop in the header's remaining",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const plain =
      "query ($limit: Int) { boards(limit: $limit) { id items_page(limit: 5) { items { id } } } }";
    const refusals: ResponseInfo[] = [];
    const { client } = clientFor(emulator, refusals);
    // Another client measures the cost, so this one knows nothing of it.
    const cost = await costOf(clientFor(emulator, []).client);
    emulator.advance(61_000);
    emulator.setLimits({ complexityPerMinute: cost * 10 });
    // Two alone: the first shows the remaining, the second its drop.
    await client.request(plain, { limit: 2 });
    await client.request(plain, { limit: 2 });
    const results = await Promise.all(
      Array.from({ length: 25 }, () => client.request(plain, { limit: 2 })),
    );
    assert.equal(results.length, 25);
    assert.deepEqual(refusals, [], "no 429 and no spent-budget error");
  },
);

timedTest(
  "scheduler: a queued request fails at once when the reset is past maxRetryAfterMs, and a signal cancels it",
  async () => {
    await using emulator = await startEmulator({ items: 5 });
    const refusals: ResponseInfo[] = [];
    const { client } = clientFor(emulator, refusals, {
      retry: { maxRetryAfterMs: 1_000 },
    });
    const cost = await costOf(client);
    emulator.advance(61_000);
    // Half a request's cost will be left: not 0, but too little for it.
    emulator.setLimits({ complexityPerMinute: Math.floor(cost * 2.5) });
    await client.request(BOARDS, { limit: 2 });
    await client.request(BOARDS, { limit: 2 });
    const sent = emulator.stats().requests.graphql;
    const late = await client.request(BOARDS, { limit: 2 }).catch((e) => e);
    assert.ok(late instanceof RateLimitError, String(late));
    assert.ok((late.retryAfterMs ?? 0) > 1_000, "it says how long it was");
    assert.match(late.message, /complexity budget.*maxRetryAfterMs/);
    const aborted = await client.request(BOARDS, { limit: 2 }, {
      signal: AbortSignal.abort(new Error("stop")),
    }).catch((e) => e);
    assert.equal(aborted.message, "stop");
    assert.equal(emulator.stats().requests.graphql, sent, "nothing was sent");
    assert.deepEqual(refusals, []);
  },
);

timedTest(
  "scheduler: 100 requests at once on the standard plan (cap 40): one probe first, then never a 429",
  async () => {
    await using emulator = await startEmulator({ items: 5, plan: "standard" });
    let inFlight = 0;
    let peak = 0;
    const refusals: ResponseInfo[] = [];
    const { client } = clientFor(emulator, refusals, {
      // A caller who raised the outer cap past the plan's.
      maxConcurrency: 100,
      retry: false,
      fetch: async (input, init) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight--;
        }
      },
    });
    // Every request is held 10 ms at the server, so they really overlap.
    emulator.inject("graphql", { delayMs: 10, count: 100 });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => client.request("{ me { id } }")),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 100);
    assert.deepEqual(refusals, []);
    assert.equal(emulator.stats().rateLimited, 0, "no maxConcurrencyExceeded");
    assert.equal(peak, 40, "the plan's cap, learned from the probe's answer");
  },
);

/**
 * Two clients on one token, each sending `n` reads at once, on real time
 * against an emulator whose budget is `perWindow` reads a second (monday's
 * minute shrunk to a second, so the test takes seconds): the clients run
 * side by side as two processes would, neither knowing what the other
 * spends except through the server's answers.
 */
async function twoClients(
  n: number,
  perWindow: number,
  options: Partial<MondayClientOptions>,
): Promise<{ ok: number; refusals: number; rateLimited: number; ms: number }> {
  await using emulator = await startEmulator({ items: 5, clock: "real" });
  const measure = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    onWarning: () => {},
  });
  const cost = (await measure.rawRequest(BOARDS, { limit: 2 })).complexity
    ?.query;
  assert.ok(cost !== undefined && cost > 0);
  emulator.setLimits({
    complexityPerMinute: cost * perWindow,
    minuteWindowMs: 1_000,
  });
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const before = emulator.stats().rateLimited;
  const refusals: ResponseInfo[] = [];
  const client = () =>
    new MondayClient({
      token: emulator.credentials.apiToken,
      apiUrl: emulator.apiUrl,
      onWarning: () => {},
      onResponse: (info) => {
        if (info.error instanceof ComplexityBudgetError) refusals.push(info);
      },
      ...options,
    });
  const read = (c: MondayClient) =>
    Promise.allSettled(
      Array.from({ length: n }, () => c.request(BOARDS, { limit: 2 })),
    );
  const start = performance.now();
  const results = (await Promise.all([read(client()), read(client())]))
    .flat();
  return {
    ok: results.filter((r) => r.status === "fulfilled").length,
    refusals: refusals.length,
    rateLimited: emulator.stats().rateLimited - before,
    ms: performance.now() - start,
  };
}

timedTest(
  "scheduler: two clients on one token reading hard all succeed, the rate stays within the budget, and refusals are bounded",
  async () => {
    const perWindow = 10;
    const { ok, refusals, rateLimited, ms } = await twoClients(
      20,
      perWindow,
      {},
    );
    assert.equal(ok, 40, "every call succeeds (a refused one retries)");
    assert.equal(refusals, rateLimited, "every 429 was a spent budget");
    // 40 reads at 10 a window cannot finish before three resets.
    assert.ok(ms >= 3 * 1_000 - 100, `${ms} ms: within the budget`);
    // The first window may be overbooked once (both spend the same `r`);
    // after that both are contended: each probes once per window and admits
    // against half of what is left, at most about one refusal a window.
    const windows = Math.ceil(ms / 1_000);
    assert.ok(
      rateLimited <= perWindow + windows,
      `${rateLimited} refusals in ${windows} windows`,
    );
  },
);

timedTest(
  "scheduler: two clients with budgetShare 0.5 on one token never refuse one another",
  async () => {
    const { ok, rateLimited, ms } = await twoClients(20, 10, {
      budgetShare: 0.5,
    });
    assert.equal(ok, 40);
    assert.equal(rateLimited, 0, "no 429");
    assert.ok(ms >= 3 * 1_000 - 100, `${ms} ms: within the budget`);
  },
);

timedTest(
  "scheduler: budgetShare caps the concurrency too, and out-of-range shares are refused with the input named",
  async () => {
    await using emulator = await startEmulator({ items: 5, plan: "standard" });
    let inFlight = 0;
    let peak = 0;
    const { client } = clientFor(emulator, [], {
      budgetShare: 0.25,
      fetch: async (input, init) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight--;
        }
      },
    });
    emulator.inject("graphql", { delayMs: 10, count: 40 });
    await Promise.all(
      Array.from({ length: 40 }, () => client.request("{ me { id } }")),
    );
    assert.equal(peak, 10, "a quarter of the standard plan's 40");
    for (const budgetShare of [0, -1, 1.5, Number.NaN]) {
      assert.throws(
        () =>
          new MondayClient({
            token: "t0k3n-secret",
            apiUrl: emulator.apiUrl,
            budgetShare,
          }),
        (e) =>
          e instanceof RangeError && /'budgetShare'/.test(e.message) &&
          !e.message.includes("t0k3n"),
      );
    }
  },
);

timedTest(
  "scheduler: an operation never measured goes alone on a tight budget, so a burst of it is not refused together",
  async () => {
    // A second job starting in the window the first one spent: the client
    // knows the budget left (its first answer) but not what the burst's
    // operation costs, which is far more than anything it has measured.
    await using emulator = await startEmulator({ items: 200 });
    const refusals: ResponseInfo[] = [];
    const { client } = clientFor(emulator, refusals);
    const page =
      "query ($limit: Int) { boards(limit: 1) { items_page(limit: $limit) { items { id name } } } complexity { query } }";
    const probe = await client.rawRequest("query { me { id } }");
    assert.ok(probe.data, "a cheap first answer");
    const raw = await clientFor(emulator, []).client.rawRequest(page, {
      limit: 100,
    });
    const pageCost = raw.complexity!.query!;
    // A new client, on a fresh window of 10 pages, of which 7 are spent.
    emulator.advance(61_000);
    emulator.setLimits({ complexityPerMinute: pageCost * 10 });
    const { client: second } = clientFor(emulator, refusals);
    const spender = clientFor(emulator, []).client;
    for (let i = 0; i < 7; i++) await spender.request(page, { limit: 100 });
    await second.request("query { me { id } }"); // learns what is left
    const results = await Promise.all(
      Array.from({ length: 8 }, () => second.request(page, { limit: 100 })),
    );
    assert.equal(results.length, 8);
    assert.deepEqual(
      refusals.map((r) => r.status),
      [],
      "no page refused: one went alone, the rest followed its cost",
    );
  },
);
