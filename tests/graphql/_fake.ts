// Test helpers: a scripted fetch that records what the client sent.

export interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  at: number;
}

export type Reply =
  | Response
  | Error
  | ((
    request: Request,
    sent: Sent,
    signal: AbortSignal | undefined,
  ) => Response | Promise<Response>);

export interface ScriptedFetch {
  fetch: typeof fetch;
  sent: Sent[];
}

/**
 * A fetch answering with `replies` in order (the last one repeats).
 * `now` stamps each request with the (fake) time it was sent.
 */
export function scriptedFetch(
  replies: Reply[],
  now: () => number = () => 0,
): ScriptedFetch {
  const sent: Sent[] = [];
  let i = 0;
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const body = request.method === "GET" ? "" : await request.text();
    const record: Sent = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body,
      at: now(),
    };
    sent.push(record);
    const reply = replies[Math.min(i++, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    if (typeof reply === "function") {
      return await reply(request, record, init?.signal ?? undefined);
    }
    return reply.clone();
  };
  return { fetch: fetchFn as typeof fetch, sent };
}

/** A JSON response. */
export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
