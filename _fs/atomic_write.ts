/**
 * Files that appear complete or not at all: the one atomic-write rule of the
 * package. A write goes to a temporary sibling, which is written, `fsync`ed,
 * closed and renamed over the target; then the directory is `fsync`ed so the
 * rename itself survives a power cut. The settings file, the audit checkpoint
 * and the CLI's output files all go through here.
 *
 * Every file-system call goes through {@linkcode fileOps}, a plain object a
 * test may wrap to record the order of the calls.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

/** The part of an open file the atomic writer uses. */
export interface AtomicFsFile {
  /** Writes some of `bytes`, returning how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Flushes the file's data and metadata to disk. */
  sync(): Promise<void>;
  /** Closes the file. */
  close(): void;
}

/** The file-system calls the atomic writer makes, in one replaceable place. */
export interface AtomicFileOps {
  /** Creates a new file (it must not exist) with the given mode, for writing. */
  createNew(path: string, mode: number): Promise<AtomicFsFile>;
  /** Renames `from` over `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file. */
  remove(path: string): Promise<void>;
  /** Flushes a directory's entries (renames, links) to disk where supported. */
  syncDirectory(dir: string): Promise<void>;
}

/**
 * The real file system. Tests wrap its methods (and restore them) to see the
 * order of writes, syncs and renames.
 */
export const fileOps: AtomicFileOps = {
  async createNew(path: string, mode: number): Promise<AtomicFsFile> {
    return await Deno.open(path, { write: true, createNew: true, mode });
  },
  async rename(from: string, to: string): Promise<void> {
    await Deno.rename(from, to);
  },
  async remove(path: string): Promise<void> {
    await Deno.remove(path);
  },
  async syncDirectory(dir: string): Promise<void> {
    if (Deno.build.os === "windows") return;
    let handle: Deno.FsFile | undefined;
    try {
      handle = await Deno.open(dir, { read: true });
      await handle.sync();
    } catch {
      // Some file systems cannot fsync a directory; the rename is still atomic.
    } finally {
      handle?.close();
    }
  },
};

/** Options for {@linkcode writeFileAtomic} and {@linkcode AtomicFile.create}. */
export interface AtomicWriteOptions {
  /**
   * The permission bits of the new file (before the umask). The default
   * keeps the file to its owner: what these files hold (credentials, IP
   * addresses, emails, names) is nobody else's business.
   *
   * @default {0o600}
   */
  mode?: number;
  /**
   * `fsync` the directory after the rename, so the new name is durable too.
   *
   * @default {true}
   */
  syncDirectory?: boolean;
  /** Checked before the rename: an abort leaves the target untouched. */
  signal?: AbortSignal | undefined;
}

/** The pattern of a temporary file's name after `.<target's name>.`. */
export const TEMP_SUFFIX: RegExp = /^[0-9a-f]{16}\.tmp$/;

/**
 * A fresh temporary path beside `path`: `.<name>.<16 hex digits>.tmp`.
 *
 * @param path The target file.
 * @returns The temporary path.
 */
export function tempPathFor(path: string): string {
  const suffix = Array.from(
    crypto.getRandomValues(new Uint8Array(8)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return join(dirname(path), `.${basename(path)}.${suffix}.tmp`);
}

async function writeAll(file: AtomicFsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await file.write(bytes.subarray(offset));
  }
}

const encoder = new TextEncoder();

/**
 * Writes `data` to a new temporary file beside `path`, `fsync`s and closes
 * it; the caller renames or links it into place.
 *
 * @param path The target file.
 * @param data The content.
 * @param options The mode.
 * @returns The temporary file's path.
 */
export async function writeTempFile(
  path: string,
  data: Uint8Array | string,
  options: { mode?: number } = {},
): Promise<string> {
  const temp = tempPathFor(path);
  const file = await fileOps.createNew(temp, options.mode ?? 0o600);
  try {
    await writeAll(
      file,
      typeof data === "string" ? encoder.encode(data) : data,
    );
    await file.sync();
  } catch (error) {
    file.close();
    await fileOps.remove(temp).catch(() => {});
    throw error;
  }
  file.close();
  return temp;
}

/**
 * Replaces `path` with `data` atomically and durably: write a temporary
 * sibling, `fsync` it, rename it over `path`, `fsync` the directory. A reader
 * sees the old content or the new, never a mix, even if the process dies at
 * any instant.
 *
 * @param path The target file.
 * @param data The content (text is written as UTF-8).
 * @param options Mode, directory sync, signal.
 * @returns A promise that resolves once the file is in place.
 * @throws {unknown} The file system's errors; `signal.reason` when aborted
 * before the rename (the target is then untouched).
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = await writeTempFile(
    path,
    data,
    options.mode === undefined ? {} : { mode: options.mode },
  );
  try {
    options.signal?.throwIfAborted();
    await fileOps.rename(temp, path);
  } catch (error) {
    await fileOps.remove(temp).catch(() => {});
    throw error;
  }
  if (options.syncDirectory ?? true) await fileOps.syncDirectory(dirname(path));
}

/**
 * A file written in pieces to a temporary sibling and renamed over the target
 * on {@linkcode AtomicFile.commit}. {@linkcode AtomicFile.abort} removes the
 * temporary file and leaves the target untouched.
 */
export class AtomicFile {
  #file: AtomicFsFile;
  #tempPath: string;
  #path: string;
  #syncDirectory: boolean;
  #buffer: string[] = [];
  #buffered = 0;
  #done = false;

  private constructor(
    file: AtomicFsFile,
    tempPath: string,
    path: string,
    syncDirectory: boolean,
  ) {
    this.#file = file;
    this.#tempPath = tempPath;
    this.#path = path;
    this.#syncDirectory = syncDirectory;
  }

  /**
   * Creates the temporary file beside `path`.
   *
   * @param path The target file.
   * @param options The new file's mode, directory sync.
   * @returns The open file.
   */
  static async create(
    path: string,
    options: Omit<AtomicWriteOptions, "signal"> = {},
  ): Promise<AtomicFile> {
    const tempPath = tempPathFor(path);
    const file = await fileOps.createNew(tempPath, options.mode ?? 0o600);
    return new AtomicFile(
      file,
      tempPath,
      path,
      options.syncDirectory ?? true,
    );
  }

  /** The target path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Appends text (buffered).
   *
   * @param text The text.
   */
  async write(text: string): Promise<void> {
    this.#buffer.push(text);
    this.#buffered += text.length;
    if (this.#buffered >= 1 << 16) await this.#flush();
  }

  /**
   * Appends bytes (after any buffered text).
   *
   * @param bytes The bytes.
   */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.#flush();
    await writeAll(this.#file, bytes);
  }

  async #flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const bytes = encoder.encode(this.#buffer.join(""));
    this.#buffer = [];
    this.#buffered = 0;
    await writeAll(this.#file, bytes);
  }

  /** Flushes, `fsync`s, closes and renames the file over the target, then `fsync`s the directory. */
  async commit(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.#flush();
      await this.#file.sync();
    } catch (error) {
      this.#file.close();
      await fileOps.remove(this.#tempPath).catch(() => {});
      throw error;
    }
    this.#file.close();
    try {
      await fileOps.rename(this.#tempPath, this.#path);
    } catch (error) {
      await fileOps.remove(this.#tempPath).catch(() => {});
      throw error;
    }
    if (this.#syncDirectory) await fileOps.syncDirectory(dirname(this.#path));
  }

  /** Closes and removes the temporary file; the target is untouched. */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#file.close();
    await fileOps.remove(this.#tempPath).catch(() => {});
  }
}

/**
 * Parses a file mode given as octal text (`"0600"`, `"644"`, `"0o640"`).
 *
 * @param text The mode.
 * @param name What the mode is for, for the error.
 * @returns The mode bits.
 * @throws {RangeError} When the text is not an octal mode from 0 to 0777.
 */
export function parseFileMode(text: string, name = "mode"): number {
  const match = /^(?:0o?)?([0-7]{1,4})$/i.exec(text.trim());
  const mode = match ? parseInt(match[1]!, 8) : Number.NaN;
  if (!(mode >= 0 && mode <= 0o777)) {
    throw new RangeError(
      `Invalid ${name} '${text}': expected an octal file mode such as 0600 or 0644`,
    );
  }
  return mode;
}

/**
 * Checks a file mode given as a number.
 *
 * @param mode The mode.
 * @param name What the mode is for, for the error.
 * @returns The mode.
 * @throws {RangeError} When it is not an integer from 0 to 0o777.
 */
export function checkFileMode(mode: number, name: string): number {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new RangeError(
      `Invalid ${name} '${
        String(mode)
      }': expected an integer from 0 to 0o777, such as 0o600`,
    );
  }
  return mode;
}
