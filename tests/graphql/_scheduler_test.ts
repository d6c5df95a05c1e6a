// The scheduler alone, on a fake clock, for paths the emulator cannot stage.
import assert from "node:assert/strict";
import { FakeClock } from "../../_http/mod.ts";
import {
  type AdmitRequest,
  RequestScheduler,
  type ResponseFacts,
  type Ticket,
} from "../../graphql/_scheduler.ts";

const POLICY = new Headers({
  "ratelimit-policy": '"complexityMinute";q=100;w=60, "concurrency";q=40',
});

function answer(remaining: number, query?: number): ResponseFacts {
  return {
    rateLimit: `"complexityMinute";r=${remaining};t=60`,
    headers: POLICY,
    complexity: query === undefined ? undefined : { query },
    error: undefined,
  };
}

const A: AdmitRequest = {
  key: "A",
  document: undefined,
  signal: undefined,
  deadlineAt: undefined,
};

function within<T>(promise: Promise<T>, ms: number): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), ms);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

Deno.test("scheduler: a queued request is not stranded when the window's probe ends without an answer", async () => {
  const clock = new FakeClock();
  const scheduler = new RequestScheduler(clock, {
    maxWaitMs: 600_000,
    share: 0.5,
  });
  // A costs 30 of a 100-point window.
  scheduler.settle(await scheduler.admit(A), answer(100, 30));
  // r falls by 80 across one request of 30: another process spends too.
  scheduler.settle(await scheduler.admit(A), answer(20));
  // A new window: contended, one request asks first (the probe)...
  clock.advance(61_000);
  const probe = await scheduler.admit(A);
  // ...and a second waits for its answer...
  const queued = scheduler.admit(A) as Promise<Ticket>;
  // ...which never comes (a network error, a body over the limit).
  scheduler.settle(probe);
  const ticket = await within(Promise.resolve(queued), 500);
  assert.notEqual(ticket, "hung", "the queued request waited forever");
  assert.ok(clock.now() >= 121_000, "it waited for the next window");
});

Deno.test("scheduler: an answer from the window before teaches no cost", async () => {
  const clock = new FakeClock();
  const scheduler = new RequestScheduler(clock, { maxWaitMs: 600_000 });
  scheduler.settle(
    await scheduler.admit({ ...A, key: "probe" }),
    answer(99, 1),
  );
  // B is never measured; it goes out late in the window...
  const late = await scheduler.admit({ ...A, key: "B" });
  clock.advance(61_000);
  // ...a request of the new window starts it afresh (100 left)...
  const fresh = await scheduler.admit({ ...A, key: "probe" });
  // ...then B's answer arrives with the old window's r.
  scheduler.settle(late, answer(5));
  scheduler.settle(fresh, answer(99, 1));
  assert.ok(
    scheduler.expectedCost("B") < 90,
    `B's cost was learned from the old window: ${scheduler.expectedCost("B")}`,
  );
});
