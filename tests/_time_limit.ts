/**
 * A time limit for tests that loop (pagination, follow mode, crash loops,
 * subprocesses): a test that runs over its limit fails at once with its name
 * and the limit, instead of hanging the suite until CI's own limit.
 *
 * `deno test` has no per-test timeout, so the test's body is raced against a
 * timer; the body also gets an `AbortSignal` that fires at the limit, so a
 * loop that checks it (or passes it to fetch or the clients) stops too.
 *
 * @module
 */

/** The default limit: 60 s, some twenty times the slowest test's usual time. */
export const DEFAULT_TEST_TIME_LIMIT_MS = 60_000;

/**
 * Wraps a test function with a time limit.
 *
 * @param limitMs The limit in milliseconds.
 * @param fn The test body; its second argument aborts at the limit.
 * @returns A function for `Deno.test`.
 */
export function withTimeLimit(
  limitMs: number,
  fn: (t: Deno.TestContext, signal: AbortSignal) => Promise<void> | void,
): (t: Deno.TestContext) => Promise<void> {
  return async (t) => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new Error(
          `Test '${t.name}' ran over its time limit of ${limitMs} ms`,
        );
        controller.abort(error);
        reject(error);
      }, limitMs);
    });
    try {
      await Promise.race([
        Promise.resolve().then(() => fn(t, controller.signal)),
        overrun,
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A test definition, with or without its function. */
export type TimedTestDefinition =
  | Deno.TestDefinition
  | Omit<Deno.TestDefinition, "fn">;

/**
 * `Deno.test` with a time limit, in `Deno.test`'s usual forms: a name and a
 * function, a definition object (whose `fn` is wrapped), or a definition
 * without `fn` and the function after it.
 *
 * @param nameOrDefinition The test's name, or its definition.
 * @param fn The test body, where the definition does not hold it.
 * @param limitMs The limit.
 */
export function timedTest(
  nameOrDefinition: string | TimedTestDefinition,
  fn?: (t: Deno.TestContext, signal: AbortSignal) => Promise<void> | void,
  limitMs: number = DEFAULT_TEST_TIME_LIMIT_MS,
): void {
  if (typeof nameOrDefinition === "string") {
    if (fn === undefined) throw new TypeError("timedTest needs a function");
    Deno.test(nameOrDefinition, withTimeLimit(limitMs, fn));
    return;
  }
  const body = fn ??
    ("fn" in nameOrDefinition ? nameOrDefinition.fn : undefined);
  if (body === undefined) throw new TypeError("timedTest needs a function");
  Deno.test({ ...nameOrDefinition, fn: withTimeLimit(limitMs, body) });
}
