/**
 * mondaykit: connect Deno programs to monday.com's GraphQL and Audit Log APIs.
 *
 * @module
 */

export { VERSION } from "./version.ts";
