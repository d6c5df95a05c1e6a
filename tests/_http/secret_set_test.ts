import assert from "node:assert/strict";
import { SecretSet } from "../../_http/mod.ts";

Deno.test("SecretSet keeps pinned secrets and drops the oldest learned ones past its bound", () => {
  const secrets = new SecretSet({ maxLearned: 2 });
  secrets.pin("pinned-secret-0000");
  secrets.learn("learned-secret-0001");
  secrets.learn("learned-secret-0002");
  secrets.learn("learned-secret-0003");
  assert.deepEqual(secrets.list(), [
    "pinned-secret-0000",
    "learned-secret-0002",
    "learned-secret-0003",
  ]);
  assert.equal(
    secrets.redact("pinned-secret-0000 learned-secret-0003"),
    "…0000 …0003",
  );
});

Deno.test("SecretSet learns a bearer header and its bare token, and ignores empty values", () => {
  const secrets = new SecretSet();
  secrets.learnAuthorization("Bearer the-access-token-9876");
  secrets.learn("");
  secrets.pin(undefined);
  assert.deepEqual(secrets.list(), [
    "Bearer the-access-token-9876",
    "the-access-token-9876",
  ]);
  assert.ok(!secrets.redact("x the-access-token-9876 y").includes("access"));
});
