import assert from "node:assert/strict";
import {
  DEFAULT_REFRESH_WINDOW_MS,
  isDue,
  isUnusable,
  needsRefresh,
  refreshWindow,
} from "../../auth/_refresh_policy.ts";

const tokens = { accessToken: "access-token-0001", expiresAt: 1_000_000 };

Deno.test("a token is due within the window before its expiry, never without an expiry", () => {
  assert.equal(DEFAULT_REFRESH_WINDOW_MS, 300_000);
  assert.equal(isDue(tokens, 699_999, 300_000), false);
  assert.equal(isDue(tokens, 700_000, 300_000), true);
  assert.equal(isDue({}, 9e15, 300_000), false);
});

Deno.test("a rejected token needs a refresh even when fresh; another token's rejection does not count", () => {
  const policy = { windowMs: 300_000 };
  assert.equal(needsRefresh(tokens, 0, policy), false);
  assert.equal(
    needsRefresh(tokens, 0, { ...policy, rejected: "access-token-0001" }),
    true,
  );
  assert.equal(
    needsRefresh(tokens, 0, { ...policy, rejected: "another-token-0002" }),
    false,
  );
});

Deno.test("a token is unusable once rejected or past its expiry, not merely due", () => {
  assert.equal(isUnusable(tokens, 999_999, undefined), false);
  assert.equal(isUnusable(tokens, 1_000_000, undefined), true);
  assert.equal(isUnusable(tokens, 0, "access-token-0001"), true);
});

Deno.test("refreshWindow defaults to 5 minutes and refuses negative or infinite windows", () => {
  assert.equal(refreshWindow(undefined, "Test"), 300_000);
  assert.equal(refreshWindow(0, "Test"), 0);
  assert.throws(() => refreshWindow(-1, "Test"), /Test: 'refreshWindowMs'/);
  assert.throws(() => refreshWindow(Infinity, "Test"), RangeError);
});
