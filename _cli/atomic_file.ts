/**
 * Output files that appear complete or not at all.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * A file written to a temporary sibling and renamed over the target on commit.
 * Abort removes the temporary file and leaves the target untouched.
 */
export class AtomicFile {
  #file: Deno.FsFile;
  #tempPath: string;
  #path: string;
  #buffer: string[] = [];
  #buffered = 0;
  #done = false;

  private constructor(file: Deno.FsFile, tempPath: string, path: string) {
    this.#file = file;
    this.#tempPath = tempPath;
    this.#path = path;
  }

  /**
   * Creates the temporary file beside `path`.
   *
   * @param path The target file.
   * @param mode The new file's permission bits.
   * @returns The open file.
   */
  static async create(path: string, mode = 0o644): Promise<AtomicFile> {
    const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
    const dir = slash >= 0 ? path.slice(0, slash + 1) : "";
    const base = slash >= 0 ? path.slice(slash + 1) : path;
    const suffix = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
    const tempPath = `${dir}.${base}.${suffix}.tmp`;
    const file = await Deno.open(tempPath, {
      write: true,
      createNew: true,
      mode,
    });
    return new AtomicFile(file, tempPath, path);
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
    let offset = 0;
    while (offset < bytes.length) {
      offset += await this.#file.write(bytes.subarray(offset));
    }
  }

  async #flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const bytes = encoder.encode(this.#buffer.join(""));
    this.#buffer = [];
    this.#buffered = 0;
    let offset = 0;
    while (offset < bytes.length) {
      offset += await this.#file.write(bytes.subarray(offset));
    }
  }

  /** Flushes, syncs, closes and renames the file over the target. */
  async commit(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.#flush();
      await this.#file.sync();
    } catch (error) {
      this.#file.close();
      await Deno.remove(this.#tempPath).catch(() => {});
      throw error;
    }
    this.#file.close();
    await Deno.rename(this.#tempPath, this.#path);
  }

  /** Closes and removes the temporary file; the target is untouched. */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#file.close();
    await Deno.remove(this.#tempPath).catch(() => {});
  }
}

/**
 * Writes a whole file atomically.
 *
 * @param path The target.
 * @param text The content.
 */
export async function writeFileAtomic(
  path: string,
  text: string,
): Promise<void> {
  const file = await AtomicFile.create(path);
  try {
    await file.write(text);
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
