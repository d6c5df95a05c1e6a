// Benchmarks 3 and 4: the audit exporter's throughput and memory against a
// bare fetch-and-write loop, and how much of the rate limit it uses.

import { runChild, spawnEmulator, table, verdict } from "./_lib.ts";

const BIG = Number(Deno.env.get("BENCH_AUDIT_BIG") ?? 1_000_000);
const SMALL = BIG / 10;

async function exportOnce(
  entries: number,
  mode: "mondaykit" | "bare",
  extra: string[] = [],
  limits: Record<string, number> = { auditRequestsPerMinute: 1e9 },
) {
  const emulator = await spawnEmulator({
    auditEntries: entries,
    limits,
    clock: "real",
  });
  const dir = await Deno.makeTempDir({ prefix: "mondaykit-bench-" });
  try {
    const run = await runChild("_audit_child.ts", [
      mode,
      emulator.domain,
      emulator.credentials.auditToken,
      `${dir}/audit.jsonl`,
      ...extra,
    ]);
    const stats = await emulator.command({ cmd: "stats" }) as {
      rateLimited: number;
    };
    return { ...run, rateLimited: stats.rateLimited };
  } finally {
    await emulator.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs benchmark 3 and returns its report section. */
export async function auditExport(): Promise<string> {
  const bare = await exportOnce(BIG, "bare");
  const big = await exportOnce(BIG, "mondaykit");
  const small = await exportOnce(SMALL, "mondaykit");
  const rate = (r: typeof big) => r.result.entries! / r.result.ms! * 1000;
  const rssRatio = big.peakRssMiB / small.peakRssMiB;
  return [
    "## 3. Audit export",
    "",
    "Whole log to a JSONL file, 1,000 entries per page, the emulator's audit rate limit off, each export in a fresh process. mondaykit adds a SHA-256 id per entry, writes oldest first, fsyncs and saves a checkpoint at most every second (checkpointIntervalMs) and at the end; the bare loop appends raw pages newest first with none of that.",
    "",
    table(["export", "entries", "ms", "entries/s", "peak RSS MiB"], [
      [
        "bare fetch + write",
        bare.result.entries!,
        bare.result.ms!,
        rate(bare),
        bare.peakRssMiB,
      ],
      [
        "exportAuditLogs",
        big.result.entries!,
        big.result.ms!,
        rate(big),
        big.peakRssMiB,
      ],
      [
        "exportAuditLogs",
        small.result.entries!,
        small.result.ms!,
        rate(small),
        small.peakRssMiB,
      ],
    ]),
    "",
    `- Cost of correctness: exportAuditLogs runs at ${
      (rate(big) / rate(bare) * 100).toFixed(0)
    }% of the bare loop's rate (${
      (big.result.ms! / bare.result.ms!).toFixed(2)
    }x its time).`,
    `- Peak RSS for ${BIG.toLocaleString("en")} entries is ${
      rssRatio.toFixed(3)
    }x that for ${SMALL.toLocaleString("en")} (target ≤ 1.20x: ${
      verdict(rssRatio <= 1.2)
    }).`,
  ].join("\n");
}

/** Runs benchmark 4 and returns its report section. */
export async function rateLimitUse(): Promise<string> {
  const entries = 25_000;
  const perPage = 100;
  const windowMs = 5000;
  const run = await exportOnce(
    entries,
    "mondaykit",
    [String(perPage), `50/${windowMs}`],
    { auditRequestsPerMinute: 50, auditWindowMs: windowMs },
  );
  const limitPerSecond = 50 / (windowMs / 1000);
  const seconds = run.result.ms! / 1000;
  const achieved = run.result.requests! / seconds;
  // The fastest any client could send this many requests under the limit:
  // 50 at once, then 50 more each time a window passes.
  const fastest = (Math.ceil(run.result.requests! / 50) - 1) * windowMs / 1000;
  const share = fastest / seconds;
  return [
    "## 4. Rate-limit utilisation",
    "",
    `The emulator's audit limit at 50 requests per ${
      windowMs / 1000
    } s (monday's 50 per minute, scaled down 12x in time); ${
      entries.toLocaleString("en")
    } entries at ${perPage} per page; the client's limiter set to the same 50 per ${
      windowMs / 1000
    } s.`,
    "",
    table([
      "requests",
      "seconds",
      "requests/s",
      "limit/s",
      "fastest possible s",
      "utilisation (fastest / actual)",
      "429s",
    ], [
      [
        run.result.requests!,
        seconds,
        achieved,
        limitPerSecond,
        fastest,
        `${(share * 100).toFixed(1)}%`,
        run.rateLimited,
      ],
    ]),
    "",
    `- Utilisation ≥ 90% with zero 429s: ${
      verdict(share >= 0.9 && run.rateLimited === 0)
    }`,
  ].join("\n");
}
