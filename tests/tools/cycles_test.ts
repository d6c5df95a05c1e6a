import assert from "node:assert/strict";
import { findCycles } from "../../tools/cycles.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("cycles: the package has no import cycle, type-only imports included", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
    exports: Record<string, string>;
  };
  const cycles = await findCycles(root, Object.values(config.exports));
  assert.deepEqual(cycles, [], cycles.map((c) => c.join(" <-> ")).join("\n"));
});

Deno.test("cycles: a type-only cycle and a self-import are found, an acyclic file is not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.ts`,
      'import type { B } from "./b.ts";\nimport "./c.ts";\nexport type A = { b?: B };\n',
    );
    await Deno.writeTextFile(
      `${dir}/b.ts`,
      'import type { A } from "./a.ts";\nexport type B = { a?: A };\n',
    );
    await Deno.writeTextFile(
      `${dir}/c.ts`,
      'import "./d.ts";\nexport const c = 1;\n',
    );
    await Deno.writeTextFile(
      `${dir}/d.ts`,
      'export * from "./d.ts";\nexport const d = 1;\n',
    );
    const cycles = await findCycles(dir, ["a.ts"]);
    assert.deepEqual(cycles, [["a.ts", "b.ts"], ["d.ts"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
