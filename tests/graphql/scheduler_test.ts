// The budget-aware scheduler against the emulator, on the emulator's clock:
// a burst costing more than the minute's complexity budget finishes with no
// refusal, a second client spending the same budget makes the first wait
// instead of storming, and the policy's concurrency cap is honoured.
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
