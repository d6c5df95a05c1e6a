/**
 * mondaykit's GraphQL client for monday.com: {@linkcode MondayClient} sends
 * typed requests pinned to an `API-Version`, throws a
 * {@linkcode MondayApiError} subclass for each failure monday reports (in its
 * current and legacy shapes), retries what is safe to retry (mutations only
 * under an `Idempotency-Key` it adds itself), throttles itself from the
 * `RateLimit` headers, and walks items, users, boards, updates and audit logs.
 * It uses only web APIs (`fetch`, `FormData`, `crypto.randomUUID`), so it runs
 * on Deno, Node.js 20+ and Deno Deploy.
 *
 * Permissions: `--allow-net` to the API host, `--allow-read` to upload a file
 * from a path.
 *
 * @example Query, paginate and handle errors
 * ```ts
 * import { MondayClient, RateLimitError } from "./mod.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 *
 * await using emulator = await startEmulator({ items: 50 });
 * const client = new MondayClient({
 *   token: emulator.credentials.apiToken, // or credentials: a provider from auth/
 *   apiUrl: emulator.apiUrl,              // omit for https://api.monday.com/v2
 * });
 * try {
 *   const { boards } = await client.request<{ boards: { id: string }[] }>("query { boards(limit: 1) { id } }");
 *   let n = 0;
 *   for await (const _item of client.paginateItems(boards[0]!.id)) n++;
 *   console.log(`${n} items`);
 * } catch (error) {
 *   if (error instanceof RateLimitError) console.log(`retry in ${error.retryAfterMs} ms`);
 *   else throw error;
 * }
 * ```
 *
 * @module
 */

export { CURSOR_LIFETIME_MS, isCursorExpiry } from "./cursor_expiry.ts";
export { DEFAULT_API_URL } from "../_common/endpoints.ts";
export {
  DEFAULT_API_VERSION,
  MondayClient,
  type MondayClientOptions,
  type RequestArgs,
  type RequestOptions,
} from "./client.ts";
export {
  AuthenticationError,
  ComplexityBudgetError,
  type ComplexityBudgetErrorOptions,
  ConcurrencyLimitError,
  ConflictError,
  CursorExpiredError,
  DailyLimitError,
  type DataValidationDetail,
  DataValidationError,
  type DataValidationErrorOptions,
  FieldLimitError,
  type FieldLimitErrorOptions,
  GraphQLValidationError,
  InvalidVersionError,
  IpRateLimitError,
  MondayApiError,
  type MondayApiErrorOptions,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "./errors.ts";
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  NetworkError,
  type NetworkErrorOptions,
  RedirectError,
  RequestTimeoutError,
  type RequestTimeoutErrorOptions,
  ResponseTooLargeError,
} from "../_http/mod.ts";
export {
  type Item,
  paginateItems,
  type PaginateItemsOptions,
} from "./paginate_items.ts";
export {
  type PagedResource,
  paginatePages,
  type PaginatePagesOptions,
} from "./paginate_pages.ts";
export {
  type Asset,
  DEFAULT_MAX_FILE_SIZE,
  type UploadFileCommonOptions,
  type UploadFileOptions,
  type UploadSource,
  type UploadToColumnOptions,
  type UploadToUpdateOptions,
} from "./upload_file.ts";
export type {
  FetchSchemaOptions,
  IntrospectionResult,
} from "./fetch_schema.ts";
export type {
  AuthorizationOptions,
  ComplexityInfo,
  CredentialProvider,
  DeprecationWarning,
  Document,
  DocumentNodeLike,
  GraphQLErrorEntry,
  GraphQLRequester,
  RateLimitInfo,
  RateLimitPolicy,
  RateLimitRemaining,
  RawResponse,
  RequesterOptions,
  RequestInfo,
  ResponseInfo,
  SchemaLike,
  SourceLocation,
  TypedDocumentNode,
  TypedDocumentString,
  Variables,
} from "./types.ts";
export type { Clock, HttpEvent, RetryPolicy } from "../_http/mod.ts";
