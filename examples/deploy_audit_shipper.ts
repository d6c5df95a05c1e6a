/**
 * Ships monday.com audit-log entries to an HTTP endpoint (a SIEM's
 * collector, a webhook) every minute, from Deno Deploy: a `Deno.cron` job
 * exports the entries that are new since the last run, keeps its checkpoint
 * in Deno KV, and POSTs the entries as NDJSON. See `docs/deno-deploy.md`.
 *
 * Environment variables:
 *
 * | variable | meaning |
 * | --- | --- |
 * | `MONDAY_AUDIT_TOKEN` | the audit-log API token (Admin → Security → Audit → "Monitor by API") |
 * | `MONDAY_DOMAIN` | the account, e.g. `https://acme.monday.com` |
 * | `AUDIT_SHIP_URL` | where to POST the entries (`https://`) |
 * | `AUDIT_SHIP_AUTHORIZATION` | optional `Authorization` header for that endpoint |
 * | `AUDIT_SHIP_LOOKBACK_MINUTES` | how far back the very first run starts (default 60) |
 *
 * Run locally: `deno run --unstable-kv --unstable-cron --allow-net --allow-env examples/deploy_audit_shipper.ts`
 *
 * @module
 */

// On Deno Deploy, import from JSR instead:
// import { ... } from "jsr:@mondaykit/mondaykit/auditlog";
import {
  AuditLogClient,
  type Clock,
  exportAuditLogs,
  type ExportResult,
  HttpSink,
  KvCheckpointStore,
} from "../auditlog/mod.ts";

/** Options for {@linkcode shipAuditLogs}. */
export interface ShipAuditLogsOptions {
  /** The KV database holding the checkpoint. */
  kv: Deno.Kv;
  /** The audit-log API token. */
  token: string;
  /** The account, e.g. `https://acme.monday.com`. */
  domain: string;
  /** The endpoint entries are POSTed to. */
  endpoint: string;
  /** Extra headers for the endpoint, e.g. `Authorization`. */
  endpointHeaders?: Record<string, string>;
  /**
   * How far back the very first run starts, in milliseconds.
   *
   * @default {3_600_000}
   */
  lookbackMs?: number;
  /**
   * How far behind now each run's window ends.
   *
   * @default {60_000}
   */
  lagMs?: number;
  /**
   * The KV key of the checkpoint.
   *
   * @default {["audit-shipper", "checkpoint"]}
   */
  key?: Deno.KvKey;
  /** The `fetch` to use (for tests). */
  fetch?: typeof fetch;
  /** The clock (for tests). */
  clock?: Clock;
  /** Stops the run; what was shipped stays checkpointed. */
  signal?: AbortSignal;
}

/**
 * Exports the audit-log entries that are new since the last call and POSTs
 * them to the endpoint, oldest first, checkpointing in KV after each
 * acknowledged batch. Call it from a cron job; it is also what the tests
 * call directly.
 *
 * @param options Token, account, endpoint, KV and timing.
 * @returns What was shipped.
 */
export async function shipAuditLogs(
  options: ShipAuditLogsOptions,
): Promise<ExportResult> {
  const clock = options.clock;
  const client = new AuditLogClient({
    token: options.token,
    domain: options.domain,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(clock ? { clock } : {}),
  });
  const now = clock ? clock.now() : Date.now();
  return await exportAuditLogs({
    source: client,
    sink: new HttpSink(options.endpoint, {
      ...(options.endpointHeaders ? { headers: options.endpointHeaders } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    checkpoint: new KvCheckpointStore(options.kv, {
      key: options.key ?? ["audit-shipper", "checkpoint"],
    }),
    since: now - (options.lookbackMs ?? 3_600_000),
    lagMs: options.lagMs ?? 60_000,
    ...(clock ? { clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function requireEnv(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new TypeError(`Missing environment variable '${name}'`);
  return value;
}

if (import.meta.main) {
  const kv = await Deno.openKv();
  const authorization = Deno.env.get("AUDIT_SHIP_AUTHORIZATION");
  const lookback = Number(Deno.env.get("AUDIT_SHIP_LOOKBACK_MINUTES") ?? 60);
  Deno.cron("ship monday audit logs", "* * * * *", async () => {
    // Stop well before the next minute; the checkpoint keeps what was
    // shipped and the next run carries on from there.
    const signal = AbortSignal.timeout(50_000);
    try {
      const result = await shipAuditLogs({
        kv,
        token: requireEnv("MONDAY_AUDIT_TOKEN"),
        domain: requireEnv("MONDAY_DOMAIN"),
        endpoint: requireEnv("AUDIT_SHIP_URL"),
        ...(authorization
          ? { endpointHeaders: { Authorization: authorization } }
          : {}),
        lookbackMs: lookback * 60_000,
        signal,
      });
      console.log(
        `shipped ${result.entries} audit entries up to ${
          result.checkpoint.timestamp ?? "-"
        }`,
      );
    } catch (error) {
      if (signal.aborted) {
        console.warn(
          "audit shipping paused at the time limit; resuming next minute",
        );
      } else {
        console.error("audit shipping failed:", error);
      }
    }
  });
  console.log("audit shipper scheduled: every minute");
}
