import assert from "node:assert/strict";
import * as graphql from "../../graphql/mod.ts";

Deno.test("mod: the public API is exported", () => {
  for (
    const name of [
      "MondayClient",
      "MondayApiError",
      "AuthenticationError",
      "PermissionError",
      "ComplexityBudgetError",
      "RateLimitError",
      "ConcurrencyLimitError",
      "IpRateLimitError",
      "FieldLimitError",
      "DailyLimitError",
      "CursorExpiredError",
      "InvalidVersionError",
      "GraphQLValidationError",
      "NotFoundError",
      "ConflictError",
      "DataValidationError",
      "ServerError",
      "NetworkError",
      "RequestTimeoutError",
      "RedirectError",
      "ResponseTooLargeError",
      "paginateItems",
      "paginatePages",
    ]
  ) {
    assert.equal(
      typeof (graphql as Record<string, unknown>)[name],
      "function",
      name,
    );
  }
  assert.equal(graphql.DEFAULT_API_VERSION, "2026-10");
  assert.equal(graphql.DEFAULT_MAX_FILE_SIZE, 500 * 1024 * 1024);
});

Deno.test("mod: the client's hot path never imports graphql statically", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "./graphql/mod.ts"],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: {
        specifier: string;
        code?: { specifier: string };
        isDynamic?: boolean;
      }[];
    }[];
  };
  const staticNpm: string[] = [];
  let dynamicGraphql = 0;
  for (const module of info.modules) {
    if (!module.specifier.startsWith("file:")) continue;
    for (const dep of module.dependencies ?? []) {
      const target = dep.code?.specifier ?? "";
      if (!target.startsWith("npm:")) continue;
      if (dep.isDynamic) dynamicGraphql++;
      else staticNpm.push(`${module.specifier} -> ${target}`);
    }
  }
  assert.deepEqual(staticNpm, []);
  assert.ok(dynamicGraphql >= 2, "validation and printing load graphql lazily");
});
