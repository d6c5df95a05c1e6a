import assert from "node:assert/strict";
import { envPermitted, readEnv } from "../../_common/mod.ts";

Deno.test("readEnv reads a permitted variable and answers undefined when unset", () => {
  Deno.env.set("MONDAYKIT_COMMON_ENV_TEST", "value-1");
  try {
    assert.equal(envPermitted("MONDAYKIT_COMMON_ENV_TEST"), true);
    assert.equal(readEnv("MONDAYKIT_COMMON_ENV_TEST"), "value-1");
  } finally {
    Deno.env.delete("MONDAYKIT_COMMON_ENV_TEST");
  }
  assert.equal(readEnv("MONDAYKIT_COMMON_ENV_TEST"), undefined);
});

/** Runs a script under the given permissions, with stdin closed so a prompt would fail. */
async function runWith(flags: string[], code: string): Promise<string> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const env = new URL("../../_common/env.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { envPermitted, readEnv } from "${env}";\n${code}`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--no-lock", ...flags, script],
      env: { MONDAYKIT_COMMON_ENV_TEST: "secret-value-77" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    return new TextDecoder().decode(output.stdout).trim();
  } finally {
    await Deno.remove(script);
  }
}

Deno.test("readEnv never prompts: without the permission the variable reads as unset", async () => {
  const code =
    `console.log(JSON.stringify([envPermitted("MONDAYKIT_COMMON_ENV_TEST"), readEnv("MONDAYKIT_COMMON_ENV_TEST") ?? null]));`;
  assert.equal(await runWith([], code), "[false,null]");
  assert.equal(
    await runWith(["--allow-env=MONDAYKIT_COMMON_ENV_TEST"], code),
    '[true,"secret-value-77"]',
  );
  assert.equal(
    await runWith(["--allow-env=OTHER"], code),
    "[false,null]",
  );
});
