import assert from "node:assert/strict";
import { checkAccountDomain } from "../../_common/mod.ts";
import { parseConnectionString } from "../../connection.ts";
import { AuditLogClient } from "../../auditlog/mod.ts";

const SUBJECT = "Invalid 'domain'";

Deno.test("checkAccountDomain: account URLs and loopback hosts, reduced to the origin", () => {
  assert.equal(
    checkAccountDomain("https://ACME-2.monday.com/", SUBJECT),
    "https://acme-2.monday.com",
  );
  assert.equal(
    checkAccountDomain(" http://127.0.0.1:8123 ", SUBJECT),
    "http://127.0.0.1:8123",
  );
  assert.equal(checkAccountDomain("http://[::1]:9", SUBJECT), "http://[::1]:9");
  assert.equal(
    checkAccountDomain("https://localhost", SUBJECT),
    "https://localhost",
  );
});

Deno.test("checkAccountDomain: shorthand forms only when asked for", () => {
  assert.equal(
    checkAccountDomain("acme", SUBJECT, { shorthand: true }),
    "https://acme.monday.com",
  );
  assert.equal(
    checkAccountDomain("acme.monday.com", SUBJECT, { shorthand: true }),
    "https://acme.monday.com",
  );
  assert.throws(() => checkAccountDomain("acme.monday.com", SUBJECT), {
    name: "TypeError",
    message:
      "Invalid 'domain' must be the account URL 'https://<slug>.monday.com' (plain http:// only to a loopback host), got 'acme.monday.com' (did you mean 'https://acme.monday.com'?)",
  });
});

Deno.test("checkAccountDomain: refuses monday's shared hosts, other hosts, plain http and extras", () => {
  for (const host of ["api", "auth", "www"]) {
    assert.throws(
      () => checkAccountDomain(`https://${host}.monday.com`, SUBJECT),
      { name: "TypeError", message: /not monday's shared host/ },
    );
  }
  for (
    const bad of [
      "https://evil.com",
      "https://acme.monday.com.evil.com",
      "https://a.b.monday.com",
      "http://acme.monday.com",
      "http://192.168.1.10",
      "ftp://acme.monday.com",
    ]
  ) {
    assert.throws(() => checkAccountDomain(bad, SUBJECT), {
      name: "TypeError",
      message:
        `Invalid 'domain' must be the account URL 'https://<slug>.monday.com' (plain http:// only to a loopback host), got '${bad}'`,
    }, bad);
  }
  assert.throws(
    () => checkAccountDomain("https://acme.monday.com/audit-api", SUBJECT),
    /without a path/,
  );
  assert.throws(
    () => checkAccountDomain("https://acme.monday.com/?x=1", SUBJECT),
    /must not carry user info, a query or a fragment/,
  );
  const error = (() => {
    try {
      checkAccountDomain("https://me:hunter2-pass@acme.monday.com", SUBJECT);
    } catch (e) {
      return e as Error;
    }
    throw new Error("expected an error");
  })();
  assert.ok(!error.message.includes("hunter2"), error.message);
});

Deno.test("checkAccountDomain: another https host only when named, never over plain http", () => {
  const options = { allowDomainHosts: ["Audit-Proxy.example.com"] };
  assert.equal(
    checkAccountDomain("https://audit-proxy.example.com", SUBJECT, options),
    "https://audit-proxy.example.com",
  );
  assert.throws(
    () =>
      checkAccountDomain("http://audit-proxy.example.com", SUBJECT, options),
    TypeError,
  );
});

Deno.test("the connection string and the audit client apply the same domain rule", () => {
  const cases = [
    "https://acme.monday.com",
    "http://127.0.0.1:9",
    "https://api.monday.com",
    "https://auth.monday.com",
    "https://evil.example.com",
    "http://acme.monday.com",
    "https://acme.monday.com/path",
  ];
  for (const domain of cases) {
    let viaString: string | Error;
    let viaClient: string | Error;
    try {
      viaString = parseConnectionString(
        `Schema=AuditLog;APIToken=t;Domain=${domain}`,
      ).domain!;
    } catch (e) {
      viaString = e as Error;
    }
    try {
      viaClient = new AuditLogClient({ token: "t", domain }).url.replace(
        "/audit-api/get-logs",
        "",
      );
    } catch (e) {
      viaClient = e as Error;
    }
    if (typeof viaString === "string" || typeof viaClient === "string") {
      assert.equal(viaClient, viaString, domain);
    } else {
      assert.equal(viaClient.name, viaString.name, domain);
      assert.equal(
        viaClient.message.replace(/^.*'domain' /, ""),
        viaString.message.replace(/^.*'Domain' /, ""),
        domain,
      );
    }
  }
  // The one option name, in both.
  assert.equal(
    parseConnectionString(
      "Schema=AuditLog;APIToken=t;Domain=https://proxy.example.com",
      { allowDomainHosts: ["proxy.example.com"] },
    ).domain,
    "https://proxy.example.com",
  );
  assert.equal(
    new AuditLogClient({
      token: "t",
      domain: "https://proxy.example.com",
      allowDomainHosts: ["proxy.example.com"],
    }).url,
    "https://proxy.example.com/audit-api/get-logs",
  );
});
