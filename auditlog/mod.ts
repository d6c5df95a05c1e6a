/**
 * mondaykit's `auditlog` module (being built).
 *
 * @module
 */

export { VERSION } from "../version.ts";
