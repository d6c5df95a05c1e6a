// The CLI under a server that echoes the whole request (headers included) in
// every field of its error bodies: no spelling of the token reaches stdout or
// stderr, with or without --verbose and --json.
import assert from "node:assert/strict";
import { runCli } from "./_run.ts";
import {
  assertNoSecret,
  ECHO_SHAPES,
  startEchoServer,
} from "../graphql/_echo_server.ts";

const TOKEN = "s3cr3t+tok/en=Value_0123456789";

for (const shape of ECHO_SHAPES) {
  Deno.test(`cli redaction: 'query' against an echoing server (${shape}) never prints the token`, async () => {
    await using server = startEchoServer(shape);
    for (
      const flags of [[], ["--verbose"], ["--json"], ["--verbose", "--json"]]
    ) {
      const result = await runCli([
        "query",
        "query Echo($note: String) { me { id } }",
        "--var",
        `note=${TOKEN}`,
        "--api-url",
        server.apiUrl,
        "--token",
        TOKEN,
        ...flags,
      ], { env: { MONDAYKIT_CONNECTION: "", MONDAY_API_TOKEN: "" } });
      const where = `${shape} ${flags.join(" ") || "(no flags)"}`;
      assert.equal(result.code, 1, `${where}: ${result.stderr}`);
      assertNoSecret(result.stdout, [TOKEN], `stdout (${where})`);
      assertNoSecret(result.stderr, [TOKEN], `stderr (${where})`);
      assert.match(
        result.stderr,
        /…6789/,
        `${where}: the echo is shown, masked`,
      );
      if (flags.includes("--json")) {
        const line = result.stderr.split("\n").find((l) =>
          l.startsWith('{"error"')
        );
        assert.ok(line, `${where}: a JSON error line`);
        JSON.parse(line);
      }
      if (flags.includes("--verbose") && !flags.includes("--json")) {
        assert.match(result.stderr, /\n\s+at /, `${where}: the stack is shown`);
      }
    }
  });
}
