import assert from "node:assert/strict";
import { createOAuthClient } from "../../auth/mod.ts";
import { parseConnectionString } from "../../connection.ts";
import { MemoryStore } from "../../storage/mod.ts";

Deno.test("createOAuthClient maps the connection's OAuth properties", async () => {
  const connection = parseConnectionString(
    "AuthScheme=OAuth;OAuthClientId=app-1;OAuthClientSecret=s3cret-value;" +
      "AuthUrl=http://127.0.0.1:9/;CallbackURL=http://127.0.0.1:8976/callback;" +
      "Scope='me:read boards:read'",
  );
  const client = createOAuthClient(connection, {
    store: new MemoryStore(crypto.randomUUID()),
  });
  const { url } = await client.getAuthorizationUrl();
  const parsed = new URL(url);
  assert.equal(parsed.origin, "http://127.0.0.1:9");
  assert.equal(parsed.pathname, "/oauth2/authorize");
  assert.equal(parsed.searchParams.get("client_id"), "app-1");
  assert.equal(
    parsed.searchParams.get("redirect_uri"),
    "http://127.0.0.1:8976/callback",
  );
  assert.equal(parsed.searchParams.get("scope"), "me:read boards:read");
  assert.equal(parsed.searchParams.get("code_challenge_method"), "S256");
  assert.ok(!url.includes("s3cret-value"), "the secret never goes in the URL");
});

Deno.test("createOAuthClient needs OAuthClientId", () => {
  assert.throws(
    () => createOAuthClient({ authScheme: "OAuth" }),
    (error: Error) =>
      error instanceof TypeError && /'OAuthClientId'/.test(error.message),
  );
});
