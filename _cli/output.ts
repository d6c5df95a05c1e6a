/**
 * Where the CLI writes: data on stdout; messages, progress and errors on stderr.
 *
 * Text for people passes {@linkcode escapeControls} (a server's text cannot
 * drive the terminal); errors, warnings and debug lines are also redacted.
 * Data (JSON, JSONL, CSV) is written exactly, except that JSON spells DEL and
 * C1 characters as `\u` escapes (the same JSON values).
 *
 * @module
 */

import { redact } from "../_http/mod.ts";

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
  /** Whether stdout is a terminal (`sql`'s aligned table). */
  stdoutIsTerminal?: boolean;
}

const encoder = new TextEncoder();

// deno-lint-ignore no-control-regex -- the control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Shows the control characters of text bound for a terminal visibly: C0
 * (except newline and tab), DEL and C1 become `\xNN`, so text from a server
 * cannot move the cursor, clear the screen, retitle the window or fake a
 * prompt. Everything else is kept.
 *
 * @param text The text.
 * @returns The text, safe to print.
 *
 * @example Escape sequences are shown, not run
 * ```ts
 * import { escapeControls } from "./output.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeControls("a\x1b]0;owned\x07b\n"), "a\\x1b]0;owned\\x07b\n");
 * ```
 */
export function escapeControls(text: string): string {
  return text.replace(
    CONTROL,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

const JSON_UNSAFE = /[\u007f-\u009f]/g;

/**
 * JSON text with DEL and C1 characters spelled as `\u` escapes (JSON.stringify
 * already escapes C0): the same value, but safe on a terminal. Outside
 * strings JSON text holds none of them, so the replacement only touches
 * string contents.
 */
function jsonSafe(text: string): string {
  return text.replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

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
  /** Secrets known to the run (flags, environment), masked in errors, warnings and debug lines. */
  secrets?: readonly string[];
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
      jsonSafe(
        this.options.json
          ? JSON.stringify(value)
          : JSON.stringify(value, null, 2),
      ) + "\n",
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
    else {
      await this.data(escapeControls(text.endsWith("\n") ? text : text + "\n"));
    }
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
   * Writes text for people to stderr, its control characters escaped.
   *
   * @param text The text.
   */
  async stderr(text: string): Promise<void> {
    await this.#stderrRaw(escapeControls(text));
  }

  async #stderrRaw(text: string): Promise<void> {
    await this.clearProgress();
    await writeAll(this.#io.stderr, encoder.encode(text));
  }

  /** Masks known secrets and secret-shaped values, then escapes control characters. */
  #clean(text: string): string {
    return escapeControls(redact(text, this.options.secrets ?? []));
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
    await this.#stderrRaw(this.dim(this.#clean(text)) + "\n");
  }

  /**
   * A warning: on stderr unless `--quiet`.
   *
   * @param text The line.
   */
  async warn(text: string): Promise<void> {
    if (this.options.quiet) return;
    const message = redact(text, this.options.secrets ?? []);
    if (this.options.json) {
      await this.#stderrRaw(
        jsonSafe(JSON.stringify({ warning: { message } })) + "\n",
      );
    } else {
      await this.#stderrRaw(
        `${this.paint("33", "warning:")} ${escapeControls(message)}\n`,
      );
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
    const secrets = this.options.secrets ?? [];
    if (this.options.json) {
      await this.#stderrRaw(
        jsonSafe(JSON.stringify({
          error: {
            code: redact(code, secrets),
            message: redact(message, secrets),
          },
        })) + "\n",
      );
      return;
    }
    await this.#stderrRaw(
      `${this.paint("31", "error:")} ${this.#clean(message)}\n${
        hint ? `${escapeControls(hint)}\n` : ""
      }`,
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
    await writeAll(
      this.#io.stderr,
      encoder.encode(`\r\x1b[2K${escapeControls(text)}`),
    );
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
