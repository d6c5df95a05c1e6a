// Internal: what a user hands back after consenting: a bare code, a query
// string, or the whole redirect URL with `code`, `state` or `error`.

/** The parts of a callback. */
export interface CallbackInput {
  /** Whether the input was a URL or query (so it must carry a state). */
  fromUrl: boolean;
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

/** Parses a code or redirect URL; throws TypeError when it is neither. */
export function parseCallbackInput(input: string): CallbackInput {
  if (typeof input !== "string" || input.trim() === "") {
    throw new TypeError(
      "Cannot exchange code: expected the code or the redirect URL",
    );
  }
  const text = input.trim();
  let params: URLSearchParams | undefined;
  if (/^https?:\/\//i.test(text)) {
    try {
      params = new URL(text).searchParams;
    } catch {
      throw new TypeError(
        "Cannot exchange code: the redirect URL is malformed",
      );
    }
  } else if (text.startsWith("?") || /(^|&)(code|error|state)=/.test(text)) {
    params = new URLSearchParams(text.replace(/^\?/, ""));
  }
  if (params === undefined) {
    if (/\s/.test(text)) {
      throw new TypeError(
        "Cannot exchange code: the code contains whitespace",
      );
    }
    return { fromUrl: false, code: text };
  }
  const out: CallbackInput = { fromUrl: true };
  const code = params.get("code");
  const state = params.get("state");
  const error = params.get("error");
  const description = params.get("error_description");
  if (code) out.code = code;
  if (state !== null) out.state = state;
  if (error) out.error = error.slice(0, 100);
  if (description) out.errorDescription = description.slice(0, 300);
  return out;
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
