/**
 * Where the CLI writes: data on stdout; messages, progress and errors on stderr.
 *
 * @module
 */

/** Something bytes can be written to, like `Deno.stdout`. */
export interface CliWriter {
  /** Writes some of the bytes and returns how many. */
  write(bytes: Uint8Array): Promise<number>;
}

/** The process's streams and environment, injectable for tests and the demo. */
export interface CliIo {
  /** Data goes here. */
  stdout: CliWriter;
  /** Messages, progress and errors go here. */
  stderr: CliWriter;
  /** Read by `query -` and passphrase prompts. */
  stdin: ReadableStream<Uint8Array>;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Whether stdin is a terminal (passphrase prompts). */
  stdinIsTerminal: boolean;
  /** Whether stderr is a terminal (progress, colours). */
  stderrIsTerminal: boolean;
}

const encoder = new TextEncoder();

/**
 * Writes all bytes, looping over short writes.
 *
 * @param writer The destination.
 * @param bytes The bytes.
 */
export async function writeAll(
  writer: CliWriter,
  bytes: Uint8Array,
): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await writer.write(bytes.subarray(offset));
  }
}

/** How a command wants its output shown. */
export interface OutputOptions {
  /** `--json`. */
  json: boolean;
  /** `--quiet`. */
  quiet: boolean;
  /** `--verbose`. */
  verbose: boolean;
  /** Colours allowed (not NO_COLOR, not --no-color, stderr a terminal). */
  color: boolean;
}

/** The CLI's printer. */
export class Output {
  #io: CliIo;
  /** The display options. */
  readonly options: OutputOptions;
  #progressShown = false;

  /**
   * Creates a printer.
   *
   * @param io The streams.
   * @param options The display options.
   */
  constructor(io: CliIo, options: OutputOptions) {
    this.#io = io;
    this.options = options;
  }

  /** The streams. */
  get io(): CliIo {
    return this.#io;
  }

  /**
   * Writes data to stdout.
   *
   * @param text The text, written as is.
   */
  async data(text: string): Promise<void> {
    await writeAll(this.#io.stdout, encoder.encode(text));
  }

  /**
   * Writes a JSON value to stdout, one line under `--json`, indented otherwise.
   *
   * @param value The value.
   */
  async json(value: unknown): Promise<void> {
    await this.data(
      (this.options.json
        ? JSON.stringify(value)
        : JSON.stringify(value, null, 2)) + "\n",
    );
  }

  /**
   * Prints a command's result: the JSON value under `--json`, else the human text, on stdout.
   *
   * @param value The machine-readable result.
   * @param text The human-readable result.
   */
  async result(value: unknown, text: string): Promise<void> {
    if (this.options.json) await this.json(value);
    else await this.data(text.endsWith("\n") ? text : text + "\n");
  }

  /**
   * Reports what a command did when its data went elsewhere (a file): the JSON
   * value on stdout under `--json`, else the text on stderr (unless `--quiet`).
   *
   * @param value The machine-readable summary.
   * @param text The human-readable summary.
   */
  async summary(value: unknown, text: string): Promise<void> {
    if (this.options.json) await this.json(value);
    else await this.info(text);
  }

  /**
   * Writes to stderr as is.
   *
   * @param text The text.
   */
  async stderr(text: string): Promise<void> {
    await this.clearProgress();
    await writeAll(this.#io.stderr, encoder.encode(text));
  }

  /**
   * A message for people: on stderr, unless `--quiet` or `--json`.
   *
   * @param text One or more lines.
   */
  async info(text: string): Promise<void> {
    if (this.options.quiet || this.options.json) return;
    await this.stderr(text.endsWith("\n") ? text : text + "\n");
  }

  /**
   * A debug line: on stderr with `--verbose` only.
   *
   * @param text The line.
   */
  async debug(text: string): Promise<void> {
    if (!this.options.verbose) return;
    await this.stderr(this.dim(text) + "\n");
  }

  /**
   * A warning: on stderr unless `--quiet`.
   *
   * @param text The line.
   */
  async warn(text: string): Promise<void> {
    if (this.options.quiet) return;
    if (this.options.json) {
      await this.stderr(JSON.stringify({ warning: { message: text } }) + "\n");
    } else {
      await this.stderr(`${this.paint("33", "warning:")} ${text}\n`);
    }
  }

  /**
   * Reports an error on stderr: `{"error": {"code", "message"}}` under `--json`.
   *
   * @param code The machine-readable code.
   * @param message The message.
   * @param hint A second line for people (not in JSON).
   */
  async error(code: string, message: string, hint?: string): Promise<void> {
    if (this.options.json) {
      await this.stderr(JSON.stringify({ error: { code, message } }) + "\n");
      return;
    }
    await this.stderr(
      `${this.paint("31", "error:")} ${message}\n${hint ? `${hint}\n` : ""}`,
    );
  }

  /**
   * Colours text when colours are on.
   *
   * @param code The SGR code, e.g. "1" for bold.
   * @param text The text.
   * @returns The text, maybe wrapped in escape codes.
   */
  paint(code: string, text: string): string {
    return this.options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  /**
   * Dims text when colours are on.
   *
   * @param text The text.
   * @returns The text.
   */
  dim(text: string): string {
    return this.paint("2", text);
  }

  /** Whether progress is shown: stderr is a terminal, not `--quiet`, not `--json`. */
  get showsProgress(): boolean {
    return this.#io.stderrIsTerminal && !this.options.quiet &&
      !this.options.json;
  }

  /**
   * Replaces the progress line on stderr (only when progress is shown).
   *
   * @param text The line.
   */
  async progress(text: string): Promise<void> {
    if (!this.showsProgress) return;
    this.#progressShown = true;
    await writeAll(this.#io.stderr, encoder.encode(`\r\x1b[2K${text}`));
  }

  /** Clears the progress line, if one is shown. */
  async clearProgress(): Promise<void> {
    if (!this.#progressShown) return;
    this.#progressShown = false;
    await writeAll(this.#io.stderr, encoder.encode("\r\x1b[2K"));
  }
}

/**
 * Renders a progress line: a bar when the total is known, else counts and rate.
 *
 * @param done Units done.
 * @param total Units in all, when known.
 * @param unit The unit's plural, e.g. "items".
 * @param elapsedMs Time since the start.
 * @returns The line.
 */
export function progressLine(
  done: number,
  total: number | undefined,
  unit: string,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const rateText = `${
    rate >= 100 ? Math.round(rate) : rate.toFixed(1)
  } ${unit}/s`;
  if (total === undefined || total <= 0) return `${done} ${unit} · ${rateText}`;
  const fraction = Math.min(1, done / total);
  const width = 24;
  const filled = Math.round(fraction * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const eta = rate > 0 && done < total
    ? ` · ETA ${Math.ceil((total - done) / rate)}s`
    : "";
  return `${bar} ${
    Math.round(fraction * 100)
  }% ${done}/${total} ${unit} · ${rateText}${eta}`;
}
