// Runtime-agnostic: bundle the ./graphql entry point with `deno bundle` and
// run a query and a pagination under Node.js against the emulator.
import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";

const ROOT = new URL("../../", import.meta.url);

async function run(
  command: string,
  args: string[],
  options: { cwd?: URL; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string } | undefined> {
  try {
    const output = await new Deno.Command(command, {
      args,
      stdout: "piped",
      stderr: "piped",
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const nodeVersion = await run("node", ["--version"]);
const nodeMajor = Number(/^v(\d+)/.exec(nodeVersion?.stdout ?? "")?.[1] ?? 0);
if (nodeMajor < 20) {
  console.log(
    `skipped: the Node.js bundle test needs node >= 20 on PATH (found ${
      nodeVersion ? nodeVersion.stdout.trim() : "none"
    })`,
  );
}

const SCRIPT = `
import { MondayClient, NotFoundError } from "./client.mjs";
if (typeof globalThis.Deno !== "undefined") throw new Error("not Node");
const client = new MondayClient({
  token: process.env.MONDAY_TOKEN,
  apiUrl: process.env.MONDAY_API_URL,
});
const { me, boards } = await client.request(
  "query { me { id } boards(limit: 1) { id } }",
);
let items = 0;
for await (const item of client.paginateItems(boards[0].id, { pageSize: 100 })) {
  if (typeof item.id === "string") items++;
}
let notFound = false;
try {
  for await (const _ of client.paginateItems("999999")) {}
} catch (error) {
  notFound = error instanceof NotFoundError;
}
console.log(JSON.stringify({ me: me.id, items, notFound, node: process.version }));
`;

Deno.test({
  name:
    "node: the bundled ./graphql entry point queries and paginates under Node.js",
  ignore: nodeMajor < 20,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mondaykit-node-" });
    try {
      const bundle = await run(Deno.execPath(), [
        "bundle",
        "--quiet",
        "--platform=browser",
        "-o",
        `${dir}/client.mjs`,
        "graphql/mod.ts",
      ], { cwd: ROOT });
      assert.equal(bundle?.code, 0, `deno bundle failed:\n${bundle?.stderr}`);
      const source = await Deno.readTextFile(`${dir}/client.mjs`);
      assert.ok(
        !/\bDeno\.(?!version)/.test(
          source.replace(/globalThis\.Deno|Deno\?\./g, ""),
        ),
        "no bare Deno.* in the bundle",
      );
      await Deno.writeTextFile(`${dir}/run.mjs`, SCRIPT);

      await using emulator = await startEmulator({ items: 1_234 });
      const result = await run("node", [`${dir}/run.mjs`], {
        env: {
          MONDAY_TOKEN: emulator.credentials.apiToken,
          MONDAY_API_URL: emulator.apiUrl,
        },
      });
      assert.equal(result?.code, 0, `node failed:\n${result?.stderr}`);
      const output = JSON.parse(result!.stdout.trim().split("\n").pop()!);
      assert.equal(output.me, emulator.credentials.apiTokens[0]!.userId);
      assert.equal(output.items, 1_234);
      assert.equal(output.notFound, true);
      assert.match(output.node, /^v2\d\./);
      assert.equal(emulator.stats().requests.graphql, 1 + 13 + 1);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
