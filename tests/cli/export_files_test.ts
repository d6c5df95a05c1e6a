/**
 * The export commands' files: created 0600 unless `--mode` says otherwise,
 * and CSV cells that would run as spreadsheet formulas neutralised unless
 * `--csv-raw`.
 */

import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { runCli } from "./_run.ts";

const isWindows = Deno.build.os === "windows";

async function modeOf(path: string): Promise<number> {
  return ((await Deno.stat(path)).mode ?? 0) & 0o777;
}

Deno.test({
  name: "auditlog export and items export: --mode, 0600 by default, --csv-raw",
  ignore: isWindows,
  fn: async () => {
    await using emulator = await startEmulator({ auditEntries: 20 });
    const dir = await Deno.makeTempDir({ prefix: "mondaykit-cli-files-" });
    try {
      const { apiToken, auditToken } = emulator.credentials;
      const baseEnv: Record<string, string> = {
        HOME: dir,
        XDG_CONFIG_HOME: dir,
        MONDAYKIT_CONNECTION: "",
        MONDAY_API_TOKEN: "",
        MONDAY_AUDIT_TOKEN: "",
        MONDAY_DOMAIN: "",
        MONDAY_API_URL: "",
        MONDAY_AUTH_URL: "",
      };
      const auditEnv = {
        ...baseEnv,
        MONDAY_AUDIT_TOKEN: auditToken,
        MONDAY_DOMAIN: emulator.domain,
      };
      const graphqlEnv = {
        ...baseEnv,
        MONDAY_API_TOKEN: apiToken,
        MONDAY_API_URL: emulator.apiUrl,
      };
      const umask = Deno.umask();

      const first = await runCli([
        "auditlog",
        "export",
        "--out",
        `${dir}/a.jsonl`,
        "--checkpoint",
        `${dir}/a.ckpt`,
      ], { env: auditEnv });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(await modeOf(`${dir}/a.jsonl`), 0o600);
      assert.equal(await modeOf(`${dir}/a.ckpt`), 0o600);

      const open = await runCli([
        "auditlog",
        "export",
        "--format",
        "csv",
        "--out",
        `${dir}/b.csv`,
        "--checkpoint",
        `${dir}/b.ckpt`,
        "--mode",
        "0644",
      ], { env: auditEnv });
      assert.equal(open.code, 0, open.stderr);
      assert.equal(await modeOf(`${dir}/b.csv`), 0o644 & ~umask);
      assert.equal(await modeOf(`${dir}/b.ckpt`), 0o644 & ~umask);

      const bad = await runCli([
        "auditlog",
        "export",
        "--out",
        `${dir}/c.jsonl`,
        "--mode",
        "rw-r--r--",
      ], { env: auditEnv });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /Invalid --mode 'rw-r--r--'/);

      // An item whose name a spreadsheet would run as a formula.
      const created = await fetch(emulator.apiUrl, {
        method: "POST",
        headers: {
          authorization: apiToken,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          query:
            'mutation { create_item(board_id: 5000000001, item_name: "=HYPERLINK(\\"http://x\\")") { id } }',
        }),
      });
      const body = await created.json();
      assert.ok(body.data?.create_item?.id, JSON.stringify(body));
      const items = async (extra: string[], name: string) => {
        const result = await runCli([
          "items",
          "export",
          "--board",
          "5000000001",
          "--format",
          "csv",
          "--out",
          `${dir}/${name}`,
          ...extra,
        ], { env: graphqlEnv });
        assert.equal(result.code, 0, result.stderr);
        return await Deno.readTextFile(`${dir}/${name}`);
      };
      const safe = await items([], "items.csv");
      assert.equal(await modeOf(`${dir}/items.csv`), 0o600);
      assert.ok(
        safe.includes(`,"'=HYPERLINK(""http://x"")",`),
        safe.split("\r\n").filter((l) => l.includes("HYPERLINK")).join("\n"),
      );
      const raw = await items(["--csv-raw", "--mode", "0640"], "raw.csv");
      assert.equal(await modeOf(`${dir}/raw.csv`), 0o640 & ~umask);
      assert.ok(raw.includes(`,"=HYPERLINK(""http://x"")",`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
