/**
 * mondaykit's `auth` module (being built).
 *
 * @module
 */

export { VERSION } from "../version.ts";
