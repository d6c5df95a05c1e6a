/**
 * mondaykit's `graphql` module (being built).
 *
 * @module
 */

export { VERSION } from "../version.ts";
