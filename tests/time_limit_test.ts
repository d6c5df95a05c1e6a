import assert from "node:assert/strict";
import { withTimeLimit } from "./_time_limit.ts";

Deno.test("withTimeLimit fails a hung test with its name and aborts its signal", async (t) => {
  let seen: AbortSignal | undefined;
  const hung = withTimeLimit(50, async (_t, signal) => {
    seen = signal;
    // a loop that never ends on its own, but honours the signal
    while (!signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  await assert.rejects(
    hung(t),
    /Test 'withTimeLimit fails a hung test with its name and aborts its signal' ran over its time limit of 50 ms/,
  );
  assert.equal(seen?.aborted, true);
  // let the loop see the abort before the sanitizer checks for timers
  await new Promise((resolve) => setTimeout(resolve, 20));
});

Deno.test("withTimeLimit passes a quick test through and leaves no timer", async (t) => {
  let ran = false;
  await withTimeLimit(10_000, () => {
    ran = true;
  })(t);
  assert.equal(ran, true);
});
