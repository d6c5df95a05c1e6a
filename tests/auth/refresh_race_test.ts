import assert from "node:assert/strict";
import { OAuthClient } from "../../auth/oauth_client.ts";
import { startEmulator } from "../../emulator/mod.ts";
import { EncryptedFileStore } from "../../storage/mod.ts";
import { timedTest, type TimedTestDefinition } from "../_time_limit.ts";

/** This file's tests run subprocesses or long loops: a longer limit. */
const timedTestLong = (
  nameOrDefinition: string | TimedTestDefinition,
  fn?: (t: Deno.TestContext) => Promise<void> | void,
) => timedTest(nameOrDefinition, fn, 120_000);

const PROCESSES = 12;

timedTestLong({
  name:
    "12 processes sharing a settings file that all need a refresh at once: exactly one refresh reaches the server, all end with a working token",
  async fn() {
    await using emulator = await startEmulator({ startTime: Date.now() });
    const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
    const dir = await Deno.makeTempDir({ prefix: "mondaykit-race-" });
    try {
      const key = btoa(
        String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))),
      );
      const store = new EncryptedFileStore(`${dir}/OAuthSettings.txt`, { key });
      const client = new OAuthClient({
        clientId,
        clientSecret,
        authUrl: emulator.authUrl,
        callbackUrl: redirectUris[0]!,
        scope: "me:read boards:read",
        store,
        clock: { now: () => emulator.now(), sleep: () => Promise.resolve() },
      });
      const { url } = await client.getAuthorizationUrl();
      const consent = await fetch(url, { redirect: "manual" });
      await consent.body?.cancel();
      const first = await client.exchangeCode(
        consent.headers.get("location")!,
      );

      // Every process now finds the access token expired.
      emulator.advance(3_600_000 + 1_000);
      emulator.resetStats();
      const offset = emulator.now() - Date.now();

      const children = Array.from(
        { length: PROCESSES },
        (_, index) =>
          new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "--quiet",
              "--no-prompt",
              "--allow-net=127.0.0.1",
              `--allow-read=${dir}`,
              `--allow-write=${dir}`,
              "--allow-env",
              new URL("./_refresh_worker.ts", import.meta.url).pathname,
            ],
            env: {
              RACE_DIR: dir,
              RACE_INDEX: String(index),
              RACE_CLOCK_OFFSET: String(offset),
              RACE_KEY: key,
              RACE_CLIENT_ID: clientId,
              RACE_CLIENT_SECRET: clientSecret,
              RACE_AUTH_URL: emulator.authUrl,
              RACE_API_URL: emulator.apiUrl,
            },
            stdout: "piped",
            stderr: "piped",
          }).spawn(),
      );
      // Release them together once all are ready (bounded wait).
      for (let i = 0; i < 6000; i++) {
        let ready = 0;
        for await (const entry of Deno.readDir(dir)) {
          if (entry.name.startsWith("ready-")) ready++;
        }
        if (ready === PROCESSES) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Deno.writeTextFile(`${dir}/go`, "");
      const outputs = await Promise.all(
        children.map((child) => child.output()),
      );
      const results = outputs.map((output, index) => {
        const stderr = new TextDecoder().decode(output.stderr);
        assert.equal(output.code, 0, `process ${index} failed: ${stderr}`);
        return JSON.parse(new TextDecoder().decode(output.stdout).trim());
      });
      assert.deepEqual(
        results,
        Array.from({ length: PROCESSES }, () => ({ ok: true, status: 200 })),
      );
      const stats = emulator.stats();
      assert.equal(stats.refreshes, 1, "exactly one refresh");
      assert.equal(
        stats.requests.token,
        1,
        "one request to the token endpoint",
      );
      const stored = await client.loadTokens();
      assert.notEqual(stored?.refreshToken, first.refreshToken);
      assert.notEqual(stored?.accessToken, first.accessToken);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
