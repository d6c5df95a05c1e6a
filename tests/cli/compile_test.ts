/**
 * `deno task compile` builds dist/mondaykit; the binary answers --version and --help and
 * exports from the emulator. Where `deno compile` cannot download its runtime (no
 * internet), the test says why and is skipped.
 */

import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { VERSION } from "../../version.ts";

const root = new URL("../../", import.meta.url).pathname;
const binary = `${root}dist/mondaykit${
  Deno.build.os === "windows" ? ".exe" : ""
}`;

async function compile(): Promise<
  { ok: true } | { ok: false; reason: string }
> {
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const words = (config.tasks.compile as string).split(/\s+/);
  const output = await new Deno.Command(Deno.execPath(), {
    args: words.slice(1),
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (output.code === 0) return { ok: true };
  const stderr = new TextDecoder().decode(output.stderr);
  const lines = stderr.split("\n").map((line) =>
    line.trim().replace(/^\d+: /, "")
  ).filter(Boolean);
  const download =
    /download|dl\.deno\.land|dns error|lookup address|network|connect/i.test(
      stderr,
    );
  if (!download) throw new Error(`deno compile failed:\n${stderr}`);
  return {
    ok: false,
    reason: lines.filter((line) => /download|error|lookup|Caused/i.test(line))
      .join(" | "),
  };
}

const built = await compile();
if (!built.ok) {
  console.log(
    `SKIPPED compile test: 'deno task compile' could not obtain the Deno runtime it embeds (no internet here): ${built.reason}`,
  );
}

Deno.test({
  name:
    "compile: dist/mondaykit answers --version, --help and exports from the emulator",
  ignore: !built.ok,
  fn: async () => {
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const output = await new Deno.Command(binary, {
        args,
        env: { NO_COLOR: "1", ...env },
        stdout: "piped",
        stderr: "piped",
      })
        .output();
      return {
        code: output.code,
        stdout: new TextDecoder().decode(output.stdout),
        stderr: new TextDecoder().decode(output.stderr),
      };
    };
    const version = await run(["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.ok(
      version.stdout.startsWith(`mondaykit ${VERSION} `),
      version.stdout,
    );
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /items export/);
    await using emulator = await startEmulator({ items: 42 });
    const exported = await run(["items", "export", "--board", "5000000001"], {
      MONDAY_API_TOKEN: emulator.credentials.apiToken,
      MONDAY_API_URL: emulator.apiUrl,
    });
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout.split("\n").filter(Boolean).length, 42);
  },
});
