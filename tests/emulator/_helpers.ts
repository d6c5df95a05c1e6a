import type { Emulator } from "../../emulator/mod.ts";

/** What a test sees of one HTTP answer. */
export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
  text: string;
}

/** POSTs a GraphQL document to the emulator and reads the whole answer. */
export async function gql(
  emulator: Emulator,
  query: string,
  options: {
    variables?: Record<string, unknown>;
    token?: string | null;
    headers?: Record<string, string>;
    url?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    ...options.headers,
  };
  const token = options.token === undefined
    ? emulator.credentials.apiToken
    : options.token;
  if (token !== null) headers.Authorization = token;
  const response = await fetch(options.url ?? emulator.apiUrl, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** The id of the first (big) board. */
export async function firstBoardId(emulator: Emulator): Promise<string> {
  const answer = await gql(emulator, "{ boards(limit: 1) { id } }");
  return answer.body.data.boards[0].id;
}
