/**

 * The real-browser login: `mondaykit auth login --no-browser` against the emulator's
 * HTML consent page, approved in headless Chromium driven by playwright-core. Skipped,
 * with a message, where /usr/bin/chromium is absent (`.ci/run` installs it).
 */

import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { CLI_PERMISSIONS, runCli } from "./_run.ts";
import { timedTest, type TimedTestDefinition } from "../_time_limit.ts";

/** This file's tests run subprocesses or long loops: a longer limit. */
const timedTestLong = (
  nameOrDefinition: string | TimedTestDefinition,
  fn?: (t: Deno.TestContext) => Promise<void> | void,
) => timedTest(nameOrDefinition, fn, 120_000);

const CHROMIUM = "/usr/bin/chromium";

function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

const available = hasChromium();
if (!available) {
  console.log(
    `SKIPPED real-browser login test: ${CHROMIUM} is absent (install Debian's 'chromium' to run it)`,
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

timedTestLong({
  name:
    "auth login: approve on the emulator's consent page in headless Chromium; the CLI stores the tokens",
  ignore: !available,
  fn: async () => {
    const callbackUrl = `http://127.0.0.1:${freePort()}/callback`;
    await using emulator = await startEmulator({
      startTime: Date.now(),
      consent: "page",
      oauthRedirectUris: [callbackUrl],
    });
    const dir = await Deno.makeTempDir({ prefix: "mondaykit-browser-" });
    const { clientId, clientSecret } = emulator.credentials.oauth;
    const env = {
      NO_COLOR: "1",
      HOME: dir,
      XDG_CONFIG_HOME: dir,
      MONDAYKIT_CONNECTION: [
        "AuthScheme=OAuth",
        `OAuthClientId=${clientId}`,
        `OAuthClientSecret=${clientSecret}`,
        `CallbackURL=${callbackUrl}`,
        `AuthUrl=${emulator.authUrl}`,
        `ApiUrl=${emulator.apiUrl}`,
        `OAuthSettingsLocation=${dir}/OAuthSettings.txt`,
      ].join(";"),
    };
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...CLI_PERMISSIONS,
        new URL("../../cli.ts", import.meta.url).pathname,
        "auth",
        "login",
        "--no-browser",
      ],
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const decoder = new TextDecoder();
    const stderrDone = (async () => {
      for await (const chunk of child.stderr) {
        stderr += decoder.decode(chunk, { stream: true });
      }
    })();
    const stdoutDone = new Response(child.stdout).text();

    let url: string | undefined;
    for (let i = 0; i < 400 && url === undefined; i++) {
      url = /http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+/.exec(stderr)
        ?.[0];
      if (url === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    if (url === undefined) {
      child.kill("SIGKILL");
      await Promise.all([stderrDone, stdoutDone, child.status]);
      throw new Error(`The CLI printed no authorization URL: ${stderr}`);
    }

    // playwright-core needs --allow-all (it probes /proc when loaded): drive Chromium from its own process.
    const approve = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--allow-all",
        new URL("./_approve_in_chromium.ts", import.meta.url).pathname,
        CHROMIUM,
        url,
        callbackUrl,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const approveOut = decoder.decode(approve.stdout) +
      decoder.decode(approve.stderr);
    if (approve.code !== 0) {
      child.kill("SIGKILL");
      await Promise.all([stderrDone, stdoutDone, child.status]);
      throw new Error(`Chromium could not approve: ${approveOut}
CLI: ${stderr}`);
    }
    assert.match(
      approveOut,
      /approved; browser went to http:\/\/127\.0\.0\.1:\d+\/callback/,
    );
    const status = await child.status;
    await Promise.all([stderrDone, stdoutDone]);
    assert.equal(status.code, 0, stderr);
    assert.match(stderr, /Logged in: access token …\S{4}/);

    const after = await runCli(["auth", "status", "--json"], { env });
    assert.equal(after.code, 0, after.stderr);
    const value = JSON.parse(after.stdout);
    assert.equal(value.loggedIn, true);
    assert.equal(value.userId, "40000001");
    assert.equal(emulator.stats().tokensIssued, 1);
    await Deno.remove(dir, { recursive: true });
  },
});
