/**
 * mondaykit's `emulator` module (being built).
 *
 * @module
 */

export { VERSION } from "../version.ts";
