/**
 * Types shared by the GraphQL client: typed documents, raw responses,
 * credential providers and the hooks' event shapes.
 *
 * @module
 */

/**
 * The smallest shape of a parsed GraphQL document (graphql-js's `DocumentNode`)
 * that the client needs. Any `DocumentNode` from the `graphql` package, from
 * `graphql-tag` or from graphql-codegen fits it.
 */
export interface DocumentNodeLike {
  /** Always `"Document"`. */
  readonly kind: string;
  /** The document's definitions (operations and fragments). */
  readonly definitions: readonly unknown[];
  /** Where the document was parsed from, when it was parsed from text. */
  readonly loc?: { readonly source?: { readonly body: string } } | undefined;
}

/**
 * A GraphQL document that carries its result and variables types, the shape
 * `@graphql-typed-document-node/core` defines and graphql-codegen emits. The
 * `__apiType` property exists only for the type checker.
 *
 * @typeParam TResult The `data` the operation returns.
 * @typeParam TVariables The operation's variables.
 */
export interface TypedDocumentNode<
  TResult = Record<string, unknown>,
  TVariables = Record<string, unknown>,
> extends DocumentNodeLike {
  /** Phantom member that carries the types; never set at run time. */
  __apiType?: (variables: TVariables) => TResult;
}

/**
 * A string document that carries its types, the shape of graphql-codegen's
 * `TypedDocumentString` (a `String` subclass).
 *
 * @typeParam TResult The `data` the operation returns.
 * @typeParam TVariables The operation's variables.
 */
export interface TypedDocumentString<
  TResult = Record<string, unknown>,
  TVariables = Record<string, unknown>,
> extends String {
  /** Phantom member that carries the types; never set at run time. */
  __apiType?: (variables: TVariables) => TResult;
}

/**
 * Anything the client accepts as a document: GraphQL source text, a parsed
 * (possibly typed) document node, or a typed document string.
 *
 * @typeParam TResult The `data` the operation returns.
 * @typeParam TVariables The operation's variables.
 */
export type Document<TResult, TVariables> =
  | string
  | TypedDocumentNode<TResult, TVariables>
  | TypedDocumentString<TResult, TVariables>;

/** Variables of a GraphQL operation: a JSON object. */
export type Variables = Record<string, unknown>;

/**
 * Where an error or warning points in the document (1-based).
 */
export interface SourceLocation {
  /** Line, from 1. */
  line: number;
  /** Column, from 1. */
  column: number;
}

/** One entry of a GraphQL response's `errors` array, as monday sends it. */
export interface GraphQLErrorEntry {
  /** Human-readable text. */
  message: string;
  /** Where in the document the error is. */
  locations?: SourceLocation[];
  /** The response path of the field that failed. */
  path?: (string | number)[];
  /** monday's details: `code`, `error_data`, `status_code`, `retry_in_seconds`... */
  extensions?: Record<string, unknown>;
}

/** A deprecation warning from `extensions.warnings`. */
export interface DeprecationWarning {
  /** What is deprecated and what to use instead. */
  message: string;
  /** Where in the document. */
  locations?: SourceLocation[];
  /** The response path. */
  path?: (string | number)[];
  /** Anything else monday sent with the warning. */
  extensions?: Record<string, unknown>;
}

/** One limit of the `RateLimit-Policy` header. */
export interface RateLimitPolicy {
  /** The limit's name, e.g. `minuteRate`, `concurrency`, `complexityMinute`. */
  name: string;
  /** Its quota. */
  quota: number;
  /** Its window in seconds, when it has one. */
  windowSeconds?: number;
}

/** One budget of the `RateLimit` header. */
export interface RateLimitRemaining {
  /** The limit's name, e.g. `minuteRate`. */
  name: string;
  /** What is left of it. */
  remaining: number;
  /** Seconds until it resets, when sent. */
  resetSeconds?: number;
}

/** The rate-limit state a response reported in its headers. */
export interface RateLimitInfo {
  /** From `RateLimit-Policy`. */
  policy: RateLimitPolicy[];
  /** From `RateLimit`. */
  remaining: RateLimitRemaining[];
}

/** The complexity figures a response reported, when it did. */
export interface ComplexityInfo {
  /** Budget before the call. */
  before?: number;
  /** Budget after the call. */
  after?: number;
  /** What the call cost. */
  query?: number;
  /** Seconds until the budget resets. */
  resetInSeconds?: number;
}

/**
 * Everything a GraphQL response carried, as `MondayClient.rawRequest` returns it.
 *
 * @typeParam TResult The `data` the operation returns.
 */
export interface RawResponse<TResult = Record<string, unknown>> {
  /** The `data` member (may be partial, or `null`, when `errors` is not empty). */
  data: TResult | null;
  /** The `errors` member; empty when there were none. */
  errors: GraphQLErrorEntry[];
  /** The `extensions` member; `{}` when absent. */
  extensions: Record<string, unknown>;
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** `extensions.request_id` (or a request-id header), quote it to monday's support. */
  requestId: string | undefined;
  /** The `RateLimit-Policy` and `RateLimit` headers, parsed. */
  rateLimit: RateLimitInfo;
  /** Complexity figures from `data.complexity` or `extensions.complexity`. */
  complexity: ComplexityInfo | undefined;
  /** Deprecation warnings from `extensions.warnings`. */
  warnings: DeprecationWarning[];
  /** `true` when monday replayed a cached response for the `Idempotency-Key`. */
  replayed: boolean;
}

export type {
  AuthorizationOptions,
  CredentialProvider,
} from "../_http/credentials.ts";

/** What `onRequest` receives before each attempt is sent. */
export interface RequestInfo {
  /** `POST` or `GET`. */
  method: string;
  /** The endpoint. */
  url: string;
  /** 1 for the first attempt, 2 for the first retry... */
  attempt: number;
  /** `query`, `mutation`, `subscription`, `upload` or `schema`. */
  operation: string;
  /** The operation's name, when it has one. */
  operationName: string | undefined;
  /** The `Idempotency-Key` sent, for mutations. */
  idempotencyKey: string | undefined;
  /** The `API-Version` sent. */
  apiVersion: string;
}

/** What `onResponse` receives after each attempt's response arrived. */
export interface ResponseInfo {
  /** The endpoint. */
  url: string;
  /** The attempt this answers. */
  attempt: number;
  /** The HTTP status. */
  status: number;
  /** monday's request id, when sent. */
  requestId: string | undefined;
  /** The rate-limit headers, parsed. */
  rateLimit: RateLimitInfo;
  /** The error this response was classified as, if any. */
  error: Error | undefined;
}

/**
 * A built schema: graphql-js's `GraphQLSchema`, described by the two methods
 * the client relies on so that the `graphql` package is not needed to type it.
 */
export interface SchemaLike {
  /** The root query type. */
  getQueryType(): unknown;
  /** Every named type. */
  getTypeMap(): unknown;
}

/** The per-call options a {@linkcode GraphQLRequester} must accept. */
export interface RequesterOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
  /** The `API-Version` for this call. */
  apiVersion?: string;
}

/**
 * What pagination and the audit log's GraphQL source need from a client: one
 * method that runs a GraphQL document with variables and returns its `data`.
 * `MondayClient` is one; so is any wrapper with the same method, which keeps
 * those walkers free of the client class.
 */
export interface GraphQLRequester {
  /**
   * Runs `document` with `variables` and returns the response's `data`.
   *
   * @typeParam TResult The `data` type.
   * @param document GraphQL text.
   * @param variables The operation's variables.
   * @param options The signal and the API version.
   * @returns The response's `data`.
   */
  request<TResult>(
    document: string,
    variables?: Variables,
    options?: RequesterOptions,
  ): Promise<TResult>;
}
