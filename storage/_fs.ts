// File-system helpers for the encrypted file store: private directories,
// atomic replacement (through `_fs/`: temp file, fsync, rename, directory
// fsync), no-clobber creation, and the cross-process lock on a separate lock
// file.

import { basename, dirname, join } from "node:path";
import { sleep } from "../_http/mod.ts";
import {
  fileOps,
  TEMP_SUFFIX,
  writeFileAtomic,
  writeTempFile,
} from "../_fs/mod.ts";
import { LockTimeoutError } from "./errors.ts";

const isWindows = (): boolean => Deno.build.os === "windows";

/** Creates `dir` (and parents) with mode 0700 if missing; leaves existing ones alone. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await Deno.stat(dir);
    return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  if (!isWindows()) await Deno.chmod(dir, 0o700);
}

/** Flushes a directory's entries (renames, links) to disk where supported. */
export function syncDir(dir: string): Promise<void> {
  return fileOps.syncDirectory(dir);
}

/**
 * Replaces `path` with `bytes` atomically (the package's one atomic writer,
 * mode 0600), in a private directory, then removes stale temp files.
 */
export async function atomicReplace(
  path: string,
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<void> {
  await ensurePrivateDir(dirname(path));
  await writeFileAtomic(path, bytes, { mode: 0o600, signal });
  await removeStaleTemps(path);
}

/** How old a writer's leftover temp file must be before a save removes it. */
export const STALE_TEMP_MS = 60 * 60_000;

/**
 * Removes temp files that writers of `path` left behind when they were killed
 * mid-save. Only files older than {@linkcode STALE_TEMP_MS} go: a save in
 * flight in another process takes milliseconds, so its temp file is never
 * that old. Best effort: errors are ignored.
 */
async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const now = Date.now();
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (
        !entry.isFile || !entry.name.startsWith(prefix) ||
        !TEMP_SUFFIX.test(entry.name.slice(prefix.length))
      ) continue;
      const temp = join(dir, entry.name);
      try {
        const mtime = (await Deno.lstat(temp)).mtime?.getTime();
        if (mtime !== undefined && now - mtime > STALE_TEMP_MS) {
          await Deno.remove(temp);
        }
      } catch {
        // Renamed or removed by its own writer meanwhile.
      }
    }
  } catch {
    // Cleaning up is a courtesy; the save itself has succeeded.
  }
}

/**
 * Creates `path` holding `bytes` only if it does not exist, atomically (a
 * complete file appears or nothing). Returns false when it already existed.
 */
export async function writeNewFile(
  path: string,
  bytes: Uint8Array,
): Promise<boolean> {
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  const temp = await writeTempFile(path, bytes, { mode: 0o600 });
  try {
    await Deno.link(temp, path);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
  await fileOps.syncDirectory(dir);
  return true;
}

/** Reads a whole file, or undefined when it does not exist. */
export async function readIfExists(
  path: string,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    assertRegularFile(path, await file.stat());
    const chunks: Uint8Array[] = [];
    let total = 0;
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      const n = await file.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
      total += n;
      // Stop early on absurd sizes; the header check reports them.
      if (total > maxBytes) break;
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  } finally {
    file.close();
  }
}

/**
 * Throws a TypeError naming `path` unless `info` is a regular file: a
 * settings location must name the file itself, never its directory.
 */
export function assertRegularFile(path: string, info: Deno.FileInfo): void {
  if (info.isFile) return;
  throw new TypeError(
    info.isDirectory
      ? `Invalid settings location '${path}': it is a directory: give the settings file's path, e.g. '${
        join(path, "OAuthSettings.txt")
      }'`
      : `Invalid settings location '${path}': it is not a regular file`,
  );
}

/** Options for {@linkcode lockFile}. */
export interface FileLockOptions {
  signal?: AbortSignal | undefined;
  /** Reported in the timeout error. */
  timeoutMs: number;
  /** When to give up (Date.now() scale). */
  deadlineMs: number;
}

/**
 * Takes an exclusive advisory lock on `lockPath` (created mode 0600 if
 * missing, never deleted), polling with a bounded wait. Returns the release.
 */
export async function lockFile(
  lockPath: string,
  options: FileLockOptions,
): Promise<() => void> {
  options.signal?.throwIfAborted();
  await ensurePrivateDir(dirname(lockPath));
  const file = await Deno.open(lockPath, {
    read: true,
    write: true,
    create: true,
    mode: 0o600,
  });
  const release = () => {
    try {
      file.unlockSync();
    } catch {
      // Closing releases it anyway.
    }
    file.close();
  };
  let delay = 2;
  try {
    while (!(await file.tryLock(true))) {
      const left = options.deadlineMs - Date.now();
      if (left <= 0) throw new LockTimeoutError(lockPath, options.timeoutMs);
      await sleep(Math.min(delay, left), options.signal);
      delay = Math.min(delay * 2, 50);
    }
  } catch (error) {
    file.close();
    throw error;
  }
  return release;
}
