import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { runCli } from "./_run.ts";

Deno.test("cli: flags complete a connection string or MONDAYKIT_CONNECTION before it is checked", async () => {
  await using emulator = await startEmulator();
  const token = emulator.credentials.apiToken;
  const fromFlag = await runCli([
    "query",
    "{ me { id } }",
    "--connection",
    `ApiUrl=${emulator.apiUrl}`,
    "--token",
    token,
  ]);
  assert.equal(fromFlag.code, 0, fromFlag.stderr);
  assert.equal(JSON.parse(fromFlag.stdout).me.id, "40000001");

  const fromEnv = await runCli(["query", "{ me { id } }", "--token", token], {
    env: { MONDAYKIT_CONNECTION: `ApiUrl=${emulator.apiUrl}` },
  });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.equal(JSON.parse(fromEnv.stdout).me.id, "40000001");

  // Without a token from anywhere it is still refused, as "authentication
  // needed" (exit 3), not as a malformed string.
  const none = await runCli(["query", "{ me { id } }"], {
    env: { MONDAYKIT_CONNECTION: `ApiUrl=${emulator.apiUrl}` },
  });
  assert.equal(none.code, 3, none.stderr);
  assert.match(none.stderr, /No API token/);
});
