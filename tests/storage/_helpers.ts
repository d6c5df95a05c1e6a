// Shared helpers for the storage tests. Not a test file.

/** A fresh random 256-bit key in base64. */
export function randomKey(): string {
  return btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))),
  );
}

/** An env function that knows only `vars`. */
export function fakeEnv(
  vars: Record<string, string> = {},
): (name: string) => string | undefined {
  return (name) => vars[name];
}

/** A temp directory removed when disposed. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "mondaykit_storage_" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}

/** The permission bits of `path` (POSIX). */
export async function modeOf(path: string): Promise<number> {
  const info = await Deno.stat(path);
  return (info.mode ?? 0) & 0o777;
}

export const isWindows: boolean = Deno.build.os === "windows";
