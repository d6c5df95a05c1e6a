import assert from "node:assert/strict";
import { didYouMean, editDistance } from "../../_common/mod.ts";
import { parseConnectionString } from "../../connection.ts";

Deno.test("editDistance counts insertions, deletions and substitutions", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("abc", ""), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("APITokn", "APIToken"), 1);
});

Deno.test("didYouMean: the nearest candidate within the length-scaled limit, ignoring case", () => {
  assert.equal(didYouMean("apitokn", ["Schema", "APIToken"]), "APIToken");
  assert.equal(didYouMean("qury", ["query", "schema"]), "query");
  // Short inputs allow one edit only.
  assert.equal(didYouMean("ab", ["abc"]), "abc");
  assert.equal(didYouMean("xy", ["abc"]), undefined);
  // A prefix of three or more characters wins over a one-edit neighbour.
  assert.equal(didYouMean("--verb", ["--verbose", "--verb1"]), "--verbose");
  assert.equal(
    didYouMean("Password", ["Schema", "APIToken", "Domain"]),
    undefined,
  );
  assert.equal(didYouMean("anything", []), undefined);
});

Deno.test("the connection string and the CLI suggest with the same rule", () => {
  assert.throws(() => parseConnectionString("Domian=https://acme.monday.com"), {
    message:
      "Cannot parse connection string: unknown property 'Domian' (did you mean 'Domain'?)",
  });
  // Three edits on a seven-letter name is past the limit: the known list instead.
  assert.throws(() => parseConnectionString("Sxxxmaa=GraphQL"), {
    message:
      /^Cannot parse connection string: unknown property 'Sxxxmaa' \(known: /,
  });
});
