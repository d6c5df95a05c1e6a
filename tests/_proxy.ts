/**
 * A test-only forward proxy on 127.0.0.1: absolute-form requests for
 * `http://` targets and `CONNECT` tunnels for `https://` ones. It records
 * each request line and whether a `Proxy-Authorization` header arrived, and
 * with credentials demands Basic auth (407 otherwise).
 *
 * @module
 */

/** One request the proxy received. */
export interface ProxiedRequest {
  /** The request line, e.g. `CONNECT localhost:4443 HTTP/1.1`. */
  line: string;
  /** Whether a `Proxy-Authorization` header came with it. */
  authorized: boolean;
  /** Whether it carried the expected credentials (always true without any). */
  accepted: boolean;
}

/** A running proxy. */
export interface TestProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The port. */
  port: number;
  /** What arrived so far, in order. */
  requests: ProxiedRequest[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Options of {@linkcode startProxy}. */
export interface StartProxyOptions {
  /** Required Basic credentials. */
  username?: string;
  /** Required Basic credentials. */
  password?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function readHead(
  conn: Deno.Conn,
): Promise<{ head: string; rest: Uint8Array } | null> {
  let data = new Uint8Array(0);
  const buf = new Uint8Array(8192);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) return null;
    const next = new Uint8Array(data.length + n);
    next.set(data);
    next.set(buf.subarray(0, n), data.length);
    data = next;
    for (let i = 0; i + 3 < data.length; i++) {
      if (
        data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 &&
        data[i + 3] === 10
      ) {
        return {
          head: decoder.decode(data.subarray(0, i)),
          rest: data.subarray(i + 4),
        };
      }
    }
    if (data.length > 65536) return null;
  }
}

async function pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(16384);
  try {
    for (;;) {
      const n = await from.read(buf);
      if (n === null) return;
      let written = 0;
      while (written < n) {
        written += await to.write(buf.subarray(written, n));
      }
    }
  } catch {
    // either side went away
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/**
 * Starts the proxy on an ephemeral loopback port.
 *
 * @param options Credentials to require.
 * @returns The running proxy.
 */
export function startProxy(options: StartProxyOptions = {}): TestProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const requests: ProxiedRequest[] = [];
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const expected = options.username === undefined
    ? undefined
    : `Basic ${btoa(`${options.username}:${options.password ?? ""}`)}`;

  async function handle(client: Deno.Conn): Promise<void> {
    let upstream: Deno.Conn | undefined;
    try {
      const read = await readHead(client);
      if (read === null) return;
      const [line = "", ...headerLines] = read.head.split("\r\n");
      const auth = headerLines.find((h) =>
        h.toLowerCase().startsWith("proxy-authorization:")
      );
      const given = auth?.slice(auth.indexOf(":") + 1).trim();
      const accepted = expected === undefined || given === expected;
      requests.push({ line, authorized: auth !== undefined, accepted });
      if (!accepted) {
        await client.write(encoder.encode(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        ));
        return;
      }
      const [method = "", target = ""] = line.split(" ");
      if (method === "CONNECT") {
        const [host, portText] = target.split(":");
        upstream = await Deno.connect({
          hostname: host === "localhost" ? "127.0.0.1" : host!,
          port: Number(portText),
        });
        conns.add(upstream);
        await client.write(
          encoder.encode("HTTP/1.1 200 Connection Established\r\n\r\n"),
        );
        if (read.rest.length > 0) await upstream.write(read.rest);
      } else {
        const url = new URL(target);
        upstream = await Deno.connect({
          hostname: url.hostname === "localhost" ? "127.0.0.1" : url.hostname,
          port: Number(url.port || 80),
        });
        conns.add(upstream);
        const headers = headerLines.filter((h) => {
          const name = h.slice(0, h.indexOf(":")).trim().toLowerCase();
          return name !== "proxy-authorization" &&
            name !== "proxy-connection" && name !== "connection" &&
            name !== "keep-alive";
        });
        const head = [
          `${method} ${url.pathname}${url.search} HTTP/1.1`,
          ...headers,
          "Connection: close",
          "",
          "",
        ].join("\r\n");
        await upstream.write(encoder.encode(head));
        if (read.rest.length > 0) await upstream.write(read.rest);
      }
      const up = upstream;
      await Promise.race([pump(client, up), pump(up, client)]);
    } catch {
      // a test's connection went away; the test asserts what it observed
    } finally {
      if (upstream) {
        closeQuietly(upstream);
        conns.delete(upstream);
      }
      closeQuietly(client);
      conns.delete(client);
    }
  }

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const task = handle(conn);
        tasks.add(task);
        void task.finally(() => tasks.delete(task));
      }
    } catch {
      // listener closed
    }
  })();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      try {
        listener.close();
      } catch {
        // already closed
      }
      for (const conn of conns) closeQuietly(conn);
      await accepting;
      await Promise.allSettled([...tasks]);
    })();
    return closed;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
