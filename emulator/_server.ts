/**
 * The emulator's HTTP server: binds 127.0.0.1, routes each surface, applies
 * faults and keeps the statistics.
 *
 * It uses `node:http` rather than `Deno.serve` because only a raw socket can
 * drop a connection before any response byte is sent (`reset: "before"`),
 * which is what makes a client's `fetch` itself reject.
 *
 * @module
 */

import http from "node:http";
import process from "node:process";
import type { Socket } from "node:net";
import { AuditLogService } from "./_audit.ts";
import { BackgroundActivity } from "./_background.ts";
import { EmulatorClock } from "./_clock.ts";
import {
  type EmulatorRoute,
  type Fault,
  FaultPlan,
  ROUTES,
} from "./_faults.ts";
import { GraphQLEndpoint } from "./_graphql.ts";
import {
  checkLimits,
  type EmulatorLimits,
  type EmulatorPlan,
  LimitTracker,
  planLimits,
} from "./_limits.ts";
import {
  type EmulatorLatency,
  LATENCY_ROUTES,
  LatencyModel,
  type LatencyRoute,
  latencyRouteOf,
  resolveLatency,
} from "./_latency.ts";
import { ACCOUNT_ID, Model } from "./_model.ts";
import { OAuthService } from "./_oauth.ts";
import { createRandom, randomString } from "./_random.ts";
import { type RandomChangeKind, RandomChanges } from "./_random_changes.ts";
import { TokenRegistry } from "./_tokens.ts";
import { createUi, type EmulatorUi } from "./_ui.ts";

/** Options of {@linkcode startEmulator}. */
export interface EmulatorOptions {
  /**
   * Port to listen on, on 127.0.0.1 only; 0 picks a free one.
   *
   * @default {0}
   */
  port?: number;
  /**
   * Seed of all generated data and credentials.
   *
   * @default {1}
   */
  seed?: number;
  /**
   * How many boards.
   *
   * @default {3}
   */
  boards?: number;
  /**
   * Items on the first board (the big one); the others get 5 each.
   *
   * @default {100}
   */
  items?: number;
  /**
   * Items on every board but the first.
   *
   * @default {5}
   */
  itemsPerBoard?: number;
  /**
   * Subitems of every item; above 0, every board gets a `sub_items_board`.
   *
   * @default {0}
   */
  subitems?: number;
  /**
   * How long board activity logs are kept, in ms of emulator time (older
   * entries are gone, as when a plan's retention passes).
   *
   * @default {undefined (kept forever)}
   */
  activityLogRetentionMs?: number;
  /**
   * Background activity: other users change items (values, names, new
   * items, updates, moves, archives, deletes) at random times at this mean
   * rate per hour of emulator time, from the seed. 0 turns it off.
   *
   * @default {0}
   */
  backgroundChangesPerHour?: number;
  /**
   * Audit-log entries to seed.
   *
   * @default {1000}
   */
  auditEntries?: number;
  /**
   * Users of the account (the first is the admin).
   *
   * @default {20}
   */
  users?: number;
  /**
   * How the emulator clock moves: `"manual"` only when {@linkcode Emulator.advance}
   * is called (deterministic, for tests), `"real"` also with real time, so
   * limit windows reset and tokens expire by themselves (for a long-running
   * emulator: the CLI's `mondaykit emulator`, demos, benchmarks).
   *
   * @default {"manual"}
   */
  clock?: "manual" | "real";
  /**
   * Where the emulator clock starts, ms since the epoch.
   *
   * @default {Date.UTC(2026, 10, 1) with the manual clock, Date.now() with the real one}
   */
  startTime?: number;
  /**
   * The plan whose limits apply by default.
   *
   * @default {"enterprise"}
   */
  plan?: EmulatorPlan;
  /** Limits that override the plan's. */
  limits?: Partial<EmulatorLimits>;
  /**
   * OAuth authorize: redirect at once (`auto`) or show Approve/Deny (`page`).
   *
   * @default {"auto"}
   */
  consent?: "auto" | "page";
  /**
   * OAuth 2.1 access-token lifetime in seconds.
   *
   * @default {3600}
   */
  accessTokenTtlSeconds?: number;
  /**
   * Redirect URIs registered for the OAuth app (matched exactly).
   *
   * @default {["http://127.0.0.1:8976/callback", "http://localhost:8976/callback", "https://app.example.com/oauth/callback"]}
   */
  oauthRedirectUris?: string[];
  /**
   * The largest request body accepted, in bytes; a bigger one is answered
   * with HTTP 413 before it is read whole. The default is well above the
   * largest legitimate request, a 500 MB file upload with its multipart
   * framing.
   *
   * @default {629145600}
   */
  maxBodyBytes?: number;
  /**
   * How long answers take, on real time: `"monday"` (a preset of assumed
   * figures, see `docs/emulator.md`), a base delay in ms on every route, or
   * figures per route (base, seeded exponential jitter, cost per KiB of the
   * response and per complexity point). The delay is an answer's whole time
   * on the server: the emulator's own work for the request counts toward
   * it. A request in its delay holds its concurrency slot. Off by default,
   * so tests run fast.
   *
   * @default {undefined (no delay)}
   */
  latency?: EmulatorLatency;
  /** Aborting it closes the emulator. */
  signal?: AbortSignal;
}

/** The default of {@linkcode EmulatorOptions.maxBodyBytes}: 600 MiB. */
export const DEFAULT_MAX_BODY_BYTES: number = 600 * 1024 * 1024;

/**
 * Host names the emulator answers: loopback only, with any port. A web page
 * that points its own host name at 127.0.0.1 (DNS rebinding) sends its own
 * name in `Host`, and is refused.
 */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

/** The credentials the emulator accepts. */
export interface EmulatorCredentials {
  /** Personal API token of the admin user (all scopes). */
  apiToken: string;
  /** Personal API tokens of several users. */
  apiTokens: { token: string; userId: string; name: string }[];
  /** The audit-log API token; valid only on `/audit-api`. */
  auditToken: string;
  /** The registered OAuth app. */
  oauth: { clientId: string; clientSecret: string; redirectUris: string[] };
}

/** The latency the emulator applied on one route (see `EmulatorStats.latency`). */
export interface RouteLatencyStats {
  /**
   * Answers on this route (faulted ones excluded), counted with latency off
   * too (then with no delay).
   */
  answers: number;
  /**
   * The delays the model gave them, added up, in ms: each answer's time on
   * the server, the emulator's own work for it included.
   */
  totalMs: number;
  /** The longest delay, in ms. */
  maxMs: number;
  /**
   * How much longer than their delays the answers took, added up, in ms:
   * the emulator's own work that did not fit in the delay (a busy emulator
   * thread, a loaded machine). 0 when the emulator kept to the model.
   */
  overMs: number;
}

/** What {@linkcode Emulator.applyRandomChanges} did. */
export interface RandomChangesResult {
  /** Changes made (draws that found nothing to change are not counted). */
  applied: number;
  /** Changes made, by kind. */
  byKind: Partial<Record<RandomChangeKind, number>>;
}

/** What the emulator saw and did. */
export interface EmulatorStats {
  /** Requests received, per route (faulted ones included). */
  requests: Record<EmulatorRoute, number>;
  /** Side effects actually executed: mutation fields that ran. */
  executed: { mutations: number; byField: Record<string, number> };
  /** OAuth access tokens issued. */
  tokensIssued: number;
  /** Tokens revoked. */
  tokensRevoked: number;
  /** Refresh-token grants. */
  refreshes: number;
  /** HTTP 429 answers (all routes). */
  rateLimited: number;
  /**
   * The latency applied, per latency route (delays all zero when latency is
   * off; answers still counted).
   */
  latency: Record<LatencyRoute, RouteLatencyStats>;
  /** Complexity points charged to GraphQL queries (refused ones excluded). */
  complexity: number;
  /**
   * CPU time (user and system) of the process the emulator runs in, in ms:
   * the emulator's own when it has a process to itself, as in the
   * benchmarks. Near the elapsed time, the emulator's one thread was the
   * bottleneck.
   */
  cpuMs: number;
  /**
   * Item paginations: an `items_page` and the `next_items_page` calls that
   * follow its cursors, a chain whose requests can only run one after
   * another. `longest` is the chain whose pages waited longest in all.
   */
  paginations: {
    /** Paginations that served a page. */
    count: number;
    /** Pages served. */
    pages: number;
    /** The pagination with the most latency: its pages and their delays in ms. */
    longest: { pages: number; delayMs: number };
  };
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The GraphQL endpoint, `url + "/v2"`. */
  readonly apiUrl: string;
  /** The file-upload endpoint, `url + "/v2/file"`. */
  readonly fileUrl: string;
  /** The schema endpoint, `url + "/v2/get_schema"`. */
  readonly schemaUrl: string;
  /** The account domain (= `url`); the audit API lives under it. */
  readonly domain: string;
  /** `url + "/audit-api/get-logs"`. */
  readonly auditUrl: string;
  /** The OAuth server base (= `url`). */
  readonly authUrl: string;
  /** Seeded credentials. */
  readonly credentials: EmulatorCredentials;
  /** Counters since start or the last {@linkcode Emulator.resetStats}. */
  stats(): EmulatorStats;
  /** Zeroes the counters. */
  resetStats(): void;
  /** The emulator clock, ms since the epoch. */
  now(): number;
  /** Moves the emulator clock forward by `ms`. */
  advance(ms: number): void;
  /** Appends audit entries at the emulator's now (newest). */
  appendAuditEntries(
    count: number,
    options?: { sameTimestamp?: boolean },
  ): void;
  /** Queues a fault for the next request(s) of a route. */
  inject(route: EmulatorRoute, fault: Fault): void;
  /** Changes limits for the rest of the run. */
  setLimits(limits: Partial<EmulatorLimits>): void;
  /**
   * Starts every GraphQL limit window afresh (requests, complexity points,
   * per-field calls and the IP window; the daily count stays), as after a
   * quiet minute: a benchmark's runs each begin on a whole budget.
   *
   * @example A spent budget is whole again
   * ```ts
   * import assert from "node:assert/strict";
   * import { startEmulator } from "./mod.ts";
   * await using emulator = await startEmulator({
   *   limits: { complexityPerMinute: 5 },
   * });
   * const ask = () =>
   *   fetch(emulator.apiUrl, {
   *     method: "POST",
   *     headers: {
   *       "content-type": "application/json",
   *       authorization: emulator.credentials.apiToken,
   *     },
   *     body: JSON.stringify({ query: "{ me { id name } }" }),
   *   });
   * await (await ask()).body?.cancel();
   * await (await ask()).body?.cancel();
   * const refused = await ask();
   * await refused.body?.cancel();
   * assert.equal(refused.status, 429);
   * emulator.resetLimitWindows();
   * const again = await ask();
   * await again.body?.cancel();
   * assert.equal(again.status, 200);
   * ```
   */
  resetLimitWindows(): void;
  /**
   * Makes `count` seeded random changes at the emulator's now, as other
   * users would (values, names, new items, updates, moves between groups,
   * archives, deletes), each recorded in the activity log as its mutation
   * would be. The same seed on the same account makes the same changes.
   */
  applyRandomChanges(
    count: number,
    options?: { seed?: number },
  ): RandomChangesResult;
  /**
   * Changes the latency for requests that arrive from now on (see
   * {@linkcode EmulatorOptions.latency}); undefined turns it off.
   */
  setLatency(latency: EmulatorLatency | undefined): void;
  /**
   * Changes data as a user in monday's web UI would, including what the API
   * cannot do (restore an item, retype a column); see `docs/emulator.md`.
   */
  readonly ui: EmulatorUi;
  /** Sets the activity-log retention in ms (undefined keeps everything). */
  setActivityLogRetention(ms: number | undefined): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
  /** Same as {@linkcode Emulator.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

function intOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot start emulator: '${name}' must be an integer of ${min} or more, got '${value}'`,
    );
  }
  return value;
}

function jwtLike(random: () => number, userId: string): string {
  const payload = btoa(
    JSON.stringify({ tid: userId, aai: 11, uid: Number(userId) }),
  )
    .replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.${randomString(random, 43)}`;
}

function routeOf(pathname: string): EmulatorRoute | undefined {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/v2") return "graphql";
  if (path === "/v2/file") return "file";
  if (path === "/v2/get_schema") return "schema";
  if (path === "/audit-api/get-logs") return "audit";
  if (path === "/oauth2/token") return "token_legacy";
  if (path === "/oauth_ms/oauth/token") return "token";
  if (path === "/oauth_ms/oauth/revoke") return "revoke";
  if (path.startsWith("/oauth2/") || path.startsWith("/oauth_ms/")) {
    return "authorize";
  }
  return undefined;
}

/**
 * Drops a connection so that the client's request fails. A clean close (or
 * even a reset) of a kept-alive connection before any response byte makes
 * HTTP clients (Deno's fetch among them) silently resend the request on a
 * new connection; one byte that is not HTTP makes the response unparseable,
 * so the client reports the failure instead of resending.
 */
function drop(socket: Socket): void {
  socket.write("\u0000", () => socket.destroy());
}

/** Answers with a monday-shaped JSON error and closes the connection. */
function refuse(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  const body = JSON.stringify({
    errors: [{ message, extensions: { code, status_code: status } }],
  });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/**
 * Reads a request body up to `limit` bytes. Returns `undefined` once the
 * body is bigger (by its `Content-Length`, before reading, or while
 * reading); the rest is then read and dropped, never kept, so that the
 * client still gets the answer instead of a reset connection.
 */
function readBody(
  req: http.IncomingMessage,
  limit: number,
): Promise<Uint8Array[] | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      req.off("data", onData);
      req.resume();
      resolve(undefined);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks));
    req.once("error", reject);
  });
}

function cpuMsSince(base: { user: number; system: number }): number {
  const used = process.cpuUsage(base);
  return (used.user + used.system) / 1000;
}

/** When one request began and the delay the latency model gave it. */
interface Timing {
  /** `performance.now()` when the emulator began the answer. */
  started: number;
  /** A delay fault's own wait (not part of the answer's time). */
  faultMs: number;
  /** The delay the model gave the answer. */
  delayMs: number;
  /** Whether the answer went through an active latency model. */
  modelled: boolean;
}

function emptyLatencyStats(): Record<LatencyRoute, RouteLatencyStats> {
  return Object.fromEntries(
    LATENCY_ROUTES.map((
      r,
    ) => [r, { answers: 0, totalMs: 0, maxMs: 0, overMs: 0 }]),
  ) as Record<LatencyRoute, RouteLatencyStats>;
}

function emptyRequests(): Record<EmulatorRoute, number> {
  return Object.fromEntries(ROUTES.map((r) => [r, 0])) as Record<
    EmulatorRoute,
    number
  >;
}

/**
 * Starts the emulator (see `mod.ts` for the documented entry point).
 *
 * @param options Options.
 * @returns The running emulator.
 */
export async function startServer(
  options: EmulatorOptions = {},
): Promise<Emulator> {
  const port = intOption("port", options.port, 0, 0);
  const seed = options.seed ?? 1;
  // Checked before anything starts, so a bad figure leaks nothing.
  resolveLatency(options.latency);
  if (!Number.isFinite(seed)) {
    throw new RangeError(
      `Cannot start emulator: 'seed' must be a number, got '${seed}'`,
    );
  }
  const boards = intOption("boards", options.boards, 3, 1);
  const items = intOption("items", options.items, 100, 0);
  const itemsPerBoard = intOption(
    "itemsPerBoard",
    options.itemsPerBoard,
    5,
    0,
  );
  const subitems = intOption("subitems", options.subitems, 0, 0);
  const changesPerHour = options.backgroundChangesPerHour ?? 0;
  if (!Number.isFinite(changesPerHour) || changesPerHour < 0) {
    throw new RangeError(
      `Cannot start emulator: 'backgroundChangesPerHour' must be a finite number of 0 or more, got '${changesPerHour}'`,
    );
  }
  const retention = options.activityLogRetentionMs;
  if (
    retention !== undefined && (!Number.isFinite(retention) || retention < 0)
  ) {
    throw new RangeError(
      `Cannot start emulator: 'activityLogRetentionMs' must be a finite number of 0 or more, got '${retention}'`,
    );
  }
  const users = intOption("users", options.users, 20, 1);
  const auditEntries = intOption("auditEntries", options.auditEntries, 1000, 0);
  const plan = options.plan ?? "enterprise";
  if (!["enterprise", "pro", "standard"].includes(plan)) {
    throw new TypeError(
      `Cannot start emulator: unknown plan '${plan}' (expected enterprise, pro or standard)`,
    );
  }
  const maxBodyBytes = intOption(
    "maxBodyBytes",
    options.maxBodyBytes,
    DEFAULT_MAX_BODY_BYTES,
    1,
  );
  const consent = options.consent ?? "auto";
  if (consent !== "auto" && consent !== "page") {
    throw new TypeError(
      `Cannot start emulator: 'consent' must be 'auto' or 'page', got '${consent}'`,
    );
  }
  options.signal?.throwIfAborted();

  const real = options.clock === "real";
  if (
    options.clock !== undefined && options.clock !== "real" &&
    options.clock !== "manual"
  ) {
    throw new TypeError(
      `Invalid emulator option 'clock': expected 'manual' or 'real', got '${
        String(options.clock)
      }'`,
    );
  }
  const clock = new EmulatorClock(
    options.startTime ?? (real ? Date.now() : Date.UTC(2026, 10, 1)),
    { real },
  );
  const random = createRandom(seed);
  const limits = new LimitTracker(clock, {
    ...planLimits(plan),
    ...checkLimits(options.limits ?? {}),
  });
  const model = new Model({
    seed,
    boards,
    items,
    users,
    now: clock.now(),
    itemsPerBoard,
    subitems,
    clock,
    random: createRandom(seed + 404),
    ...(options.activityLogRetentionMs === undefined
      ? {}
      : { activityLogRetentionMs: options.activityLogRetentionMs }),
  });
  if (changesPerHour > 0) {
    const background = new BackgroundActivity(model, {
      changesPerHour,
      seed,
      start: clock.now(),
    });
    model.setTicker((now) => background.catchUp(now));
  }
  const tokens = new TokenRegistry(clock, {
    random: createRandom(seed + 101),
  });
  const apiTokens = model.users.slice(0, Math.min(3, model.users.length)).map(
    (user) => ({
      token: jwtLike(random, user.id),
      userId: user.id,
      name: user.name,
    }),
  );
  for (const t of apiTokens) tokens.addPersonal(t.token, t.userId);
  const admin = model.users[0]!;
  const auditToken = randomString(random, 40);
  tokens.addAudit(auditToken, admin.id);
  const clientId = randomString(random, 32, "0123456789abcdef");
  const clientSecret = randomString(random, 32, "0123456789abcdef");
  const redirectUris = options.oauthRedirectUris ?? [
    "http://127.0.0.1:8976/callback",
    "http://localhost:8976/callback",
    "https://app.example.com/oauth/callback",
  ];
  const credentials: EmulatorCredentials = {
    apiToken: apiTokens[0]!.token,
    apiTokens,
    auditToken,
    oauth: { clientId, clientSecret, redirectUris: [...redirectUris] },
  };
  const audit = new AuditLogService({
    clock,
    tokens,
    seed,
    entries: auditEntries,
    users: model.users.map((u) => u.id),
    requestsPerMinute: limits.limits.auditRequestsPerMinute,
    windowMs: limits.limits.auditWindowMs,
    accountId: Number(ACCOUNT_ID),
    accountSlug: "emulated",
  });
  const oauth = new OAuthService({
    clock,
    tokens,
    clientId,
    clientSecret,
    redirectUris,
    consent,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    userId: admin.id,
    random: createRandom(seed + 202),
  });

  let requests = emptyRequests();
  let byField: Record<string, number> = {};
  let mutations = 0;
  let rateLimited = 0;
  let auditRateBase = 0;
  let tokenBase = { issued: 0, revoked: 0, refreshes: 0 };
  let latencyStats = emptyLatencyStats();
  let cpuBase = process.cpuUsage();
  let randomChangeCalls = 0;

  const graphql = new GraphQLEndpoint({
    clock,
    model,
    tokens,
    limits,
    random: createRandom(seed + 303),
    audit: () => audit,
    onExecuted(field) {
      mutations++;
      byField[field] = (byField[field] ?? 0) + 1;
    },
    onRateLimited() {
      rateLimited++;
    },
  });
  const faults = new FaultPlan();
  const latency = new LatencyModel(seed + 404, options.latency);

  const timers = new Set<
    { id: ReturnType<typeof setTimeout> | undefined; resolve: () => void }
  >();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        id: undefined as ReturnType<typeof setTimeout> | undefined,
        resolve: () => {
          clearTimeout(entry.id);
          timers.delete(entry);
          resolve();
        },
      };
      entry.id = setTimeout(entry.resolve, ms);
      timers.add(entry);
    });
  const pending = new Set<Promise<void>>();
  let closed = false;

  /**
   * Waits out the latency of one answer (nothing when latency is off) and
   * returns its delay in ms. The delay is the answer's whole time on the
   * server: the time the emulator already spent on the request (`timing`,
   * a fault's own delay excepted) counts toward it, and only the rest is
   * waited out.
   */
  async function lag(
    route: LatencyRoute,
    response: Response | Uint8Array,
    complexity: number,
    timing: Timing,
  ): Promise<number> {
    const figures = latencyStats[route];
    figures.answers++;
    if (closed || !latency.active(route)) return 0;
    let bytes = 0;
    if (latency.sizeMatters(route)) {
      bytes = response instanceof Uint8Array
        ? response.byteLength
        : (await response.clone().arrayBuffer()).byteLength;
    }
    const ms = latency.delayMs(route, { bytes, complexity });
    figures.totalMs += ms;
    figures.maxMs = Math.max(figures.maxMs, ms);
    timing.delayMs = ms;
    timing.modelled = true;
    const rest = ms - (performance.now() - timing.started - timing.faultMs);
    if (rest > 0) await sleep(rest);
    return ms;
  }

  /** Adds the time an answer took beyond its delay to `overMs`. */
  function settleTiming(route: LatencyRoute, timing: Timing): void {
    if (!timing.modelled) return;
    const over = performance.now() - timing.started - timing.faultMs -
      timing.delayMs;
    if (over > 0) latencyStats[route].overMs += over;
  }

  async function dispatch(
    route: EmulatorRoute,
    request: Request,
    hold: () => Promise<void>,
    timing: Timing,
  ): Promise<Response> {
    switch (route) {
      case "graphql":
      case "file":
        return await graphql.handle(request, {
          hold,
          file: route === "file",
          settle: (response, complexity) =>
            lag(route, response, complexity, timing),
        });
      case "schema":
        await hold();
        return await graphql.schema(request);
      case "audit":
        await hold();
        return await audit.handle(request);
      default:
        await hold();
        return await oauth.handle(request);
    }
  }

  async function serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const socket = req.socket as Socket;
    if (!LOOPBACK_HOST.test(req.headers.host ?? "")) {
      refuse(
        res,
        421,
        "MisdirectedRequest",
        `The emulator answers only the loopback host names 127.0.0.1, localhost and [::1], not Host ${
          JSON.stringify((req.headers.host ?? "").slice(0, 100))
        } (a page reaching it through DNS rebinding is refused)`,
      );
      return;
    }
    const url = new URL(req.url ?? "/", base);
    const route = routeOf(url.pathname);
    const chunks = await readBody(req, maxBodyBytes);
    if (chunks === undefined) {
      refuse(
        res,
        413,
        "PayloadTooLarge",
        `Request body too large: the emulator accepts at most ${maxBodyBytes} bytes (option maxBodyBytes)`,
      );
      return;
    }
    if (!route) {
      const body = JSON.stringify({
        errors: [{
          message: `Not found: ${req.method} ${url.pathname}`,
          extensions: { code: "ResourceNotFoundException", status_code: 404 },
        }],
      });
      res.writeHead(404, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
      });
      res.end(body);
      return;
    }
    requests[route]++;
    const fault = faults.take(route);
    let held = false;
    const hold = async () => {
      if (held) return;
      held = true;
      if (fault?.delayMs) await sleep(fault.delayMs);
    };
    if (fault?.reset === "before") {
      await hold();
      drop(socket);
      return;
    }
    if (fault?.conflict !== undefined) {
      await hold();
      const body = JSON.stringify({
        errors: [{
          message:
            "A request with this Idempotency-Key is still being processed",
          extensions: { code: fault.conflict, status_code: 409 },
        }],
      });
      res.writeHead(409, {
        "content-type": "application/json",
        "retry-after": "1",
        ...fault.headers,
        "content-length": String(Buffer.byteLength(body)),
      });
      res.end(body);
      return;
    }
    if (fault && (fault.status !== undefined || fault.body !== undefined)) {
      await hold();
      const status = fault.status ?? 500;
      if (status === 429) rateLimited++;
      const body = fault.body ?? "";
      const headers: Record<string, string> = {
        "content-type": body.trim().startsWith("{")
          ? "application/json"
          : "text/plain; charset=utf-8",
        ...fault.headers,
        "content-length": String(Buffer.byteLength(body)),
      };
      res.writeHead(status, headers);
      res.end(body);
      return;
    }
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    const method = req.method ?? "GET";
    const init: RequestInit = { method, headers };
    if (method !== "GET" && method !== "HEAD") {
      init.body = Buffer.concat(chunks);
    }
    const request = new Request(url, init);
    const timing: Timing = {
      started: performance.now(),
      faultMs: fault?.delayMs ?? 0,
      delayMs: 0,
      modelled: false,
    };
    const response = await dispatch(route, request, hold, timing);
    await hold();
    if (closed) {
      socket.destroy();
      return;
    }
    if (fault?.reset === "after") {
      await response.body?.cancel();
      drop(socket);
      return;
    }
    let bytes = new Uint8Array(await response.arrayBuffer());
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, key) => {
      if (key === "set-cookie") return;
      out[key] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out["set-cookie"] = cookies;
    if (fault?.malformedJson) {
      bytes = new TextEncoder().encode(
        '{"data": {"emulator": <malformed json>',
      );
      out["content-type"] = "application/json; charset=utf-8";
    }
    out["content-length"] = String(bytes.byteLength);
    const latencyRoute = latencyRouteOf(route);
    if (route !== "graphql" && route !== "file") {
      await lag(latencyRoute, bytes, 0, timing);
      if (closed) {
        socket.destroy();
        return;
      }
    }
    settleTiming(latencyRoute, timing);
    if (fault?.truncate) {
      res.writeHead(response.status, out);
      const half = bytes.subarray(0, Math.floor(bytes.byteLength / 2));
      res.write(half, () => socket.destroy());
      return;
    }
    res.writeHead(response.status, out);
    res.end(bytes);
  }

  const server = http.createServer((req, res) => {
    const task = serve(req, res).catch((error) => {
      if (!res.headersSent && !closed) {
        const body = JSON.stringify({
          errors: [{
            message: "Internal Server Error",
            extensions: {
              code: "INTERNAL_SERVER_ERROR",
              status_code: 500,
              detail: String((error as Error)?.message ?? error),
            },
          }],
        });
        res.writeHead(500, { "content-type": "application/json" });
        res.end(body);
      } else {
        req.socket.destroy();
      }
    }).finally(() => pending.delete(task));
    pending.add(task);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address
    ? address.port
    : port;
  const base = `http://127.0.0.1:${actualPort}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      for (const timer of [...timers]) timer.resolve();
      const done = new Promise<void>((resolve) =>
        server.close(() => resolve())
      );
      server.closeAllConnections();
      await Promise.allSettled([...pending]);
      server.closeAllConnections();
      await done;
      options.signal?.removeEventListener("abort", onAbort);
    })();
    return closing;
  };
  const onAbort = () => void close();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const emulator: Emulator = {
    url: base,
    apiUrl: `${base}/v2`,
    fileUrl: `${base}/v2/file`,
    schemaUrl: `${base}/v2/get_schema`,
    domain: base,
    auditUrl: `${base}/audit-api/get-logs`,
    authUrl: base,
    credentials,
    stats(): EmulatorStats {
      return {
        requests: { ...requests },
        executed: { mutations, byField: { ...byField } },
        tokensIssued: tokens.issued - tokenBase.issued,
        tokensRevoked: tokens.revoked - tokenBase.revoked,
        refreshes: tokens.refreshes - tokenBase.refreshes,
        rateLimited: rateLimited + audit.rateLimited - auditRateBase,
        latency: Object.fromEntries(
          Object.entries(latencyStats).map(([r, v]) => [r, { ...v }]),
        ) as Record<LatencyRoute, RouteLatencyStats>,
        ...graphql.usage(),
        cpuMs: cpuMsSince(cpuBase),
      };
    },
    resetStats(): void {
      requests = emptyRequests();
      byField = {};
      mutations = 0;
      rateLimited = 0;
      auditRateBase = audit.rateLimited;
      latencyStats = emptyLatencyStats();
      cpuBase = process.cpuUsage();
      graphql.resetUsage();
      tokenBase = {
        issued: tokens.issued,
        revoked: tokens.revoked,
        refreshes: tokens.refreshes,
      };
    },
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    appendAuditEntries(count, opts) {
      audit.append(count, opts);
    },
    inject(route, fault) {
      faults.add(route, fault);
    },
    setLatency(next) {
      latency.set(next);
    },
    applyRandomChanges(count, opts = {}) {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(
          `Invalid random changes: 'count' must be an integer of 0 or more, got '${count}'`,
        );
      }
      const changeSeed = opts.seed ?? seed + 606 + randomChangeCalls;
      if (!Number.isFinite(changeSeed)) {
        throw new RangeError(
          `Invalid random changes: 'seed' must be a number, got '${changeSeed}'`,
        );
      }
      randomChangeCalls++;
      const now = clock.now();
      model.tick(now);
      const changes = new RandomChanges(
        model,
        createRandom(changeSeed),
        `Random change ${randomChangeCalls}, item`,
      );
      const byKind: Partial<Record<RandomChangeKind, number>> = {};
      let applied = 0;
      // A draw can find nothing to change; give up after many empty draws
      // (an account with no boards), so the call always ends.
      for (let draws = 0; applied < count && draws < count * 20 + 20; draws++) {
        const kind = changes.apply(now);
        if (kind === undefined) continue;
        applied++;
        byKind[kind] = (byKind[kind] ?? 0) + 1;
      }
      return { applied, byKind };
    },
    resetLimitWindows() {
      limits.resetWindows();
    },
    setLimits(next) {
      limits.set(next);
      if (
        next.auditRequestsPerMinute !== undefined ||
        next.auditWindowMs !== undefined
      ) {
        audit.setLimit(
          limits.limits.auditRequestsPerMinute,
          limits.limits.auditWindowMs,
        );
      }
    },
    ui: createUi(model, clock),
    setActivityLogRetention(ms) {
      model.log.setRetention(ms);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  // The credentials are test credentials, but logs still only show their last 4 characters.
  Object.defineProperty(emulator, Symbol.for("Deno.customInspect"), {
    value: () =>
      `Emulator { url: "${base}", apiToken: "…${
        credentials.apiToken.slice(-4)
      }", auditToken: "…${credentials.auditToken.slice(-4)}" }`,
  });
  Object.defineProperty(emulator, Symbol.for("nodejs.util.inspect.custom"), {
    value: () =>
      `Emulator { url: "${base}", apiToken: "…${
        credentials.apiToken.slice(-4)
      }", auditToken: "…${credentials.auditToken.slice(-4)}" }`,
  });
  return emulator;
}
