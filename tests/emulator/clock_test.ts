import assert from "node:assert/strict";
import { startEmulator } from "../../emulator/mod.ts";

async function getLogs(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}?page=1&per_page=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("a real-time emulator's limit windows reset by themselves", async () => {
  await using emulator = await startEmulator({
    clock: "real",
    auditEntries: 10,
    limits: { auditRequestsPerMinute: 2, auditWindowMs: 300 },
  });
  const before = emulator.now();
  assert.ok(Math.abs(before - Date.now()) < 60_000, "starts at real now");
  const token = emulator.credentials.auditToken;
  assert.equal(await getLogs(emulator.auditUrl, token), 200);
  assert.equal(await getLogs(emulator.auditUrl, token), 200);
  assert.equal(await getLogs(emulator.auditUrl, token), 429);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.ok(emulator.now() - before >= 400, "the clock moved with real time");
  assert.equal(await getLogs(emulator.auditUrl, token), 200);
  emulator.advance(60_000);
  assert.ok(emulator.now() - before >= 60_400, "advance still adds");
});

Deno.test("a manual emulator clock stands still until advanced", async () => {
  await using emulator = await startEmulator({ auditEntries: 1 });
  const start = emulator.now();
  assert.equal(start, Date.UTC(2026, 10, 1));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(emulator.now(), start);
});

Deno.test("an unknown clock mode is refused", async () => {
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => startEmulator({ clock: "fast" as any }),
    (error: Error) =>
      error instanceof TypeError && /'clock'.*'fast'/.test(error.message),
  );
});
