import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";
import { runCli } from "./_run.ts";

type Emu = Awaited<ReturnType<typeof startEmulator>>;

/** MONDAYKIT_CONNECTION with the GraphQL API token, beside an audit token. */
function envFor(emulator: Emu, audit: Record<string, string>) {
  return {
    MONDAYKIT_CONNECTION:
      `APIToken=${emulator.credentials.apiToken};ApiUrl=${emulator.apiUrl}`,
    MONDAY_API_TOKEN: "",
    MONDAY_DOMAIN: emulator.domain,
    MONDAY_API_URL: "",
    MONDAY_AUDIT_TOKEN: "",
    ...audit,
  };
}

/** How many audit entries (JSON Lines with an id) the export wrote to stdout. */
function entries(stdout: string): number {
  const lines = stdout.split("\n").filter((line) => line !== "");
  for (const line of lines) assert.match(JSON.parse(line).id, /^[0-9a-f]{64}$/);
  return lines.length;
}

Deno.test("cli: MONDAY_AUDIT_TOKEN wins over MONDAYKIT_CONNECTION's API token for sync and auditlog export", async () => {
  await using emulator = await startEmulator({ items: 5, auditEntries: 12 });
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-audit-token-" });
  const { auditToken } = emulator.credentials;
  const env = envFor(emulator, { MONDAY_AUDIT_TOKEN: auditToken });
  try {
    const synced = await runCli([
      "sync",
      "--to",
      `${dir}/monday.db`,
      "--tables",
      "audit_logs",
      "--json",
    ], { env });
    assert.equal(synced.code, 0, synced.stderr);
    assert.equal(JSON.parse(synced.stdout).auditEntries, 12);
    assert.ok(!synced.stdout.includes(auditToken));

    const exported = await runCli(["auditlog", "export"], { env });
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(entries(exported.stdout), 12);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: --audit-token wins over MONDAYKIT_CONNECTION's API token and MONDAY_AUDIT_TOKEN for auditlog export", async () => {
  await using emulator = await startEmulator({ auditEntries: 7 });
  const env = envFor(emulator, {
    MONDAY_AUDIT_TOKEN: "audit-token-wrong-0000",
  });
  const exported = await runCli([
    "auditlog",
    "export",
    "--audit-token",
    emulator.credentials.auditToken,
  ], { env });
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(entries(exported.stdout), 7);
});

Deno.test("cli: a MONDAYKIT_CONNECTION that is itself Schema=AuditLog keeps its token over MONDAY_AUDIT_TOKEN", async () => {
  await using emulator = await startEmulator({ auditEntries: 3 });
  const exported = await runCli(["auditlog", "export"], {
    env: {
      ...envFor(emulator, { MONDAY_AUDIT_TOKEN: "audit-token-wrong-0000" }),
      MONDAYKIT_CONNECTION:
        `Schema=AuditLog;APIToken=${emulator.credentials.auditToken};Domain=${emulator.domain}`,
    },
  });
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(entries(exported.stdout), 3);
});
