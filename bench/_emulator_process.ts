// Runs the emulator in its own process for the benchmarks, so that the server's
// work does not share an event loop with the client being measured.
//
// Usage: deno run -A bench/_emulator_process.ts '<EmulatorOptions as JSON>'
// Prints one JSON line with the URLs and credentials, then answers commands read
// from stdin, one JSON object per line: {"cmd": "stats"} → the stats as one line,
// {"cmd": "resetStats"} → {"ok": true},
// {"cmd": "setLimits", "limits": {...}} → {"ok": true},
// {"cmd": "setLatency", "latency": ...} → {"ok": true} (null turns it off),
// {"cmd": "randomChanges", "count": 100, "seed": 7} → what
// applyRandomChanges did ({applied, byKind}). Closes on stdin EOF.

import { startEmulator } from "../emulator/mod.ts";

const options = JSON.parse(Deno.args[0] ?? "{}");
const emulator = await startEmulator(options);
const encoder = new TextEncoder();
function reply(value: unknown): void {
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(value) + "\n"));
}
reply({
  url: emulator.url,
  apiUrl: emulator.apiUrl,
  domain: emulator.domain,
  auditUrl: emulator.auditUrl,
  authUrl: emulator.authUrl,
  credentials: emulator.credentials,
});

const decoder = new TextDecoderStream();
let buffer = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(decoder)) {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, newline).trim();
    buffer = buffer.slice(newline + 1);
    if (!line) continue;
    const command = JSON.parse(line);
    if (command.cmd === "stats") reply(emulator.stats());
    else if (command.cmd === "resetStats") {
      emulator.resetStats();
      reply({ ok: true });
    } else if (command.cmd === "resetLimitWindows") {
      emulator.resetLimitWindows();
      reply({ ok: true });
    } else if (command.cmd === "setLimits") {
      emulator.setLimits(command.limits);
      reply({ ok: true });
    } else if (command.cmd === "setLatency") {
      emulator.setLatency(command.latency ?? undefined);
      reply({ ok: true });
    } else if (command.cmd === "randomChanges") {
      reply(
        emulator.applyRandomChanges(
          command.count,
          command.seed === undefined ? {} : { seed: command.seed },
        ),
      );
    } else reply({ error: `unknown command '${command.cmd}'` });
  }
}
await emulator.close();
