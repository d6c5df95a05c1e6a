/**
 * monday's real schema (`../shared/monday/schema-2026-10.graphql`, beside the
 * project), read once for the fidelity tests. Where it is absent (a clone
 * outside CI) the tests that need it say so and are skipped; `.ci/run` fails
 * when it is absent, so CI always runs them.
 *
 * @module
 */

/** Where the schema is expected. */
export const MONDAY_SCHEMA_URL: URL = new URL(
  "../../shared/monday/schema-2026-10.graphql",
  import.meta.url,
);

/**
 * The schema's SDL, or `undefined` (after printing why the caller's checks
 * are skipped) when the file is absent.
 *
 * @param what What cannot be checked without it, for the message.
 * @returns The SDL text, or `undefined`.
 */
export async function readMondaySchema(
  what: string,
): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(MONDAY_SCHEMA_URL);
  } catch {
    console.log(
      `skipped: monday's schema is absent at ${MONDAY_SCHEMA_URL.pathname} (expected beside the project in ../shared; CI always has it), so ${what} cannot be checked against it`,
    );
    return undefined;
  }
}
