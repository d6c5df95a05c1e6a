import assert from "node:assert/strict";
import { staticToken } from "../../auth/static_token.ts";

Deno.test("staticToken sends personal tokens raw and others as Bearer", async () => {
  assert.equal(
    await staticToken("personal-token-1234").authorization(),
    "personal-token-1234",
  );
  assert.equal(
    await staticToken("oauth-token-5678", { scheme: "bearer" }).authorization(),
    "Bearer oauth-token-5678",
  );
});

Deno.test("staticToken hides the token from inspect, JSON and String", () => {
  const provider = staticToken("secret-token-value-wxyz");
  const shown = [
    Deno.inspect(provider),
    JSON.stringify(provider),
    String(provider),
    Deno.inspect({ nested: [provider] }, { depth: 10 }),
  ].join("\n");
  assert.doesNotMatch(shown, /secret-token-value/);
  assert.match(Deno.inspect(provider), /…wxyz/);
});

Deno.test("staticToken refuses empty, whitespace and unknown schemes", () => {
  assert.throws(() => staticToken(""), TypeError);
  assert.throws(() => staticToken("two words"), TypeError);
  assert.throws(() => staticToken("line\nbreak"), TypeError);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => staticToken("token", { scheme: "basic" as any }),
    /unknown scheme 'basic'/,
  );
});
