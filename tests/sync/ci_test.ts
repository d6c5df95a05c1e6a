// CI runs exactly the README's test command, inside a throwaway PostgreSQL
// cluster, so the sync's PostgreSQL tests always run there.
import assert from "node:assert/strict";

Deno.test(".ci/run runs the README's test command inside pg_virtualenv", async () => {
  const root = new URL("../../", import.meta.url);
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const ci = await Deno.readTextFile(new URL(".ci/run", root));
  const command = /^(npx --yes deno@[\d.]+ task test)\b/m.exec(readme)?.[1];
  assert.ok(command, "the README shows no test command");
  assert.match(
    ci,
    new RegExp(
      `^timeout \\d+ pg_virtualenv ${command.replaceAll(".", "\\.")} `,
      "m",
    ),
  );
  assert.match(ci, /apt-get install -y -qq postgresql/);
});
