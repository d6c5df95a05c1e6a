import assert from "node:assert/strict";
import { assertSecureUrl, isLoopbackHost } from "../../_http/mod.ts";

Deno.test("isLoopbackHost knows the loopback names and addresses", () => {
  for (
    const host of [
      "localhost",
      "LOCALHOST",
      "app.localhost",
      "127.0.0.1",
      "127.255.3.4",
      "::1",
      "[::1]",
      "::ffff:127.0.0.1",
    ]
  ) assert.equal(isLoopbackHost(host), true, host);
  for (
    const host of [
      "128.0.0.1",
      "127.0.0.256",
      "127.0.0",
      "localhost.example.com",
      "api.monday.com",
      "0.0.0.0",
      "::2",
      "",
    ]
  ) assert.equal(isLoopbackHost(host), false, host);
});

Deno.test("assertSecureUrl accepts https anywhere and http to loopback only", () => {
  assertSecureUrl("https://api.monday.com/v2", "API URL");
  assertSecureUrl(new URL("http://localhost:8080/x"), "API URL");
  assertSecureUrl("http://[::1]:9/x", "API URL");
  assert.throws(() => assertSecureUrl("http://api.monday.com/v2", "API URL"), {
    name: "TypeError",
    message:
      "Insecure API URL: 'http://api.monday.com/v2' must use https:// (plain http:// only to a loopback host)",
  });
  assert.throws(
    () => assertSecureUrl("ftp://127.0.0.1/", "token endpoint"),
    /Insecure token endpoint/,
  );
  assert.throws(() => assertSecureUrl("api.monday.com", "API URL"), {
    name: "TypeError",
    message: "Invalid API URL: not an absolute URL 'api.monday.com'",
  });
});

Deno.test("assertSecureUrl does not echo secrets from the URL", () => {
  const error = (() => {
    try {
      assertSecureUrl(
        "http://example.com/cb?access_token=very-secret-token-1234",
        "callback URL",
      );
    } catch (e) {
      return e as Error;
    }
  })();
  assert.ok(error);
  assert.ok(!error.message.includes("very-secret-token"), error.message);
  assert.match(error.message, /access_token=…1234/);
});
