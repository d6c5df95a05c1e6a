import assert from "node:assert/strict";
import { envCredentials } from "../../auth/env_credentials.ts";
import { CredentialsUnavailableError } from "../../auth/errors.ts";

Deno.test("envCredentials reads the variable only when asked, every time", async () => {
  const reads: string[] = [];
  const env: Record<string, string> = { MONDAY_API_TOKEN: "first-token" };
  const provider = envCredentials({
    env: (name) => {
      reads.push(name);
      return env[name];
    },
  });
  assert.deepEqual(reads, []);
  assert.equal(await provider.authorization(), "first-token");
  env.MONDAY_API_TOKEN = "rotated-token";
  assert.equal(await provider.authorization(), "rotated-token");
  assert.deepEqual(reads, ["MONDAY_API_TOKEN", "MONDAY_API_TOKEN"]);
});

Deno.test("envCredentials sends MONDAY_AUDIT_TOKEN as Bearer", async () => {
  const provider = envCredentials({
    variable: "MONDAY_AUDIT_TOKEN",
    env: (name) => name === "MONDAY_AUDIT_TOKEN" ? "audit-token" : undefined,
  });
  assert.equal(await provider.authorization(), "Bearer audit-token");
});

Deno.test("envCredentials reports an unset variable as unavailable", async () => {
  const provider = envCredentials({ env: () => "  " });
  const error = await provider.authorization().catch((e) => e);
  assert.ok(error instanceof CredentialsUnavailableError);
  assert.match(error.message, /'MONDAY_API_TOKEN' is not set/);
});

Deno.test("envCredentials turns a permission error into a hint", async () => {
  const provider = envCredentials({
    env: () => {
      throw new Deno.errors.NotCapable("Requires env access");
    },
  });
  await assert.rejects(
    provider.authorization(),
    /--allow-env=MONDAY_API_TOKEN/,
  );
});

Deno.test("envCredentials reads the real environment by default", async () => {
  Deno.env.set("MONDAYKIT_TEST_TOKEN", "from-real-env");
  try {
    const provider = envCredentials({ variable: "MONDAYKIT_TEST_TOKEN" });
    assert.equal(await provider.authorization(), "from-real-env");
    assert.doesNotMatch(Deno.inspect(provider), /from-real-env/);
  } finally {
    Deno.env.delete("MONDAYKIT_TEST_TOKEN");
  }
});
