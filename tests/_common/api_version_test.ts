import assert from "node:assert/strict";
import {
  API_VERSION_RULE,
  checkApiVersion,
  normalizeApiVersion,
} from "../../_common/mod.ts";
import { createClient, MondayClient } from "../../mod.ts";
import { parseConnectionString } from "../../connection.ts";
import { startEmulator } from "../../emulator/mod.ts";

Deno.test("normalizeApiVersion: quarterly months, current and dev; nothing else", () => {
  for (const v of ["2026-01", "2026-04", "2026-07", "2026-10", "2027-01"]) {
    assert.equal(normalizeApiVersion(v), v);
  }
  assert.equal(normalizeApiVersion("current"), "current");
  assert.equal(normalizeApiVersion("CURRENT"), "current");
  assert.equal(normalizeApiVersion("Dev"), "dev");
  for (
    const v of [
      "2026-02",
      "2026-13",
      "2026-1",
      "26-10",
      "2026",
      "2026-10-01",
      "latest",
      " 2026-10",
      "",
      42,
      null,
      undefined,
    ]
  ) {
    assert.equal(normalizeApiVersion(v), undefined, String(v));
  }
});

Deno.test("checkApiVersion: a RangeError that starts with the caller's subject and states the rule", () => {
  assert.throws(() => checkApiVersion("2026-02", "Invalid 'x':"), {
    name: "RangeError",
    message: `Invalid 'x': must be ${API_VERSION_RULE}, got '2026-02'`,
  });
  const long = "9".repeat(200);
  const error = (() => {
    try {
      checkApiVersion(long, "Invalid 'x':");
    } catch (e) {
      return e as Error;
    }
    throw new Error("expected an error");
  })();
  assert.ok(error.message.length < 200, error.message);
  assert.throws(
    () => checkApiVersion("secret-ish", "S", () => "****"),
    { message: `S must be ${API_VERSION_RULE}, got '****'` },
  );
});

Deno.test("2026-02 is refused the same way by createClient and new MondayClient", () => {
  const fromString = (() => {
    try {
      createClient("APIToken=tok-1234;ApiVersion=2026-02");
    } catch (e) {
      return e as Error;
    }
    throw new Error("createClient accepted 2026-02");
  })();
  const fromClient = (() => {
    try {
      new MondayClient({ token: "tok-1234", apiVersion: "2026-02" });
    } catch (e) {
      return e as Error;
    }
    throw new Error("MondayClient accepted 2026-02");
  })();
  const fromOptions = (() => {
    try {
      createClient({ apiToken: "tok-1234", apiVersion: "2026-02" });
    } catch (e) {
      return e as Error;
    }
    throw new Error("createClient accepted 2026-02 as an option");
  })();
  for (const error of [fromString, fromClient, fromOptions]) {
    assert.equal(error.name, "RangeError");
    assert.ok(
      error.message.endsWith(`must be ${API_VERSION_RULE}, got '2026-02'`),
      error.message,
    );
  }
  assert.equal(
    fromString.message,
    `Cannot parse connection string: 'ApiVersion' must be ${API_VERSION_RULE}, got '2026-02'`,
  );
  assert.equal(
    fromClient.message,
    `Invalid 'apiVersion': must be ${API_VERSION_RULE}, got '2026-02'`,
  );
});

Deno.test("'current' is accepted by the connection string, the client and the emulator, which answers as its current version", async () => {
  assert.equal(
    parseConnectionString("APIToken=x;ApiVersion=current").apiVersion,
    "current",
  );
  await using emulator = await startEmulator();
  const sent: (string | null)[] = [];
  const answered: (string | null)[] = [];
  const fetchSpy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push(request.headers.get("api-version"));
    const response = await fetch(request);
    answered.push(response.headers.get("api-version"));
    return response;
  };
  const viaString = createClient(
    `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl};ApiVersion=current`,
    { graphql: { fetch: fetchSpy } },
  ) as MondayClient;
  assert.equal(viaString.apiVersion, "current");
  const first = await viaString.request<
    { version: { value: string; kind: string } }
  >("{ version { value kind } }");
  assert.deepEqual(first.version, { value: "2026-10", kind: "current" });

  const direct = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    apiVersion: "current",
    fetch: fetchSpy,
  });
  const second = await direct.request<{ version: { kind: string } }>(
    "{ version { kind } }",
  );
  assert.equal(second.version.kind, "current");
  assert.deepEqual(sent, ["current", "current"]);
  assert.deepEqual(answered, ["2026-10", "2026-10"]);
});

Deno.test("the pinned default version stays", () => {
  assert.equal(new MondayClient({ token: "tok-1234" }).apiVersion, "2026-10");
  assert.equal(
    (createClient("APIToken=tok-1234") as MondayClient).apiVersion,
    "2026-10",
  );
});
