import assert from "node:assert/strict";
import { openBrowser } from "../../auth/open_browser.ts";

Deno.test("openBrowser only opens http(s) URLs", async () => {
  await assert.rejects(
    openBrowser("file:///etc/passwd"),
    /only http\(s\) URLs/,
  );
  await assert.rejects(openBrowser("javascript:alert(1)"), TypeError);
  await assert.rejects(openBrowser("not a url"), /not an absolute URL/);
});

Deno.test("without --allow-run openBrowser fails with a hint instead of prompting", async () => {
  const script = `
    import { openBrowser } from ${
    JSON.stringify(new URL("../../auth/open_browser.ts", import.meta.url).href)
  };
    for (const os of ["linux", "darwin", "windows"]) {
      try {
        await openBrowser("https://auth.monday.com/oauth2/authorize", { os });
        console.log(os + ": opened");
      } catch (error) {
        console.log(os + ": " + error.message);
      }
    }
  `;
  // `deno run` without --allow-run (unlike `deno eval`, which grants everything).
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  let output: Deno.CommandOutput;
  try {
    await Deno.writeTextFile(file, script);
    output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--quiet", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } finally {
    await Deno.remove(file);
  }
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  assert.deepEqual(lines, [
    "linux: Cannot open browser: running 'xdg-open' is not permitted (grant --allow-run=xdg-open)",
    "darwin: Cannot open browser: running 'open' is not permitted (grant --allow-run=open)",
    "windows: Cannot open browser: running 'rundll32' is not permitted (grant --allow-run=rundll32)",
  ]);
});
