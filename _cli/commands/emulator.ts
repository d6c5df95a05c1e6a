/**
 * `mondaykit emulator`: the embedded monday.com emulator, served until SIGINT/SIGTERM.
 *
 * @module
 */

import type { CommandContext } from "../context.ts";
import { EXIT, UsageError } from "../errors.ts";
import { formatConnectionString } from "../../connection.ts";
import { type EmulatorOptions, startEmulator } from "../../emulator/mod.ts";

/**
 * Runs `mondaykit emulator`.
 *
 * @param context The invocation.
 * @returns The exit code (0 once stopped by a signal).
 */
export async function runEmulator(context: CommandContext): Promise<number> {
  const { flags, out } = context;
  // A real-time clock: tokens, cursors and limit windows behave as on
  // monday.com while the emulator serves.
  const options: EmulatorOptions = { clock: "real" };
  const port = flags.integer("port", { min: 0, max: 65535 });
  const seed = flags.integer("seed", { min: 0 });
  const items = flags.integer("items", { min: 0 });
  const auditEntries = flags.integer("audit-entries", { min: 0 });
  const consent = flags.choice("consent", ["auto", "page"] as const);
  if (port !== undefined) options.port = port;
  if (seed !== undefined) options.seed = seed;
  if (items !== undefined) options.items = items;
  if (auditEntries !== undefined) options.auditEntries = auditEntries;
  if (consent !== undefined) options.consent = consent;
  const latency = flags.string("latency");
  if (latency !== undefined) {
    const text = latency.trim();
    if (text === "monday") {
      options.latency = "monday";
    } else if (/^\d+(?:\.\d+)?$/.test(text) && Number(text) <= 60_000) {
      options.latency = Number(text);
    } else {
      throw new UsageError(
        `Invalid value '${latency}' for flag '--latency': expected 'monday' (the preset) or a delay in ms from 0 to 60000`,
        "emulator",
      );
    }
  }
  const emulator = await startEmulator(options);
  try {
    const { credentials } = emulator;
    const graphql = formatConnectionString({
      apiToken: credentials.apiToken,
      apiUrl: emulator.apiUrl,
    }, { includeSecrets: true });
    const audit = formatConnectionString({
      schema: "AuditLog",
      apiToken: credentials.auditToken,
      domain: emulator.domain,
    }, { includeSecrets: true });
    const oauth = formatConnectionString({
      authScheme: "OAuth",
      oauthClientId: credentials.oauth.clientId,
      oauthClientSecret: credentials.oauth.clientSecret,
      callbackUrl: credentials.oauth.redirectUris[0]!,
      apiUrl: emulator.apiUrl,
      authUrl: emulator.authUrl,
    }, { includeSecrets: true });
    const info = {
      url: emulator.url,
      apiUrl: emulator.apiUrl,
      fileUrl: emulator.fileUrl,
      schemaUrl: emulator.schemaUrl,
      auditUrl: emulator.auditUrl,
      authUrl: emulator.authUrl,
      domain: emulator.domain,
      latency: options.latency ?? "off",
      credentials: {
        apiToken: credentials.apiToken,
        auditToken: credentials.auditToken,
        oauth: credentials.oauth,
        users: credentials.apiTokens,
      },
      connections: { graphql, audit, oauth },
    };
    const pad = (label: string) => `  ${label.padEnd(18)}`;
    await out.result(
      info,
      [
        `mondaykit emulator listening on ${emulator.url}`,
        "",
        `${pad("GraphQL API")}${emulator.apiUrl}`,
        `${pad("File uploads")}${emulator.fileUrl}`,
        `${pad("Schema")}${emulator.schemaUrl}`,
        `${pad("Audit log API")}${emulator.auditUrl}`,
        `${pad("OAuth server")}${emulator.authUrl}/oauth2/authorize`,
        `${pad("Latency")}${
          options.latency === undefined
            ? "off"
            : options.latency === "monday"
            ? "monday preset (assumed figures, see docs/emulator.md)"
            : `${options.latency} ms on every route`
        }`,
        "",
        "Test credentials (valid only against this emulator):",
        `${pad("API token")}${credentials.apiToken}`,
        `${pad("Audit token")}${credentials.auditToken}`,
        `${pad("OAuth client id")}${credentials.oauth.clientId}`,
        `${pad("OAuth secret")}${credentials.oauth.clientSecret}`,
        `${pad("Redirect URIs")}${credentials.oauth.redirectUris.join(" ")}`,
        "",
        "Connection strings:",
        `  export MONDAYKIT_CONNECTION='${graphql}'`,
        `  mondaykit auditlog export --connection '${audit}'`,
        `  mondaykit auth login --connection '${oauth}'`,
        "",
      ].join("\n"),
    );
    await out.info("Serving until Ctrl-C (SIGINT) or SIGTERM.");
    context.extras.onEmulatorReady?.({ url: emulator.url });
    if (!context.signal.aborted) {
      await new Promise<void>((resolve) =>
        context.signal.addEventListener("abort", () => resolve(), {
          once: true,
        })
      );
    }
    await out.info("Stopping the emulator.");
    return EXIT.ok;
  } finally {
    await emulator.close();
  }
}
