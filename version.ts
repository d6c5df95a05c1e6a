/**
 * The package's version, kept equal to `version` in deno.json (a test checks).
 *
 * @module
 */

/** The version of mondaykit, as published to JSR. */
export const VERSION: string = "0.3.0";
