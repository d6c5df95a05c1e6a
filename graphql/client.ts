/**
 * `MondayClient`: typed GraphQL requests to monday.com with error classes,
 * retries that never duplicate a write, proactive rate-limit throttling,
 * pagination, file uploads and schema fetching.
 *
 * @module
 */

import {
  assertSecureUrl,
  type Clock,
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpEvent,
  type HttpRequestSpec,
  HttpTransport,
  NetworkError,
  readBodyText,
  resolveRetryPolicy,
  type RetryPolicy,
  SecretSet,
  systemClock,
} from "../_http/mod.ts";
import { checkApiVersion, DEFAULT_API_URL } from "../_common/mod.ts";
import {
  type AdmitRequest,
  costKey,
  RequestScheduler,
  type Ticket,
} from "./_scheduler.ts";
import { classifyResponse, requestIdOfResponse } from "./_classify.ts";
import { resolveDocument } from "./_operation.ts";
import {
  isRecord,
  rateLimitOf,
  readGraphQLResponse,
  readSchemaResponse,
} from "./_read_response.ts";
import { finalError, RefreshOnce } from "./_refresh_once.ts";
import { DocumentValidator } from "./_validate.ts";
import {
  AuthenticationError,
  ComplexityBudgetError,
  MondayApiError,
  RateLimitError,
  ServerError,
} from "./errors.ts";
import {
  type FetchSchemaOptions,
  type IntrospectionResult,
  schemaRequestUrl,
} from "./fetch_schema.ts";
import {
  type Item,
  paginateItems,
  type PaginateItemsOptions,
} from "./paginate_items.ts";
import {
  type PagedResource,
  paginatePages,
  type PaginatePagesOptions,
} from "./paginate_pages.ts";
import type {
  ComplexityInfo,
  CredentialProvider,
  DeprecationWarning,
  Document,
  RawResponse,
  RequestInfo,
  ResponseInfo,
  SchemaLike,
  Variables,
} from "./types.ts";
import {
  type Asset,
  DEFAULT_MAX_FILE_SIZE,
  prepareUpload,
  type UploadFileOptions,
} from "./upload_file.ts";

/** The API version the client pins by default (monday's current version). */
export const DEFAULT_API_VERSION = "2026-10";

/** Options of {@linkcode MondayClient}. */
export interface MondayClientOptions {
  /**
   * Where the `Authorization` header comes from: a credential provider (see
   * `auth/`), or a personal API token sent raw.
   */
  credentials?: CredentialProvider | string;
  /** A personal API token (alias of a string `credentials`). */
  token?: string;
  /**
   * The `API-Version` header: `YYYY-MM` (month 01, 04, 07 or 10), `current` or `dev`.
   *
   * @default {DEFAULT_API_VERSION}
   */
  apiVersion?: string;
  /**
   * The GraphQL endpoint. `https://`, or `http://` to a loopback host only.
   *
   * @default {"https://api.monday.com/v2"}
   */
  apiUrl?: string;
  /**
   * The file upload endpoint.
   *
   * @default {apiUrl + "/file"}
   */
  fileUrl?: string;
  /**
   * The schema endpoint.
   *
   * @default {apiUrl + "/get_schema"}
   */
  schemaUrl?: string;
  /**
   * The `fetch` to call.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * The time one attempt may take, in milliseconds (monday cuts calls at 60 s).
   *
   * @default {60_000}
   */
  timeoutMs?: number;
  /**
   * The time a whole call may take, retries included, in milliseconds.
   *
   * @default {undefined} (no deadline)
   */
  deadlineMs?: number;
  /**
   * How retries back off, or `false` to never retry.
   *
   * @default {{ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 }}
   */
  retry?: RetryPolicy | false;
  /**
   * The most requests in flight at once (monday's lowest plan allows 40).
   *
   * @default {40}
   */
  maxConcurrency?: number;
  /**
   * The share of the token's limits this client uses, above 0 and at most 1:
   * it spends at most this share of each minute's complexity budget
   * (`RateLimit-Policy` `"complexityMinute"`) and keeps at most this share of
   * the account's concurrency cap in flight, leaving the rest to other jobs
   * on the same token. Clients whose shares add up to 1 never refuse one
   * another.
   *
   * @default {1}
   */
  budgetShare?: number;
  /**
   * The clock for waits (tests inject a fake one).
   *
   * @default {the system clock}
   */
  clock?: Clock;
  /**
   * The random source for backoff jitter.
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * Validate every document against this schema (a `GraphQLSchema` or SDL
   * text) before sending; loads the `graphql` package on first use.
   *
   * @default {undefined} (no validation)
   */
  validate?: SchemaLike | string;
  /**
   * The largest response body the client reads, in bytes; a larger one fails
   * with `ResponseTooLargeError` (not retried).
   *
   * @default {DEFAULT_MAX_RESPONSE_BYTES} (64 MiB)
   */
  maxResponseBytes?: number;
  /**
   * The largest file `uploadFile` sends, in bytes.
   *
   * @default {500 MB}
   */
  maxFileSize?: number;
  /**
   * The `User-Agent` header.
   *
   * @default {"mondaykit/<version> (Deno <version>)"}
   */
  userAgent?: string;
  /** Called before each attempt is sent (no secrets in its argument). */
  onRequest?: (info: RequestInfo) => void;
  /** Called when each attempt's response has been read. */
  onResponse?: (info: ResponseInfo) => void;
  /**
   * Called once per distinct deprecation warning (`extensions.warnings`).
   *
   * @default {console.warn}
   */
  onWarning?: (warning: DeprecationWarning) => void;
  /** Low-level transport events (requests, retries, waits), redacted. */
  onEvent?: (event: HttpEvent) => void;
}

/** Per-call options of {@linkcode MondayClient.request}. */
export interface RequestOptions {
  /** Cancels the call, its retries and its waits. */
  signal?: AbortSignal;
  /**
   * The `API-Version` for this call.
   *
   * @default {the client's}
   */
  apiVersion?: string;
  /**
   * The `Idempotency-Key` to send. Every mutation gets one by default (a
   * fresh UUID per call, reused across its retries).
   *
   * @default {crypto.randomUUID() for mutations, none for queries}
   */
  idempotencyKey?: string;
  /**
   * `false` to send the request once, without any retry.
   *
   * @default {true}
   */
  retry?: boolean;
  /** The operation to run when the document holds several. */
  operationName?: string;
  /**
   * When `true`, a response that carries `data` alongside errors resolves
   * (partial data; `rawRequest`'s `errors` lists the errors) instead of
   * throwing. Errors are also available as `error.data` when thrown.
   *
   * @default {false}
   */
  partial?: boolean;
}

/**
 * The arguments after the document: the variables (required when the
 * document's variables type has required fields, as typed documents from
 * graphql-codegen do), then the options.
 *
 * @typeParam TVariables The operation's variables.
 */
export type RequestArgs<TVariables> = Record<never, never> extends TVariables
  ? [variables?: TVariables, options?: RequestOptions]
  : [variables: TVariables, options?: RequestOptions];

interface SendSpec<T> {
  method: "GET" | "POST";
  url: string;
  operation: string;
  operationName: string | undefined;
  apiVersion: string;
  idempotencyKey: string | undefined;
  body: (() => BodyInit) | undefined;
  contentType: string | undefined;
  retry: boolean;
  /** The GraphQL text, so a paused field's calls wait. */
  document?: string;
  /** The operation's cost key: set, the request goes through the scheduler. */
  costKey?: string;
  /** Narrows which retryable errors are retried (uploads). */
  retryIf?: (error: unknown) => boolean;
  signal: AbortSignal | undefined;
  read: (response: Response, text: string) => T | MondayApiError;
}

/**
 * Whether an upload may be sent again after `error`: only when it cannot have
 * run on the server. monday documents idempotency for mutations on `/v2`;
 * nothing says `/v2/file` honours the key, so a timeout, a lost response or
 * a 5xx (any of which may follow an attached file) is never retried. What
 * cannot have run: a connection refused before sending, a refusal by a
 * limit (429, a spent complexity budget), a 409 conflict, a refused
 * credential (401, retried once after a refresh).
 */
function uploadMayRetry(error: unknown): boolean {
  if (error instanceof NetworkError) return error.beforeSend;
  if (!(error instanceof MondayApiError)) return false;
  return error.status === 429 || error.status === 409 ||
    error instanceof RateLimitError ||
    error instanceof ComplexityBudgetError ||
    (error instanceof AuthenticationError && error.status === 401);
}

function checkVersion(version: unknown, what: string): string {
  return checkApiVersion(version, `Invalid '${what}':`);
}

function defaultWarning(warning: DeprecationWarning): void {
  console.warn(`monday API deprecation warning: ${warning.message}`);
}

/**
 * A client for monday.com's GraphQL API.
 *
 * - Requests are typed by the document (`TypedDocumentNode` from
 *   graphql-codegen) or by type arguments, and pinned to an `API-Version`.
 * - Failures throw a {@linkcode MondayApiError} subclass, classified from the
 *   status and body in monday's current and legacy shapes.
 * - Queries are retried on network errors, 5xx and the 429 family (not the
 *   daily limit), waiting what the server says (`Retry-After`,
 *   `retry_in_seconds`, `RateLimit` `t`, a legacy message's number), else
 *   backing off. Mutations carry an `Idempotency-Key` (one per call, reused
 *   across its retries), so a retry never runs a write twice; a 409 with
 *   `Retry-After` on such a request is retried whatever its code. Uploads
 *   retry only what cannot have run (see `uploadFile`).
 * - When the `RateLimit` header says a budget is at 0, the next request waits
 *   for its reset, at most `retry.maxRetryAfterMs` and never past the
 *   deadline (beyond that it fails at once with `RateLimitError`);
 *   never more than `maxConcurrency` requests are in flight. One scheduler
 *   admits each request within the complexity budget left and the account's
 *   concurrency cap (`budgetShare` keeps a share for other jobs); before the
 *   first answer one request goes alone (see `docs/throughput.md`).
 * - Bodies are read up to `maxResponseBytes`; redirects are followed only to
 *   the endpoint's own origin (else `RedirectError`, nothing sent there).
 *
 * Permissions: `--allow-net` to the API host; `--allow-read` for uploads
 * from a path.
 *
 * @example Ask who the token belongs to
 * ```ts
 * import { MondayClient } from "./client.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 *
 * await using emulator = await startEmulator();
 * const client = new MondayClient({
 *   token: emulator.credentials.apiToken,
 *   apiUrl: emulator.apiUrl, // omit for https://api.monday.com/v2
 * });
 * const { me } = await client.request<{ me: { id: string; name: string } }>(
 *   "query { me { id name } }",
 * );
 * console.log(me.name);
 * ```
 */
export class MondayClient {
  #credentials: CredentialProvider;
  // A plain token needs no provider round trip on the hot path.
  #staticAuthorization: string | undefined;
  #apiVersion: string;
  #apiUrl: string;
  #fileUrl: string;
  #schemaUrl: string;
  #clock: Clock;
  #transport: HttpTransport;
  #validator: DocumentValidator | undefined;
  #maxFileSize: number;
  #maxResponseBytes: number;
  #deadlineMs: number | undefined;
  #scheduler: RequestScheduler;
  #onRequest: ((info: RequestInfo) => void) | undefined;
  #onResponse: ((info: ResponseInfo) => void) | undefined;
  #onWarning: (warning: DeprecationWarning) => void;
  #warned = new Set<string>();
  #secrets = new SecretSet();

  /**
   * Makes a client. Nothing is sent until the first request.
   *
   * @param options Credentials, endpoint, version, retries, limits and hooks.
   * @throws {TypeError} When no credentials are given, or a URL is not
   * `https://` (or `http://` to a loopback host).
   * @throws {RangeError} When `apiVersion`, a timeout, `maxConcurrency`,
   * `budgetShare`, `maxFileSize` or `maxResponseBytes` is out of range.
   */
  constructor(options: MondayClientOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Invalid client options: expected an object");
    }
    const credentials = options.credentials ?? options.token;
    if (typeof credentials === "string") {
      const token = credentials;
      if (token.trim() === "") {
        throw new TypeError("Invalid 'token': the API token is empty");
      }
      this.#credentials = { authorization: () => Promise.resolve(token) };
      this.#staticAuthorization = token;
      this.#secrets.pinAuthorization(token);
    } else if (
      typeof credentials === "object" && credentials !== null &&
      typeof credentials.authorization === "function"
    ) {
      this.#credentials = credentials;
    } else {
      throw new TypeError(
        "Invalid client options: 'credentials' (a credential provider or an API token) or 'token' is required",
      );
    }
    this.#apiVersion = checkVersion(
      options.apiVersion ?? DEFAULT_API_VERSION,
      "apiVersion",
    );
    this.#apiUrl = options.apiUrl ?? DEFAULT_API_URL;
    assertSecureUrl(this.#apiUrl, "apiUrl");
    const base = this.#apiUrl.replace(/\/+$/, "");
    this.#fileUrl = options.fileUrl ?? `${base}/file`;
    this.#schemaUrl = options.schemaUrl ?? `${base}/get_schema`;
    assertSecureUrl(this.#fileUrl, "fileUrl");
    assertSecureUrl(this.#schemaUrl, "schemaUrl");
    const maxConcurrency = options.maxConcurrency ?? 40;
    if (
      typeof maxConcurrency !== "number" || !(maxConcurrency >= 1)
    ) {
      throw new RangeError(
        `Invalid 'maxConcurrency': expected a number from 1, got '${
          String(maxConcurrency)
        }'`,
      );
    }
    const budgetShare = options.budgetShare ?? 1;
    if (
      typeof budgetShare !== "number" || !(budgetShare > 0 && budgetShare <= 1)
    ) {
      throw new RangeError(
        `Invalid 'budgetShare': expected a number above 0 and at most 1, got '${
          String(budgetShare)
        }'`,
      );
    }
    this.#maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (typeof this.#maxFileSize !== "number" || !(this.#maxFileSize > 0)) {
      throw new RangeError(
        `Invalid 'maxFileSize': expected a positive number of bytes, got '${
          String(this.#maxFileSize)
        }'`,
      );
    }
    this.#maxResponseBytes = options.maxResponseBytes ??
      DEFAULT_MAX_RESPONSE_BYTES;
    if (
      typeof this.#maxResponseBytes !== "number" ||
      !(this.#maxResponseBytes > 0)
    ) {
      throw new RangeError(
        `Invalid 'maxResponseBytes': expected a positive number of bytes, got '${
          String(this.#maxResponseBytes)
        }'`,
      );
    }
    this.#clock = options.clock ?? systemClock;
    this.#deadlineMs = options.deadlineMs;
    // Waiting for a spent budget is bounded like waiting after a 429.
    const maxWaitMs =
      resolveRetryPolicy(options.retry === false ? undefined : options.retry)
        .maxRetryAfterMs;
    this.#scheduler = new RequestScheduler(this.#clock, {
      maxWaitMs,
      share: budgetShare,
    });
    this.#transport = new HttpTransport({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      clock: this.#clock,
      ...(options.random ? { random: options.random } : {}),
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.deadlineMs !== undefined
        ? { deadlineMs: options.deadlineMs }
        : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      maxConcurrency,
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      secrets: () => this.#secrets.list(),
    });
    this.#validator = options.validate === undefined
      ? undefined
      : new DocumentValidator(options.validate);
    this.#onRequest = options.onRequest;
    this.#onResponse = options.onResponse;
    this.#onWarning = options.onWarning ?? defaultWarning;
  }

  /** The `API-Version` this client sends by default. */
  get apiVersion(): string {
    return this.#apiVersion;
  }

  /** The GraphQL endpoint. */
  get apiUrl(): string {
    return this.#apiUrl;
  }

  /**
   * Runs a query or mutation and returns its `data`.
   *
   * @typeParam TResult The `data` type (inferred from a typed document).
   * @typeParam TVariables The variables type (inferred from a typed document).
   * @param document GraphQL text, a `DocumentNode` or a typed document.
   * @param args The operation's variables (required when its variables type
   * has required fields), then the options: signal, API version, idempotency
   * key, retry switch.
   * @returns The response's `data`.
   * @throws {MondayApiError} A subclass naming what failed (see errors.ts);
   * `error.data` holds partial data.
   * @throws {TypeError} When the document is empty or not a document.
   * @throws {RangeError} When `options.apiVersion` is malformed.
   *
   * @example A typed query with variables
   * ```ts
   * import { MondayClient } from "./client.ts";
   * import { startEmulator } from "../emulator/mod.ts";
   * import assert from "node:assert/strict";
   *
   * await using emulator = await startEmulator();
   * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
   * const data = await client.request<{ boards: { id: string; name: string }[] }, { limit: number }>(
   *   "query Boards($limit: Int) { boards(limit: $limit) { id name } }",
   *   { limit: 2 },
   * );
   * assert.ok(data.boards.length <= 2);
   * ```
   */
  async request<TResult = Record<string, unknown>, TVariables = Variables>(
    document: Document<TResult, TVariables>,
    ...args: RequestArgs<TVariables>
  ): Promise<TResult> {
    const raw = await this.rawRequest<TResult, TVariables>(document, ...args);
    return raw.data as TResult;
  }

  /**
   * Runs a query or mutation and returns everything the response carried:
   * `data`, `errors`, `extensions`, status, headers, request id, rate-limit
   * state, complexity and warnings.
   *
   * @typeParam TResult The `data` type.
   * @typeParam TVariables The variables type.
   * @param document GraphQL text, a `DocumentNode` or a typed document.
   * @param args The operation's variables (required when its variables type
   * has required fields), then the options.
   * @returns The response.
   * @throws {MondayApiError} As {@linkcode MondayClient.request}.
   *
   * @example Read the rate-limit state
   * ```ts
   * import { MondayClient } from "./client.ts";
   * import { startEmulator } from "../emulator/mod.ts";
   *
   * await using emulator = await startEmulator();
   * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
   * const response = await client.rawRequest("query { me { id } }");
   * console.log(response.status, response.requestId, response.rateLimit.remaining);
   * ```
   */
  async rawRequest<TResult = Record<string, unknown>, TVariables = Variables>(
    document: Document<TResult, TVariables>,
    ...args: RequestArgs<TVariables>
  ): Promise<RawResponse<TResult>> {
    const [variables, options = {}] = args as [
      TVariables | undefined,
      RequestOptions | undefined,
    ];
    const resolved = await resolveDocument(
      document as Document<unknown, unknown>,
      options.operationName,
    );
    if (
      variables !== undefined && variables !== null && !isRecord(variables)
    ) {
      throw new TypeError(
        "Invalid 'variables': expected an object of variable values",
      );
    }
    const apiVersion = options.apiVersion === undefined
      ? this.#apiVersion
      : checkVersion(options.apiVersion, "apiVersion");
    if (this.#validator) {
      await this.#validator.validate(resolved.text, resolved.node);
    }
    // An operation we cannot identify is treated as a mutation: safe.
    const kind = resolved.operation?.kind ?? "mutation";
    const isQuery = kind === "query";
    const idempotencyKey = options.idempotencyKey ??
      (isQuery ? undefined : crypto.randomUUID());
    const payload: Record<string, unknown> = { query: resolved.text };
    if (variables !== undefined && variables !== null) {
      payload.variables = variables;
    }
    if (options.operationName !== undefined) {
      payload.operationName = options.operationName;
    }
    const body = JSON.stringify(payload);
    const partial = options.partial === true;
    return await this.#send<RawResponse<TResult>>({
      method: "POST",
      url: this.#apiUrl,
      document: resolved.text,
      costKey: costKey(
        resolved.text,
        variables as Record<string, unknown> | undefined,
      ),
      operation: kind,
      operationName: resolved.operation?.name ?? options.operationName,
      apiVersion,
      idempotencyKey,
      body: () => body,
      contentType: "application/json",
      retry: options.retry !== false &&
        (isQuery || idempotencyKey !== undefined),
      signal: options.signal,
      read: (response, text) =>
        this.#readGraphQL<TResult>(response, text, {
          partial,
          keyed: idempotencyKey !== undefined,
        }),
    });
  }

  /**
   * Yields every item of a board through `items_page` and `next_items_page`;
   * an expired cursor restarts the walk from the filters and skips items
   * already yielded, so each item is seen once.
   *
   * @typeParam TItem The item type (`id` plus the selected fields).
   * @param boardId The board's id.
   * @param options Page size (≤ 500), fields, `queryParams`, signal.
   * @returns An async iterable of items.
   * @throws {TypeError} When `boardId` or `fields` is malformed.
   * @throws {RangeError} When `pageSize` is outside 1..500.
   *
   * @example Walk a board
   * ```ts
   * import { MondayClient } from "./client.ts";
   * import { startEmulator } from "../emulator/mod.ts";
   *
   * await using emulator = await startEmulator({ items: 60 });
   * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
   * const { boards } = await client.request<{ boards: { id: string }[] }>("query { boards(limit: 1) { id } }");
   * const names: string[] = [];
   * for await (const item of client.paginateItems<{ id: string; name: string }>(boards[0]!.id, { fields: "name" })) {
   *   names.push(item.name);
   * }
   * console.log(names.length); // 60
   * ```
   */
  paginateItems<TItem extends Item = Item>(
    boardId: string | number,
    options: PaginateItemsOptions = {},
  ): AsyncGenerator<TItem, void, undefined> {
    return paginateItems<TItem>(this, boardId, {
      ...options,
      now: options.now ?? (() => this.#clock.now()),
    });
  }

  /**
   * Yields every record of `users`, `boards`, `updates` or `audit_logs`,
   * page by page.
   *
   * @typeParam T The record type.
   * @param resource The list to walk.
   * @param options Fields, page size, filters, first page, signal.
   * @returns An async iterable of records.
   * @throws {TypeError} When the resource or a filter is unknown.
   * @throws {RangeError} When `pageSize` or `startPage` is out of range.
   *
   * @example Every board's name
   * ```ts
   * import { MondayClient } from "./client.ts";
   * import { startEmulator } from "../emulator/mod.ts";
   *
   * await using emulator = await startEmulator();
   * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
   * for await (const board of client.paginatePages<{ name: string }>("boards", { fields: "name" })) {
   *   console.log(board.name);
   * }
   * ```
   */
  paginatePages<T = Record<string, unknown>>(
    resource: PagedResource,
    options: PaginatePagesOptions = {},
  ): AsyncGenerator<T, void, undefined> {
    return paginatePages<T>(this, resource, options);
  }

  /**
   * Uploads a file to an item's file column (or to an update) through
   * `/v2/file`. The size is checked before anything is sent.
   *
   * It carries an `Idempotency-Key`, but monday documents idempotency only
   * for mutations on `/v2`, so the upload is retried only where it cannot
   * have run: a connection refused before sending, a 429, a 409 (and a 401
   * once, after a credential refresh). After a timeout, a lost response, a
   * 5xx or an unreadable answer it throws at once and the file may have
   * arrived: read the item's file column (or `assets`) before uploading
   * again.
   *
   * @param options The target (`itemId` and `columnId`, or `updateId`) and
   * the file (Blob, File, bytes, or a path read with `--allow-read`).
   * @returns The asset monday created.
   * @throws {TypeError} When an id or the file is missing or malformed.
   * @throws {RangeError} When the file is larger than `maxFileSize`.
   * @throws {MondayApiError} When monday refuses the upload.
   * @throws {NetworkError} When no answer arrived (`beforeSend` says whether
   * the request certainly never left).
   * @throws {RequestTimeoutError} When the upload timed out; the file may have
   * arrived.
   *
   * @example Attach a text file
   * ```ts
   * import { MondayClient } from "./client.ts";
   * import { startEmulator } from "../emulator/mod.ts";
   *
   * await using emulator = await startEmulator({ items: 3 });
   * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
   * const { boards } = await client.request<{ boards: { items_page: { items: { id: string }[] } }[] }>(
   *   "query { boards(limit: 1) { items_page(limit: 1) { items { id } } } }",
   * );
   * const asset = await client.uploadFile({
   *   itemId: boards[0]!.items_page.items[0]!.id,
   *   columnId: "files",
   *   file: new File(["hello"], "hello.txt", { type: "text/plain" }),
   * });
   * console.log(asset.name, asset.file_size);
   * ```
   */
  async uploadFile(options: UploadFileOptions): Promise<Asset> {
    const prepared = await prepareUpload(options, this.#maxFileSize);
    const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
    const raw = await this.#send<RawResponse<Record<string, Asset>>>({
      method: "POST",
      url: this.#fileUrl,
      document: prepared.query,
      operation: "upload",
      operationName: undefined,
      apiVersion: this.#apiVersion,
      idempotencyKey,
      body: () => {
        const form = new FormData();
        form.append("query", prepared.query);
        form.append("variables[file]", prepared.blob, prepared.fileName);
        return form;
      },
      contentType: undefined,
      retry: options.retry !== false,
      retryIf: uploadMayRetry,
      signal: options.signal,
      read: (response, text) =>
        this.#readGraphQL<Record<string, Asset>>(response, text, {
          partial: false,
          keyed: true,
        }),
    });
    const asset = raw.data?.[prepared.field];
    if (!asset) {
      throw new ServerError(
        `Cannot upload the file: the response has no '${prepared.field}'`,
        { status: raw.status, requestId: raw.requestId },
      );
    }
    return asset;
  }

  /**
   * Fetches the API's schema from `get_schema`: SDL text, or the
   * introspection result as JSON.
   *
   * @param options The version (default: the client's), the format, a signal.
   * @returns SDL text, or the introspection object for `format: "json"`.
   * @throws {RangeError} When `version` is malformed.
   * @throws {MondayApiError} When the call fails.
   *
   * @example Fetch and inspect the SDL
   * ```ts
   * import { MondayClient } from "./client.ts";
   * import { startEmulator } from "../emulator/mod.ts";
   * import assert from "node:assert/strict";
   *
   * await using emulator = await startEmulator();
   * const client = new MondayClient({ token: emulator.credentials.apiToken, apiUrl: emulator.apiUrl });
   * const sdl = await client.fetchSchema();
   * assert.match(sdl, /type Query/);
   * ```
   */
  fetchSchema(
    options?: FetchSchemaOptions & { format?: "sdl" },
  ): Promise<string>;
  /**
   * Fetches the introspection result.
   *
   * @param options The version, `format: "json"`, a signal.
   * @returns The introspection object.
   */
  fetchSchema(
    options: FetchSchemaOptions & { format: "json" },
  ): Promise<IntrospectionResult>;
  /**
   * Fetches the schema in either format.
   *
   * @param options The version, the format, a signal.
   * @returns SDL text or the introspection object.
   */
  fetchSchema(
    options?: FetchSchemaOptions,
  ): Promise<string | IntrospectionResult>;
  async fetchSchema(
    options: FetchSchemaOptions = {},
  ): Promise<string | IntrospectionResult> {
    const version = checkVersion(
      options.version ?? this.#apiVersion,
      "version",
    );
    const format = options.format ?? "sdl";
    if (format !== "sdl" && format !== "json") {
      throw new TypeError(
        `Invalid 'format': expected 'sdl' or 'json', got '${String(format)}'`,
      );
    }
    return await this.#send<string | IntrospectionResult>({
      method: "GET",
      url: schemaRequestUrl(this.#schemaUrl, version, format),
      operation: "schema",
      operationName: undefined,
      apiVersion: version,
      idempotencyKey: undefined,
      body: undefined,
      contentType: undefined,
      retry: true,
      signal: options.signal,
      read: (response, text) =>
        readSchemaResponse(
          response,
          text,
          format,
          (r, body, t) => this.#classify(r, body, t),
        ),
    });
  }

  /** Classifies a response (status and body) into an error, or undefined when it succeeded. */
  #classify(
    response: Response,
    body: unknown,
    text: string,
    keyed = false,
  ): MondayApiError | undefined {
    return classifyResponse({
      keyed,
      status: response.status,
      headers: response.headers,
      body,
      text,
      nowMs: this.#clock.now(),
      redact: (t) => this.#secrets.redact(t),
    });
  }

  #readGraphQL<TResult>(
    response: Response,
    text: string,
    how: { partial: boolean; keyed: boolean },
  ): RawResponse<TResult> | MondayApiError {
    return readGraphQLResponse<TResult>(response, text, {
      partial: how.partial,
      classify: (r, body, t) => this.#classify(r, body, t, how.keyed),
      warn: (warnings) => this.#warn(warnings),
    });
  }

  /** Passes each distinct deprecation warning to `onWarning` once. */
  #warn(warnings: readonly DeprecationWarning[]): void {
    for (const warning of warnings) {
      if (this.#warned.has(warning.message)) continue;
      this.#warned.add(warning.message);
      try {
        this.#onWarning(warning);
      } catch {
        // a hook must not break requests
      }
    }
  }

  async #send<T>(spec: SendSpec<T>): Promise<T> {
    const refresh = new RefreshOnce(this.#credentials, spec.retry);
    const deadlineAt = this.#deadlineMs === undefined
      ? undefined
      : this.#clock.now() + this.#deadlineMs;
    let lastAuthorization = "";
    let ticket: Ticket | undefined;
    const admission: AdmitRequest = {
      key: spec.costKey,
      document: spec.document,
      signal: spec.signal,
      deadlineAt,
    };
    const build = async (attempt: number): Promise<HttpRequestSpec> => {
      // An attempt that ended without a response frees its slot here.
      if (ticket) this.#scheduler.settle(ticket);
      const admitted = this.#scheduler.admit(admission);
      ticket = admitted instanceof Promise ? await admitted : admitted;
      const authorization = this.#staticAuthorization ??
        await this.#credentials.authorization(
          spec.signal ? { signal: spec.signal } : {},
        );
      if (typeof authorization !== "string" || authorization === "") {
        throw new TypeError(
          "Invalid credentials: the provider returned an empty authorization",
        );
      }
      lastAuthorization = authorization;
      // A static token is pinned already; a provider's may change.
      if (authorization !== this.#staticAuthorization) {
        this.#secrets.learnAuthorization(authorization);
      }
      const headers: Record<string, string> = {
        "authorization": authorization,
        "api-version": spec.apiVersion,
        "accept": "application/json",
      };
      if (spec.contentType) headers["content-type"] = spec.contentType;
      if (spec.idempotencyKey) {
        headers["idempotency-key"] = spec.idempotencyKey;
      }
      if (this.#onRequest) {
        try {
          this.#onRequest({
            method: spec.method,
            url: spec.url,
            attempt,
            operation: spec.operation,
            operationName: spec.operationName,
            idempotencyKey: spec.idempotencyKey,
            apiVersion: spec.apiVersion,
          });
        } catch {
          // a hook must not break requests
        }
      }
      return {
        url: spec.url,
        method: spec.method,
        headers,
        ...(spec.body ? { body: spec.body() } : {}),
      };
    };
    let attemptNo = 0;
    const interpret = async (response: Response): Promise<T> => {
      attemptNo++;
      const text = await readBodyText(response, {
        maxBytes: this.#maxResponseBytes,
      });
      const result = spec.read(response, text);
      const error = result instanceof Error ? result : undefined;
      if (ticket) {
        this.#scheduler.settle(ticket, {
          rateLimit: response.headers.get("ratelimit"),
          headers: response.headers,
          complexity: error
            ? undefined
            : (result as { complexity?: ComplexityInfo }).complexity,
          error,
        });
      }
      if (this.#onResponse) {
        try {
          this.#onResponse({
            url: spec.url,
            attempt: attemptNo,
            status: response.status,
            requestId: error?.requestId ??
              (result as { requestId?: string }).requestId ??
              requestIdOfResponse(undefined, response.headers),
            rateLimit: rateLimitOf(response.headers),
            error,
          });
        } catch {
          // a hook must not break requests
        }
      }
      if (!error) return result as T;
      throw refresh.afterError(error, response.status, lastAuthorization);
    };
    try {
      return await this.#transport.send(build, interpret, {
        ...(spec.signal ? { signal: spec.signal } : {}),
        ...(spec.retryIf ? { retryIf: spec.retryIf } : {}),
        retry: spec.retry,
      });
    } catch (error) {
      throw finalError(error);
    } finally {
      if (ticket) this.#scheduler.settle(ticket);
    }
  }
}
