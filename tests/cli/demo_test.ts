import assert from "node:assert/strict";
import { timedTest, type TimedTestDefinition } from "../_time_limit.ts";

/** This file's tests run subprocesses or long loops: a longer limit. */
const timedTestLong = (
  nameOrDefinition: string | TimedTestDefinition,
  fn?: (t: Deno.TestContext) => Promise<void> | void,
) => timedTest(nameOrDefinition, fn, 120_000);

const root = new URL("../../", import.meta.url);

/** The words of a deno.json task, so the test runs exactly what `deno task` runs. */
async function task(name: string): Promise<string[]> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", root)),
  );
  return (config.tasks[name] as string).split(/\s+/);
}

timedTestLong(
  "demo: `deno task demo` runs end to end offline with its narrow permissions",
  async () => {
    const words = await task("demo");
    assert.deepEqual(words.slice(0, 2), ["deno", "run"]);
    assert.ok(
      !words.includes("-A") && !words.includes("--allow-all"),
      "no blanket permissions",
    );
    assert.ok(
      !words.some((w) =>
        w.startsWith("--allow-run") || w.startsWith("--allow-env")
      ),
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...words.slice(1)],
      cwd: root.pathname,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /Logged in: access token …\S{4}/);
    assert.match(stdout, /Logged in as Edsger Knuth <\S+@\S+> \(user \d+\)/);
    assert.match(stdout, /Board export:\s+500 items → /);
    assert.match(stdout, /Second run:\s+0 new entries \(nothing repeated\)/);
    assert.match(stdout, /Third run:\s+3 new entries/);
    const dir = /The files stay in (\S+) \(delete it/.exec(stdout)?.[1];
    assert.ok(dir, "the demo names its directory");
    const settings = await Deno.readFile(`${dir}/OAuthSettings.txt`);
    assert.ok(
      !new TextDecoder().decode(settings).includes("access_token"),
      "tokens are not in the clear",
    );
    await Deno.remove(dir, { recursive: true });
  },
);
