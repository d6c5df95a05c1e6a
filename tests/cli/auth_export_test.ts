// `auth export` refuses a transfer passphrase shorter than 15 characters
// (exit 2, naming where it came from) and writes nothing.
import assert from "node:assert/strict";
import { runCli } from "./_run.ts";
import { EncryptedFileStore } from "../../storage/mod.ts";

Deno.test("auth export: a passphrase under 15 characters is a usage error; no file is written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const settings = `${dir}/OAuthSettings.txt`;
    const key = "k".repeat(32);
    await new EncryptedFileStore(settings, { passphrase: key }).save(
      { accessToken: "stored-access-token-0001" },
    );
    const env = {
      MONDAYKIT_CONNECTION: "",
      MONDAYKIT_SETTINGS_PASSPHRASE: key,
    };
    const out = `${dir}/login.bin`;
    const short = "fourteen chars";
    await Deno.writeTextFile(`${dir}/pass.txt`, `${short}\n`);
    const runs = [
      {
        source: /MONDAYKIT_TRANSFER_PASSPHRASE/,
        result: await runCli(
          ["auth", "export", "--out", out, "--settings", settings],
          { env: { ...env, MONDAYKIT_TRANSFER_PASSPHRASE: short } },
        ),
      },
      {
        source: /--passphrase-file '.*pass\.txt'/,
        result: await runCli([
          "auth",
          "export",
          "--out",
          out,
          "--settings",
          settings,
          "--passphrase-file",
          `${dir}/pass.txt`,
          "--json",
        ], { env }),
      },
    ];
    for (const { source, result } of runs) {
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, source);
      assert.match(result.stderr, /at least 15 characters, got 14/);
      assert.ok(!result.stderr.includes(short), "the passphrase is not shown");
      await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    }
    assert.equal(JSON.parse(runs[1]!.result.stderr).error.code, "usage");

    const ok = await runCli(
      ["auth", "export", "--out", out, "--settings", settings],
      { env: { ...env, MONDAYKIT_TRANSFER_PASSPHRASE: "fifteen chars.." } },
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok((await Deno.stat(out)).size > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
