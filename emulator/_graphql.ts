/**
 * The emulator's GraphQL endpoint (`POST /v2`, `POST /v2/file`,
 * `GET /v2/get_schema`): auth, API versions, limits, idempotency, execution
 * and monday's error shapes.
 *
 * @module
 */

import {
  buildSchema,
  type DocumentNode,
  execute,
  type ExecutionResult,
  getIntrospectionQuery,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  parse,
  Source,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
} from "graphql";
import { EMULATOR_SDL } from "./_graphql_schema.ts";
import { complexityOf } from "./_graphql_cost.ts";
import {
  type AuditSource,
  createRoot,
  CURRENT_VERSION,
  CursorStore,
  type ResolverContext,
  VERSIONS,
} from "./_graphql_resolvers.ts";
import type { PaginationChain } from "./_graphql_cursors.ts";
import type { ComplexityBucket, LimitBreach, LimitTracker } from "./_limits.ts";
import { ACCOUNT_ID, type Model, ModelError } from "./_model.ts";
import type { TokenRegistry } from "./_tokens.ts";

const ACCOUNT_NUMBER = Number(ACCOUNT_ID);
const IDEMPOTENCY_TTL_MS = 30 * 60_000;
/** The first API version that refuses legacy (OAuth 2.0) tokens. */
const OAUTH21_REQUIRED_FROM = "2027-04";

/** Options of {@linkcode GraphQLEndpoint}. */
export interface GraphQLEndpointOptions {
  clock: { now(): number };
  model: Model;
  tokens: TokenRegistry;
  limits: LimitTracker;
  random: () => number;
  audit?: () => AuditSource | undefined;
  /** Called for each executed mutation field. */
  onExecuted(field: string): void;
  /** Called for each 429 answered. */
  onRateLimited(): void;
}

/** What the endpoint charged and served since the last reset. */
export interface GraphQLUsage {
  /** Complexity points charged (queries refused for their cost excluded). */
  complexity: number;
  /** Item paginations and their pages (see `EmulatorStats.paginations`). */
  paginations: {
    count: number;
    pages: number;
    longest: { pages: number; delayMs: number };
  };
}

interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

type IdempotencyEntry =
  | { state: "pending" }
  | { state: "done"; response: CachedResponse; expiresAt: number };

/** What every answer to one request needs to know. */
interface Meta {
  requestId: string;
  version: string;
  legacy: boolean;
  /** The complexity budget reported in the RateLimit header. */
  bucket?: ComplexityBucket;
  warnings?: Record<string, unknown>[];
}

/** A request body after reading (JSON or multipart). */
interface GraphQLBody {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

/** An error to answer before execution (auth, limits, bad request). */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      retryAfter?: number;
      errorData?: Record<string, unknown>;
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
      /** Force the current shape even for legacy versions (auth, 409). */
      currentShape?: boolean;
    } = {},
  ) {
    super(message);
  }
}

/**
 * Serves GraphQL over the model.
 */
export class GraphQLEndpoint {
  #options: GraphQLEndpointOptions;
  #schema: GraphQLSchema;
  #root = createRoot();
  #cursors: CursorStore;
  #idempotency = new Map<string, IdempotencyEntry>();
  #requestSeq = 0;
  #introspection: string | undefined;
  #epoch = 0;
  #usage: GraphQLUsage = emptyUsage();

  /**
   * Creates the endpoint.
   *
   * @param options The model, tokens, limits and hooks.
   */
  constructor(options: GraphQLEndpointOptions) {
    this.#options = options;
    this.#schema = buildSchema(EMULATOR_SDL);
    this.#cursors = new CursorStore(options.clock, options.random);
  }

  /**
   * What the endpoint charged and served since the last reset.
   *
   * @returns A copy of the figures.
   */
  usage(): GraphQLUsage {
    const { complexity, paginations } = this.#usage;
    return {
      complexity,
      paginations: { ...paginations, longest: { ...paginations.longest } },
    };
  }

  /** Zeroes the figures of {@linkcode GraphQLEndpoint.usage}. */
  resetUsage(): void {
    this.#epoch++;
    this.#usage = emptyUsage();
  }

  /** Adds one answered request's latency to the paginations it served. */
  #recordPages(chains: Set<PaginationChain>, delayMs: number): void {
    const usage = this.#usage.paginations;
    for (const chain of chains) {
      if (chain.epoch !== this.#epoch) {
        chain.epoch = this.#epoch;
        chain.pages = 0;
        chain.delayMs = 0;
      }
      if (chain.pages === 0) usage.count++;
      chain.pages++;
      chain.delayMs += delayMs;
      usage.pages++;
      const longest = usage.longest;
      if (
        chain.delayMs > longest.delayMs ||
        (chain.delayMs === longest.delayMs && chain.pages > longest.pages)
      ) {
        usage.longest = { pages: chain.pages, delayMs: chain.delayMs };
      }
    }
  }

  #requestId(): string {
    const r = this.#options.random;
    const hex = (n: number) =>
      Math.floor(r() * 16 ** n).toString(16).padStart(n, "0");
    this.#requestSeq++;
    return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`;
  }

  /**
   * Answers `GET /v2/get_schema`.
   *
   * @param request The request.
   * @returns SDL (`format=sdl`) or introspection JSON.
   */
  async schema(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const asked = url.searchParams.get("version");
    // `current` (and a missing version) is served and echoed as the current
    // version, as on /v2.
    const version = resolveVersion(asked) ?? asked ?? CURRENT_VERSION;
    const rate = this.#options.limits.headers();
    const headers = {
      "api-version": version,
      "ratelimit-policy": rate.policy,
      "ratelimit": rate.rateLimit,
    };
    if (url.searchParams.get("format") === "sdl") {
      return new Response(EMULATOR_SDL, {
        headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
      });
    }
    if (this.#introspection === undefined) {
      const result = await execute({
        schema: this.#schema,
        document: parse(getIntrospectionQuery()),
      });
      this.#introspection = JSON.stringify(result);
    }
    return new Response(this.#introspection, {
      headers: { ...headers, "content-type": "application/json" },
    });
  }

  /**
   * Answers `POST /v2` or `POST /v2/file`.
   *
   * @param request The request.
   * @param options `hold` waits out a delay fault while the request is in
   * flight; `file` marks the multipart endpoint.
   * @returns The response.
   */
  async handle(
    request: Request,
    options: {
      hold: () => Promise<void>;
      file: boolean;
      settle?: (response: Response, complexity: number) => Promise<number>;
    },
  ): Promise<Response> {
    const limits = this.#options.limits;
    const entered = limits.enter();
    const track = { complexity: 0, paginations: new Set<PaginationChain>() };
    try {
      const response = await this.#answer(request, options, entered, track);
      // The latency delay runs while the request still holds its
      // concurrency slot, as a slow answer does on monday.
      const delayMs = options.settle
        ? await options.settle(response, track.complexity)
        : 0;
      this.#recordPages(track.paginations, delayMs);
      return response;
    } finally {
      if (!entered) limits.leave();
    }
  }

  async #answer(
    request: Request,
    options: { hold: () => Promise<void>; file: boolean },
    entered: LimitBreach | undefined,
    track: { complexity: number; paginations: Set<PaginationChain> },
  ): Promise<Response> {
    const requestId = this.#requestId();
    const rawVersion = request.headers.get("api-version");
    const version = resolveVersion(rawVersion);
    const servedVersion = version ?? CURRENT_VERSION;
    const legacy = servedVersion <= "2024-10" && servedVersion !== "dev";
    const meta: Meta = { requestId, version: servedVersion, legacy };
    const limits = this.#options.limits;
    // monday counts every request toward the minute and daily limits,
    // failed and refused ones included (a bad token, a malformed version,
    // a parse error, a 429): counted here, refused below in its turn.
    const counted = limits.count();
    try {
      if (entered) throw breachRefusal(entered);
      const ip = limits.countIp();
      if (ip) throw breachRefusal(ip);
      if (version === undefined) {
        throw new Refusal(
          200,
          "InvalidVersionException",
          `The API version '${rawVersion}' is malformed: use YYYY-MM (e.g. '${CURRENT_VERSION}'), 'current' or 'dev'`,
          { errorData: { version: rawVersion } },
        );
      }
      const auth = this.#authenticate(request);
      if (
        auth.kind === "oauth_legacy" && rawVersion !== null &&
        /^\d{4}-\d{2}$/.test(rawVersion.trim()) &&
        rawVersion.trim() >= OAUTH21_REQUIRED_FROM
      ) {
        throw new Refusal(
          401,
          "OAUTH21_TOKEN_REQUIRED",
          `Legacy OAuth tokens are refused from API version ${OAUTH21_REQUIRED_FROM}: get an OAuth 2.1 token (/oauth_ms/oauth/token)`,
          { currentShape: true },
        );
      }
      if (counted) throw breachRefusal(counted);
      const body = await readBody(request, options.file);
      let document: DocumentNode;
      try {
        document = parse(new Source(body.query, "GraphQL request"));
      } catch (error) {
        return this.#respond(
          200,
          { errors: [parseError(error as GraphQLError, body.query)] },
          { ...meta, legacy: false },
        );
      }
      const validation = validate(this.#schema, document);
      if (validation.length > 0) {
        return this.#respond(
          200,
          { errors: validation.map(validationError) },
          { ...meta, legacy: false },
        );
      }
      const operation = pickOperation(document, body.operationName);
      if (auth.kind !== "personal") {
        meta.bucket = operation.operation === "mutation"
          ? "app_write"
          : "app_read";
      }
      const key = request.headers.get("idempotency-key");
      const idempotencyKey = operation.operation === "mutation" && key
        ? `${auth.user.id}\u0000${key}`
        : undefined;
      if (idempotencyKey !== undefined) {
        const cached = this.#idempotencyLookup(idempotencyKey);
        if (cached === "pending") {
          throw new Refusal(
            409,
            "IDEMPOTENCY_CONFLICT",
            "A request with this Idempotency-Key is still being processed",
            { retryAfter: 1, currentShape: true },
          );
        }
        if (cached) {
          const headers = new Headers(cached.headers);
          headers.set("idempotency-replayed", "true");
          return new Response(cached.body, { status: cached.status, headers });
        }
        this.#idempotency.set(idempotencyKey, { state: "pending" });
      }
      try {
        await options.hold();
        const cost = complexityOf(document, operation, body.variables);
        track.complexity = cost;
        const charge = limits.charge(cost, meta.bucket);
        if (!charge.ok) throw breachRefusal(charge.breach);
        this.#usage.complexity += cost;
        const now = this.#options.clock.now();
        this.#options.model.tick(now);
        const ctx: ResolverContext = {
          model: this.#options.model,
          user: auth.user,
          scopes: auth.scopes,
          tokenKind: auth.kind,
          version: servedVersion,
          now,
          complexity: {
            before: charge.before,
            after: charge.after,
            query: cost,
            reset_in_x_seconds: charge.resetIn,
          },
          cursors: this.#cursors,
          paginations: track.paginations,
          audit: this.#options.audit?.(),
          executed: (field) => this.#options.onExecuted(field),
          fieldLimit: (field) => {
            const breach = limits.countField(field);
            if (breach) {
              throw new ModelError(
                "FIELD_LIMIT_EXCEEDED",
                `Concurrency limit exceeded for the field '${field}': try again in ${breach.retryInSeconds} seconds`,
                {
                  statusCode: 429,
                  // monday names the field `entity`; `field` is kept for
                  // callers of earlier emulator versions.
                  data: {
                    field,
                    entity: field,
                    retry_in_seconds: breach.retryInSeconds,
                  },
                },
              );
            }
          },
        };
        const result = await execute({
          schema: this.#schema,
          document,
          rootValue: this.#root,
          contextValue: ctx,
          variableValues: body.variables,
          ...(body.operationName ? { operationName: body.operationName } : {}),
        }) as ExecutionResult;
        const response = this.#result(result, {
          ...meta,
          warnings: this.#warnings(document, servedVersion),
        });
        if (idempotencyKey !== undefined) {
          const text = await response.clone().text();
          this.#idempotency.set(idempotencyKey, {
            state: "done",
            expiresAt: this.#options.clock.now() + IDEMPOTENCY_TTL_MS,
            response: {
              status: response.status,
              headers: [...response.headers],
              body: text,
            },
          });
        }
        return response;
      } catch (error) {
        if (idempotencyKey !== undefined) {
          this.#idempotency.delete(idempotencyKey);
        }
        throw error;
      }
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      await options.hold();
      return this.#refuse(error, meta);
    }
  }

  #idempotencyLookup(
    key: string,
  ): CachedResponse | "pending" | undefined {
    const entry = this.#idempotency.get(key);
    if (!entry) return undefined;
    if (entry.state === "pending") return "pending";
    if (this.#options.clock.now() >= entry.expiresAt) {
      this.#idempotency.delete(key);
      return undefined;
    }
    return entry.response;
  }

  #authenticate(
    request: Request,
  ): {
    user: NonNullable<ReturnType<Model["user"]>>;
    scopes: string[] | "all";
    kind: string;
  } {
    const header = request.headers.get("authorization")?.trim() ?? "";
    const bearer = /^bearer\s+/i.test(header);
    const token = bearer ? header.replace(/^bearer\s+/i, "").trim() : header;
    if (token === "") {
      throw new Refusal(
        401,
        "Unauthorized",
        "Not Authenticated: no Authorization header (send the API token raw, or an OAuth token as 'Bearer <token>')",
        { currentShape: true, errorData: { reason: "missing" } },
      );
    }
    const check = this.#options.tokens.check(token);
    if (!check.ok) {
      throw new Refusal(
        401,
        "Unauthorized",
        check.reason === "expired"
          ? "Not Authenticated: the access token has expired"
          : check.reason === "revoked"
          ? "Not Authenticated: the access token was revoked"
          : "Not Authenticated: invalid token",
        {
          currentShape: true,
          errorData: { reason: check.reason },
          headers: {
            "www-authenticate":
              `Bearer error="invalid_token", error_description="${
                check.reason === "unknown" ? "invalid" : check.reason
              }"`,
          },
        },
      );
    }
    if (check.info.kind === "audit") {
      throw new Refusal(
        401,
        "Unauthorized",
        "Not Authenticated: the audit log token only works on /audit-api",
        { currentShape: true, errorData: { reason: "audit_token" } },
      );
    }
    const user = this.#options.model.user(check.info.userId) ??
      this.#options.model.users[0]!;
    return { user, scopes: check.info.scopes, kind: check.info.kind };
  }

  #headers(meta: Meta, extra: Record<string, string> = {}): Headers {
    const { requestId, version } = meta;
    const rate = this.#options.limits.headers(meta.bucket);
    return new Headers({
      "content-type": "application/json; charset=utf-8",
      "api-version": version,
      "ratelimit-policy": rate.policy,
      "ratelimit": rate.rateLimit,
      "x-request-id": requestId,
      ...extra,
    });
  }

  #respond(
    status: number,
    body: Record<string, unknown>,
    meta: Meta,
    extraHeaders: Record<string, string> = {},
    warnings: Record<string, unknown>[] = [],
  ): Response {
    const extensions: Record<string, unknown> = { request_id: meta.requestId };
    if (warnings.length > 0) extensions.warnings = warnings;
    const payload = meta.legacy
      ? { ...body, account_id: ACCOUNT_NUMBER }
      : { ...body, extensions, account_id: ACCOUNT_NUMBER };
    if (status === 429) this.#options.onRateLimited();
    return new Response(JSON.stringify(payload), {
      status,
      headers: this.#headers(meta, extraHeaders),
    });
  }

  #warnings(
    document: DocumentNode,
    version: string,
  ): Record<string, unknown>[] {
    const warnings: Record<string, unknown>[] = [];
    const kind = VERSIONS.find((v) => v.value === version)?.kind;
    if (kind === "deprecated") {
      warnings.push({
        message:
          `API version '${version}' is deprecated: move to '${CURRENT_VERSION}'`,
        extensions: { code: "DEPRECATED_API_VERSION" },
      });
    }
    const typeInfo = new TypeInfo(this.#schema);
    const path: string[] = [];
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: {
          enter: (node) => {
            path.push(node.alias?.value ?? node.name.value);
            const def = typeInfo.getFieldDef();
            const parent = typeInfo.getParentType();
            if (def?.deprecationReason && parent) {
              warnings.push({
                message:
                  `Field '${parent.name}.${def.name}' is deprecated: ${def.deprecationReason}`,
                locations: node.loc
                  ? [{
                    line: node.loc.startToken.line,
                    column: node.loc.startToken.column,
                  }]
                  : [],
                path: [...path],
                extensions: { code: "DEPRECATED_FIELD" },
              });
            }
          },
          leave: () => {
            path.pop();
          },
        },
      }),
    );
    return warnings;
  }

  #result(
    result: ExecutionResult,
    meta: Meta,
  ): Response {
    const errors = result.errors ?? [];
    if (meta.legacy) {
      const coded = errors.find((e) => e.originalError instanceof ModelError);
      if (coded) {
        const original = coded.originalError as ModelError;
        // monday's legacy body tells the error twice: `errors[]` next to
        // the top-level `error_code` fields.
        const entry: Record<string, unknown> = { message: original.message };
        if (coded.locations) {
          entry.locations = coded.locations.map((l) => ({
            line: l.line,
            column: l.column,
          }));
        }
        if (coded.path) entry.path = coded.path;
        return this.#respond(200, {
          errors: [entry],
          error_code: original.code,
          status_code: original.statusCode,
          error_message: original.message,
          error_data: original.data,
        }, meta);
      }
    }
    const body: Record<string, unknown> = { data: result.data ?? null };
    if (errors.length > 0) body.errors = errors.map(formatError);
    // monday answers a field's own limit (FIELD_LIMIT_EXCEEDED) with HTTP 429.
    const fieldLimited = errors.some((e) =>
      e.originalError instanceof ModelError &&
      e.originalError.code === "FIELD_LIMIT_EXCEEDED"
    );
    return this.#respond(
      fieldLimited ? 429 : 200,
      body,
      meta,
      {},
      meta.warnings,
    );
  }

  #refuse(
    refusal: Refusal,
    meta: Meta,
  ): Response {
    const headers: Record<string, string> = { ...refusal.extra.headers };
    if (refusal.extra.retryAfter !== undefined) {
      headers["retry-after"] = String(refusal.extra.retryAfter);
    }
    if (meta.legacy && !refusal.extra.currentShape) {
      const legacyCode = refusal.code === "COMPLEXITY_BUDGET_EXHAUSTED" ||
          refusal.code === "maxComplexityExceeded"
        ? "ComplexityException"
        : refusal.code;
      const body: Record<string, unknown> = {
        errors: [{ message: refusal.message }],
        error_code: legacyCode,
        status_code: refusal.status,
        error_message: refusal.message,
      };
      if (refusal.extra.errorData) body.error_data = refusal.extra.errorData;
      if (refusal.status === 429) this.#options.onRateLimited();
      return new Response(
        JSON.stringify({ ...body, account_id: ACCOUNT_NUMBER }),
        {
          status: 200,
          headers: this.#headers(meta, headers),
        },
      );
    }
    const extensions: Record<string, unknown> = {
      code: refusal.code,
      status_code: refusal.status,
      ...refusal.extra.extensions,
    };
    if (refusal.extra.errorData) {
      extensions.error_data = refusal.extra.errorData;
    }
    return this.#respond(
      refusal.status,
      { errors: [{ message: refusal.message, extensions }] },
      { ...meta, legacy: false },
      headers,
    );
  }
}

function emptyUsage(): GraphQLUsage {
  return {
    complexity: 0,
    paginations: { count: 0, pages: 0, longest: { pages: 0, delayMs: 0 } },
  };
}

/**
 * Reads the API version header.
 *
 * @param raw The header value.
 * @returns The version to serve, or undefined when malformed.
 */
function resolveVersion(raw: string | null): string | undefined {
  if (raw === null || raw.trim() === "") return CURRENT_VERSION;
  const value = raw.trim();
  if (value === "dev") return "dev";
  // `current` names whatever version is current (documented since
  // 2026-11-27): served and echoed as that version.
  if (value === "current") return CURRENT_VERSION;
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) return undefined;
  return VERSIONS.some((v) => v.value === value) ? value : CURRENT_VERSION;
}

function breachRefusal(breach: LimitBreach): Refusal {
  const retry = breach.retryInSeconds;
  switch (breach.kind) {
    case "concurrency":
      return new Refusal(
        429,
        "maxConcurrencyExceeded",
        "Max concurrency exceeded: too many requests in flight at once",
        {
          retryAfter: retry,
          extensions: { retry_in_seconds: retry },
          errorData: { retry_in_seconds: retry },
        },
      );
    case "ip":
      return new Refusal(
        429,
        "IP_RATE_LIMIT_EXCEEDED",
        `IP rate limit exceeded: too many requests from this address, try again in ${retry} seconds`,
        {
          retryAfter: retry,
          extensions: { retry_in_seconds: retry },
          errorData: { retry_in_seconds: retry },
        },
      );
    case "minute":
      return new Refusal(429, "RATE_LIMIT_EXCEEDED", "Rate Limit Exceeded", {
        retryAfter: retry,
        extensions: { retry_in_seconds: retry },
        errorData: { retry_in_seconds: retry },
      });
    case "daily":
      return new Refusal(
        429,
        "DAILY_LIMIT_EXCEEDED",
        `Daily limit exceeded: the daily call limit resets at 00:00 UTC, in ${retry} seconds`,
        {
          retryAfter: retry,
          extensions: { retry_in_seconds: retry },
          errorData: { retry_in_seconds: retry },
        },
      );
    case "query":
      return new Refusal(
        200,
        "maxComplexityExceeded",
        `Query has complexity of ${breach.cost}, which exceeds max complexity of ${breach.budget}`,
        {
          errorData: {
            complexity: breach.cost,
            max_complexity: breach.budget,
          },
        },
      );
    case "complexity":
    case "field":
    default:
      return new Refusal(
        429,
        "COMPLEXITY_BUDGET_EXHAUSTED",
        `Complexity budget exhausted, query cost ${breach.cost} budget remaining ${breach.left} out of ${breach.budget} reset in ${retry} seconds`,
        {
          retryAfter: retry,
          extensions: {
            retry_in_seconds: retry,
            complexity: breach.cost,
            complexity_budget_left: breach.left,
            complexity_budget_limit: breach.budget,
          },
          errorData: { retry_in_seconds: retry },
        },
      );
  }
}

async function readBody(request: Request, file: boolean): Promise<GraphQLBody> {
  if (request.method !== "POST") {
    throw new Refusal(405, "Bad request", "Use POST for GraphQL requests");
  }
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("multipart/form-data")) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw new Refusal(400, "Bad request", "Cannot read multipart body");
    }
    const query = form.get("query");
    if (typeof query !== "string" || query.trim() === "") {
      throw new Refusal(
        400,
        "Bad request",
        "The multipart body has no 'query' part",
      );
    }
    let variables: Record<string, unknown> = {};
    const varsPart = form.get("variables");
    if (typeof varsPart === "string" && varsPart.trim() !== "") {
      try {
        variables = JSON.parse(varsPart);
      } catch {
        throw new Refusal(
          400,
          "JsonParseException",
          "The 'variables' part is not valid JSON",
        );
      }
    }
    for (const [name, value] of form.entries()) {
      const match = /^variables\[(.+)\]$/.exec(name);
      if (match && typeof value !== "string") {
        variables[match[1]!] = {
          name: value.name,
          size: value.size,
          type: value.type,
        };
      }
    }
    return { query, variables };
  }
  if (file) {
    throw new Refusal(
      400,
      "Bad request",
      "POST /v2/file needs a multipart/form-data body with a 'query' part and the file in 'variables[file]'",
    );
  }
  const text = await request.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Refusal(
      400,
      "JsonParseException",
      `Unexpected token in JSON body: ${(error as Error).message}`,
    );
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new Refusal(400, "Bad request", "The body must be a JSON object");
  }
  const { query, variables, operationName } = json as Record<string, unknown>;
  if (typeof query !== "string" || query.trim() === "") {
    throw new Refusal(
      400,
      "Bad request",
      "No query string was present in the body",
    );
  }
  if (
    variables !== undefined && variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  ) {
    throw new Refusal(
      400,
      "Bad request",
      "variables must be a JSON object (not a string)",
    );
  }
  const out: GraphQLBody = {
    query,
    variables: (variables ?? {}) as Record<string, unknown>,
  };
  if (typeof operationName === "string") out.operationName = operationName;
  return out;
}

function pickOperation(
  document: DocumentNode,
  name: string | undefined,
): OperationDefinitionNode {
  const operations = document.definitions.filter((
    d,
  ): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  const found = name
    ? operations.find((o) => o.name?.value === name)
    : operations[0];
  return found ?? operations[0]!;
}

const TOKEN_KINDS: [RegExp, string][] = [
  [/^\{/, "LCURLY"],
  [/^\}/, "RCURLY"],
  [/^\(/, "LPAREN"],
  [/^\)/, "RPAREN"],
  [/^\[/, "LBRACKET"],
  [/^\]/, "RBRACKET"],
  [/^:/, "COLON"],
  [/^\$/, "VAR_SIGN"],
  [/^!/, "BANG"],
  [/^=/, "EQUALS"],
  [/^@/, "DIR_SIGN"],
  [/^\.\.\./, "ELLIPSIS"],
  [/^-?\d+\.\d+/, "FLOAT"],
  [/^-?\d+/, "INT"],
  [/^"(?:[^"\\]|\\.)*"?/, "STRING"],
  [/^[_A-Za-z][_0-9A-Za-z]*/, "IDENTIFIER"],
];

function parseError(
  error: GraphQLError,
  query: string,
): Record<string, unknown> {
  const location = error.locations?.[0] ?? { line: 1, column: 1 };
  const position = error.positions?.[0] ?? 0;
  const rest = query.slice(position);
  let token = "";
  let kind = "EOF";
  if (rest.length > 0) {
    kind = "UNKNOWN_CHAR";
    token = rest[0]!;
    for (const [pattern, name] of TOKEN_KINDS) {
      const match = pattern.exec(rest);
      if (match) {
        token = match[0];
        kind = name;
        break;
      }
    }
  }
  return {
    message: kind === "EOF"
      ? `Parse error on end of input (EOF) at [${location.line}, ${location.column}]`
      : `Parse error on ${
        JSON.stringify(token)
      } (${kind}) at [${location.line}, ${location.column}]`,
    locations: [{ line: location.line, column: location.column }],
    extensions: { code: "PARSE_ERROR", detail: error.message },
  };
}

function validationError(error: GraphQLError): Record<string, unknown> {
  const locations = error.locations?.map((l) => ({
    line: l.line,
    column: l.column,
  })) ?? [];
  const undefinedField = /^Cannot query field "(.+)" on type "(.+?)"\./.exec(
    error.message,
  );
  if (undefinedField) {
    return {
      message: `Field '${undefinedField[1]}' doesn't exist on type '${
        undefinedField[2]
      }'`,
      locations,
      extensions: {
        code: "undefinedField",
        typeName: undefinedField[2],
        fieldName: undefinedField[1],
      },
    };
  }
  return {
    message: error.message,
    locations,
    extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
  };
}

function formatError(error: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = { message: error.message };
  if (error.locations) {
    out.locations = error.locations.map((l) => ({
      line: l.line,
      column: l.column,
    }));
  }
  if (error.path) out.path = error.path;
  const original = error.originalError;
  if (original instanceof ModelError) {
    out.extensions = {
      code: original.code,
      status_code: original.statusCode,
      error_data: original.data,
      ...(original.code === "FIELD_LIMIT_EXCEEDED"
        ? { retry_in_seconds: original.data.retry_in_seconds }
        : {}),
    };
  } else if (error.extensions && Object.keys(error.extensions).length > 0) {
    out.extensions = error.extensions;
  } else {
    out.extensions = {
      code: original ? "INTERNAL_SERVER_ERROR" : "ARGUMENT_ERROR",
      status_code: original ? 500 : 200,
    };
  }
  return out;
}
