import assert from "node:assert/strict";
import {
  maskSecret,
  redact,
  redactHeaders,
  redactUrl,
  USER_AGENT,
} from "../../_http/mod.ts";
import { VERSION } from "../../version.ts";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOjEyMzQ1Njc4OX0.sig-ABCD";

Deno.test("maskSecret keeps at most the last 4 characters", () => {
  assert.equal(maskSecret(TOKEN), "…ABCD");
  assert.equal(maskSecret("123456789012"), "…9012");
  assert.equal(maskSecret("12345678901"), "****");
  assert.equal(maskSecret(""), "****");
});

Deno.test("redact hides known secrets in plain, URL-encoded and JSON forms", () => {
  const secret = 'p@ss word/with+chars&="quote';
  const text = [
    `plain ${secret}`,
    `url ${encodeURIComponent(secret)}`,
    `form ${new URLSearchParams({ a: secret }).toString()}`,
    `json ${JSON.stringify({ s: secret })}`,
  ].join("\n");
  const out = redact(text, [secret]);
  assert.ok(!out.includes("ss word"), out);
  assert.ok(!out.includes("ss%20word"), out);
  assert.ok(!out.includes("ss+word"), out);
  assert.equal((out.match(/…uote/g) ?? []).length, 4, out);
});

Deno.test("redact masks well-known fields and JWT-shaped strings without being told", () => {
  const body = JSON.stringify({
    access_token: "at-0123456789abcdef",
    refresh_token: "rt-0123456789abcdef",
    token_type: "Bearer",
    scope: "boards:read",
    code: "COMPLEXITY_BUDGET_EXHAUSTED",
  });
  const out = redact(body);
  assert.ok(!out.includes("at-0123456789"), out);
  assert.ok(!out.includes("rt-0123456789"), out);
  assert.match(out, /"scope":"boards:read"/);
  assert.match(out, /"code":"COMPLEXITY_BUDGET_EXHAUSTED"/);

  const form = redact(
    "grant_type=refresh_token&refresh_token=rt-secret-value-9999&client_secret=cs-secret-value-8888&client_id=abc",
  );
  assert.equal(
    form,
    "grant_type=refresh_token&refresh_token=…9999&client_secret=…8888&client_id=abc",
  );
  assert.equal(redact(`failed with ${TOKEN}`), "failed with …ABCD");
  assert.equal(
    redact("Authorization: Bearer abcdefghijklmnopqrstu"),
    "Authorization: Bearer …rstu",
  );
  assert.equal(
    redact("APIToken=my-personal-token-1234;Timeout=5"),
    "APIToken=…1234;Timeout=5",
  );
});

Deno.test("redact leaves text without secrets alone and ignores tiny secrets", () => {
  const text = "Unexpected HTTP status 503 from https://api.monday.com/v2";
  assert.equal(redact(text, ["", "a", "503"]), text);
  assert.equal(
    redact("OAuth authorization: denied by the user"),
    "OAuth authorization: denied by the user",
  );
  assert.equal(
    redact("authorization: abc123-def456-ghi789"),
    "authorization: …i789",
  );
});

Deno.test("redactUrl masks secret query parameters and user info", () => {
  assert.equal(
    redactUrl(
      "https://user:pw@auth.monday.com/oauth2/token?client_id=abc&client_secret=cs-secret-value-1234&state=st-012345678901&code=c0de-1234567890",
    ),
    "https://****@auth.monday.com/oauth2/token?client_id=abc&client_secret=…1234&state=…8901&code=…7890",
  );
  assert.equal(
    redactUrl(
      new URL("https://api.monday.com/v2?Access_Token=abcdefghijklmnop"),
    ),
    "https://api.monday.com/v2?Access_Token=…mnop",
  );
  assert.equal(
    redactUrl("https://api.monday.com/v2/get_schema?format=sdl&version=dev"),
    "https://api.monday.com/v2/get_schema?format=sdl&version=dev",
  );
});

Deno.test("redactUrl hides given secrets anywhere in the URL and handles non-URLs", () => {
  const secret = "secret-in-path-5555";
  assert.equal(
    redactUrl(`https://x.example/${secret}/y`, [secret]),
    "https://x.example/…5555/y",
  );
  assert.equal(
    redactUrl(`not a url token=${secret}`, []),
    "not a url token=…5555",
  );
});

Deno.test("redactHeaders masks credentials and keeps the rest", () => {
  assert.deepEqual(
    redactHeaders([
      ["Authorization", TOKEN],
      ["Cookie", "session=abcdefghijklmnop"],
      ["X-Api-Key", "k"],
      ["X-Refresh-Token", "rt-0123456789abcdef"],
      ["Proxy-Authorization", "Basic dXNlcjpwYXNzd29yZA=="],
      ["API-Version", "2026-10"],
      ["Content-Type", "application/json"],
    ]),
    {
      authorization: "…ABCD",
      cookie: "…mnop",
      "x-api-key": "****",
      "x-refresh-token": "…cdef",
      "proxy-authorization": "Basic …ZA==",
      "api-version": "2026-10",
      "content-type": "application/json",
    },
  );
});

Deno.test("USER_AGENT names the package, its version and the runtime", () => {
  assert.equal(USER_AGENT, `mondaykit/${VERSION} (Deno ${Deno.version.deno})`);
});

Deno.test("redact hides a secret's base64 forms, alone and inside a Basic credential", () => {
  const secret = "cl!ent/secret+value=with&chars 0042";
  const b64 = (text: string) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  const texts = [
    `alone ${b64(secret)}`,
    `url-safe ${b64(secret).replace(/\+/g, "-").replace(/\//g, "_")}`,
  ];
  // The secret at each byte alignment inside a larger base64 value.
  for (const id of ["a", "ab", "abc", "app-client-id"]) {
    texts.push(`{"authorization":"Basic ${b64(`${id}:${secret}`)}"}`);
  }
  for (const text of texts) {
    const out = redact(text, [secret]);
    assert.ok(out.includes("…0042"), `${text} -> ${out}`);
    // No run of 12 characters from the secret's base64 survives.
    const whole = b64(`${text.length % 3 ? "x" : ""}${secret}`);
    for (let i = 4; i + 12 < whole.length - 4; i += 4) {
      assert.ok(!out.includes(whole.slice(i, i + 12)), `${text} -> ${out}`);
    }
  }
  // Short secrets are not searched for in base64 (they would match by chance).
  assert.equal(redact("c2hvcnQ=", ["short"]), "c2hvcnQ=");
});

Deno.test("redact hides a known secret's base64 forms, at any alignment inside a longer base64 text", () => {
  const secret = "s3cr3t+tok/en=Value_0123456789";
  const toBase64 = (text: string) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  for (const prefix of ["", "a", "ab", "Authorization: "]) {
    const encoded = toBase64(`${prefix}${secret} and more`);
    const urlSafe = encoded.replace(/\+/g, "-").replace(/\//g, "_");
    for (const text of [encoded, urlSafe]) {
      const out = redact(`echo ${text}`, [secret]);
      assert.notEqual(out, `echo ${text}`, `prefix '${prefix}'`);
      // Decoding what is left gives back no piece of the secret's middle.
      const left = out.slice(5).replace(/-/g, "+").replace(/_/g, "/");
      assert.ok(!left.includes(toBase64(secret).slice(4, 20)), out);
      assert.match(out, /…6789/);
    }
  }
  assert.equal(
    redact(`basic ${toBase64(secret)}`, [secret]).includes(
      toBase64(secret).slice(0, 36),
    ),
    false,
  );
  // Short secrets have too few characters of their own to search for.
  assert.equal(redact(toBase64("abcd"), ["abcd"]), toBase64("abcd"));
});
