import assert from "node:assert/strict";
import { credentialChain } from "../../auth/credential_chain.ts";
import { envCredentials } from "../../auth/env_credentials.ts";
import {
  CredentialsUnavailableError,
  LoginRequiredError,
} from "../../auth/errors.ts";
import { staticToken } from "../../auth/static_token.ts";
import type { CredentialProvider } from "../../auth/types.ts";

Deno.test("credentialChain takes the first provider that answers", async () => {
  const env: { value?: string } = {};
  const chain = credentialChain([
    envCredentials({ env: () => env.value }),
    staticToken("fallback-token"),
  ]);
  assert.equal(await chain.authorization(), "fallback-token");
  env.value = "env-token";
  assert.equal(await chain.authorization(), "env-token");
});

Deno.test("credentialChain skips providers needing a login", async () => {
  const chain = credentialChain([
    {
      authorization: () =>
        Promise.reject(
          new LoginRequiredError("No tokens", { code: "no_tokens" }),
        ),
    },
    staticToken("next-token"),
  ]);
  assert.equal(await chain.authorization(), "next-token");
});

Deno.test("credentialChain stops at other errors", async () => {
  const chain = credentialChain([
    { authorization: () => Promise.reject(new RangeError("broken")) },
    staticToken("never-used"),
  ]);
  await assert.rejects(chain.authorization(), RangeError);
});

Deno.test("credentialChain lists every reason when none answers", async () => {
  const chain = credentialChain([
    envCredentials({ env: () => undefined }),
    envCredentials({ variable: "MONDAY_AUDIT_TOKEN", env: () => undefined }),
  ]);
  const error = await chain.authorization().catch((e) => e);
  assert.ok(error instanceof CredentialsUnavailableError);
  assert.match(
    error.message,
    /'MONDAY_API_TOKEN' is not set; .*'MONDAY_AUDIT_TOKEN'/,
  );
});

Deno.test("credentialChain routes invalidate to the provider that answered", async () => {
  const invalidated: string[] = [];
  const first: CredentialProvider = {
    authorization: () => Promise.resolve("Bearer first"),
    invalidate: (value) => invalidated.push(`first:${value}`),
  };
  const chain = credentialChain([first, staticToken("second")]);
  const header = await chain.authorization();
  chain.invalidate?.(header);
  chain.invalidate?.("unknown-value");
  assert.deepEqual(invalidated, ["first:Bearer first"]);
});

Deno.test("credentialChain refuses empty or malformed provider lists", () => {
  assert.throws(() => credentialChain([]), TypeError);
  assert.throws(
    () => credentialChain([{} as CredentialProvider]),
    /providers\[0\] has no authorization/,
  );
});
