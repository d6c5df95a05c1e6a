/**
 * Exit codes and error classification for the `mondaykit` command line.
 *
 * @module
 */

/** The process exit codes the CLI documents. */
export const EXIT: {
  readonly ok: 0;
  readonly failure: 1;
  readonly usage: 2;
  readonly auth: 3;
  readonly limit: 4;
  readonly interrupted: 130;
} = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  limit: 4,
  interrupted: 130,
} as const;

/** A bad invocation: unknown command or flag, missing or malformed value. Exit code 2. */
export class UsageError extends Error {
  /** The command whose usage to point at, e.g. `"items export"`. */
  readonly command: string | undefined;
  /**
   * Creates a usage error.
   *
   * @param message What is wrong, in sentence case.
   * @param command The command the user ran, for the help hint.
   */
  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/** A command failed for a reason the CLI itself found (not a library error). Exit code 1 unless given. */
export class CommandError extends Error {
  /** The machine-readable code shown under `--json`. */
  readonly code: string;
  /** The process exit code. */
  readonly exitCode: number;
  /**
   * Creates a command error.
   *
   * @param message What went wrong.
   * @param options The code and exit code.
   */
  constructor(
    message: string,
    options: { code?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "CommandError";
    this.code = options.code ?? "failed";
    this.exitCode = options.exitCode ?? EXIT.failure;
  }
}

/** What the CLI reports for an error: its exit code and `--json` code. */
export interface Classified {
  /** The process exit code. */
  exitCode: number;
  /** The machine-readable code, e.g. `"usage"` or the API's own code. */
  code: string;
  /** The message to show. */
  message: string;
}

const AUTH_NAME =
  /auth|unauthori[sz]ed|oauth|login|credential|token(expired|revoked|missing)|forbidden|permission|accessdenied|settingsdecrypt/i;
const LIMIT_NAME =
  /ratelimit|complexity|dailylimit|concurrency|fieldlimit|iprate/i;
const AUTH_CODE =
  /^(unauthori[sz]ed|user_?unauthori[sz]ed(exception)?|oauth21_token_required|user_access_denied|missingrequiredpermissions|invalid_grant|invalid_client|unauthorized_client|invalid_scope|access_denied|login_required|not_logged_in)$/i;
const LIMIT_CODE =
  /^(complexity.*|rate.?limit.*|maxconcurrencyexceeded|ip_rate_limit_exceeded|daily_limit_exceeded|field_limit_exceeded)$/i;

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === "AbortError") return true;
  if (error instanceof DOMException && error.name === "AbortError") return true;
  return error.cause !== undefined && error.cause !== error &&
    isAbort(error.cause);
}

/**
 * Maps any thrown value to an exit code, a `--json` code and a message.
 *
 * @param error The thrown value.
 * @param signal The run's signal: when aborted, the result is "interrupted".
 * @returns The classification.
 */
export function classifyError(
  error: unknown,
  signal?: AbortSignal,
): Classified {
  if (isAbort(error, signal)) {
    return {
      exitCode: EXIT.interrupted,
      code: "interrupted",
      message: "Interrupted",
    };
  }
  if (!(error instanceof Error)) {
    return { exitCode: EXIT.failure, code: "error", message: String(error) };
  }
  const message = error.message || error.name;
  if (error instanceof UsageError) {
    return { exitCode: EXIT.usage, code: "usage", message };
  }
  if (error instanceof CommandError) {
    return { exitCode: error.exitCode, code: error.code, message };
  }
  const record = error as Error & {
    code?: unknown;
    status?: unknown;
  };
  const code = typeof record.code === "string" ? record.code : undefined;
  const status = typeof record.status === "number" ? record.status : undefined;
  if (
    (code !== undefined && LIMIT_CODE.test(code)) ||
    LIMIT_NAME.test(error.name) ||
    status === 429
  ) {
    return { exitCode: EXIT.limit, code: code ?? "rate_limited", message };
  }
  if (
    error.name === "OAuthError" &&
    (status === undefined || status >= 500 ||
      code === "invalid_response" || code === "server_error" ||
      code === "temporarily_unavailable")
  ) {
    // The OAuth server failed (after retries); the login itself was not refused.
    return { exitCode: EXIT.failure, code: code ?? "oauth_failed", message };
  }
  if (
    (code !== undefined && AUTH_CODE.test(code)) ||
    AUTH_NAME.test(error.name) ||
    status === 401 || status === 403
  ) {
    return { exitCode: EXIT.auth, code: code ?? "auth", message };
  }
  if (
    error.name === "TypeError" || error.name === "RangeError" ||
    error.name === "SyntaxError"
  ) {
    // The library throws these for bad arguments, which here come from the command line.
    return { exitCode: EXIT.usage, code: "invalid_argument", message };
  }
  return {
    exitCode: EXIT.failure,
    code: code ?? errorCodeFromName(error.name),
    message,
  };
}

function errorCodeFromName(name: string): string {
  const snake = name.replace(/Error$/, "").replace(
    /([a-z0-9])([A-Z])/g,
    "$1_$2",
  )
    .toLowerCase();
  return snake === "" ? "error" : snake;
}
