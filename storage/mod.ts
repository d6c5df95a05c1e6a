/**
 * mondaykit's `storage` module (being built).
 *
 * @module
 */

export { VERSION } from "../version.ts";
