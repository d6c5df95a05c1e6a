/**
 * {@linkcode defaultSettingsPath} and {@linkcode defaultKeyFilePath}: where
 * settings and the generated key live when no location is given.
 *
 * @module
 */

import { join } from "node:path";
import { configDir, defaultKeyFileIn } from "./_keys.ts";

/** Options for {@linkcode defaultSettingsPath} and {@linkcode defaultKeyFilePath}. */
export interface DefaultPathOptions {
  /**
   * Reads an environment variable (`HOME`, `XDG_CONFIG_HOME`, `APPDATA`,
   * `USERPROFILE`).
   *
   * @default {Deno.env.get, where the permission is granted}
   */
  env?: (name: string) => string | undefined;
  /**
   * The operating system whose conventions to follow.
   *
   * @default {Deno.build.os}
   */
  os?: typeof Deno.build.os;
}

/**
 * The default settings file: `OAuthSettings.txt` in the per-user mondaykit
 * configuration directory:
 *
 * - Linux and others: `$XDG_CONFIG_HOME/mondaykit/` (when absolute), else
 *   `~/.config/mondaykit/`
 * - macOS: `~/Library/Application Support/mondaykit/`
 * - Windows: `%APPDATA%\mondaykit\`
 *
 * Reads the environment when called (needs `--allow-env` for those names).
 *
 * @param options The environment and operating system to use.
 * @returns The absolute path of the default settings file.
 * @throws {TypeError} The home directory cannot be found.
 *
 * @example On Linux
 * ```ts
 * import { defaultSettingsPath } from "./default_settings_path.ts";
 * import assert from "node:assert/strict";
 *
 * const env = (name: string) => name === "HOME" ? "/home/ada" : undefined;
 * assert.equal(
 *   defaultSettingsPath({ env, os: "linux" }),
 *   "/home/ada/.config/mondaykit/OAuthSettings.txt",
 * );
 * ```
 */
export function defaultSettingsPath(options: DefaultPathOptions = {}): string {
  return join(configDir(options), "OAuthSettings.txt");
}

/**
 * The default key file, `settings.key` in the same per-user directory as
 * {@linkcode defaultSettingsPath}. File stores fall back to it when no key,
 * passphrase or key variable is set, creating it (mode 0600) on first use.
 *
 * @param options The environment and operating system to use.
 * @returns The absolute path of the default key file.
 * @throws {TypeError} The home directory cannot be found.
 *
 * @example On Linux with XDG_CONFIG_HOME
 * ```ts
 * import { defaultKeyFilePath } from "./default_settings_path.ts";
 * import assert from "node:assert/strict";
 *
 * const env = (name: string) =>
 *   name === "XDG_CONFIG_HOME" ? "/srv/config" : undefined;
 * assert.equal(
 *   defaultKeyFilePath({ env, os: "linux" }),
 *   "/srv/config/mondaykit/settings.key",
 * );
 * ```
 */
export function defaultKeyFilePath(options: DefaultPathOptions = {}): string {
  return defaultKeyFileIn(options);
}
