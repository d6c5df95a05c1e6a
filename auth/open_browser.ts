/**
 * Opens a URL with the platform's browser opener.
 *
 * @module
 */

/** Options for {@linkcode openBrowser}. */
export interface OpenBrowserOptions {
  /**
   * The operating system whose opener to use.
   *
   * @default {Deno.build.os}
   */
  os?: typeof Deno.build.os;
}

/**
 * Opens a URL in the user's browser with `xdg-open` (Linux, BSD), `open`
 * (macOS) or `rundll32 url.dll,FileProtocolHandler` (Windows). Needs
 * `--allow-run=<opener>`; without it the function throws instead of
 * prompting, and callers print the URL for the user to open.
 *
 * @param url An http(s) URL.
 * @param options The operating system.
 * @returns Once the opener exited successfully.
 * @throws {TypeError} If the URL is not http(s).
 * @throws {Error} If running the opener is not permitted or it failed.
 *
 * @example Refuses non-web URLs
 * ```ts
 * import { openBrowser } from "./open_browser.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(openBrowser("file:///etc/passwd"), TypeError);
 * ```
 */
export async function openBrowser(
  url: string,
  options: OpenBrowserOptions = {},
): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError("Cannot open browser: not an absolute URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TypeError(
      `Cannot open browser: only http(s) URLs are opened, got '${parsed.protocol}'`,
    );
  }
  const os = options.os ?? Deno.build.os;
  const [command, ...args] = os === "darwin"
    ? ["open", parsed.href]
    : os === "windows"
    ? ["rundll32", "url.dll,FileProtocolHandler", parsed.href]
    : ["xdg-open", parsed.href];
  const permission = await Deno.permissions.query({ name: "run", command });
  if (permission.state !== "granted") {
    throw new Error(
      `Cannot open browser: running '${command}' is not permitted (grant --allow-run=${command})`,
    );
  }
  let status: Deno.CommandStatus;
  try {
    status = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
  } catch (error) {
    throw new Error(
      `Cannot open browser: '${command}' could not be started (${
        error instanceof Error ? error.name : "error"
      })`,
    );
  }
  if (!status.success) {
    throw new Error(
      `Cannot open browser: '${command}' exited with code ${status.code}`,
    );
  }
}
