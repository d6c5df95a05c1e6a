// A server that answers every GraphQL request at once with a canned body and
// monday's headers, for the client-overhead benchmark: with no server work to
// wait for, what is left is the client's own CPU per request.
//
// Usage: deno run --allow-net=127.0.0.1 bench/_instant_server.ts
// Prints one JSON line `{"apiUrl": ...}` when listening; exits when stdin
// closes.

/** The canned answers: a `me` query and a 50-item page. */
const ME = JSON.stringify({
  data: { me: { id: "1", name: "Ada Lovelace", email: "ada@example.com" } },
  extensions: { request_id: "00000000-0000-4000-a000-000000000000" },
});
const ITEMS = JSON.stringify({
  data: {
    boards: [{
      items_page: {
        cursor: "MSw1MDAsW10sbnVsbCw1MA",
        items: Array.from({ length: 50 }, (_, i) => ({
          id: String(1_000_000 + i),
          name: `Item ${i + 1}`,
        })),
      },
    }],
  },
  extensions: { request_id: "00000000-0000-4000-a000-000000000001" },
});
/** What monday sends on every answer (figures from its documentation). */
const HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "api-version": "2026-10",
  "ratelimit-policy":
    '"minuteRate";q=5000;w=60, "concurrency";q=250;qu="concurrent-requests", "complexityMinute";q=10000000;w=60',
  "ratelimit":
    '"minuteRate";r=4999;t=60, "concurrency";r=249, "complexityMinute";r=9999000;t=60',
};

const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => {
    console.log(JSON.stringify({ apiUrl: `http://127.0.0.1:${port}/v2` }));
  },
}, async (request) => {
  const text = await request.text();
  return new Response(text.includes("items_page") ? ITEMS : ME, {
    headers: HEADERS,
  });
});

// Stop when the parent closes stdin.
for await (const _ of Deno.stdin.readable) {
  // nothing is sent on stdin
}
await server.shutdown();
