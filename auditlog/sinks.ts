/**
 * Where exported audit-log records go: a sink interface, JSON Lines and CSV
 * encodings, and sinks for stdout, a file, an HTTP endpoint and memory.
 *
 * A sink acknowledges a batch by resolving `write`; the exporter saves its
 * checkpoint only after that. A sink that can rewind (the file sink) also
 * returns a small JSON state that the checkpoint keeps, and on the next
 * `open` it rewinds to it, dropping anything written after the last
 * checkpoint.
 *
 * @module
 */

import { HttpTransport } from "../_http/mod.ts";
import type { Clock } from "../_http/mod.ts";
import { assertSecureUrl, redactUrl } from "../_http/mod.ts";
import { checkFileMode } from "../_fs/mod.ts";
import { sha256Hex } from "./_sha256.ts";
import type { AuditLogRecord } from "./types.ts";

/** A sink's resumable position, saved in the checkpoint. Must be JSON. */
export type SinkState = Record<string, unknown>;

/** Options passed to sink operations. */
export interface SinkOperationOptions {
  /** Aborts the operation. */
  signal?: AbortSignal;
}

/** Options passed to {@linkcode AuditSink.write}. */
export interface SinkWriteOptions extends SinkOperationOptions {
  /**
   * The same batch already encoded as JSON Lines, one string per record, as
   * {@linkcode exportAuditLogs} hands it over: each line is the record's
   * `id` followed by the entry's canonical JSON (the text the id hashes),
   * then `\n`. A sink that writes JSON Lines may write these instead of
   * encoding the records again; others ignore them.
   */
  jsonLines?: readonly string[];
  /**
   * The caller will call {@linkcode AuditSink.flush} before it relies on
   * this batch, so the sink may acknowledge it before it is durable (the
   * file sink then skips its `fsync`). Only passed to sinks with `flush`.
   *
   * @default {false}
   */
  defer?: boolean;
}

/**
 * A destination for exported records. Only `write` is required.
 */
export interface AuditSink {
  /**
   * Prepares the sink. `state` is what the last acknowledged `write`
   * returned, as saved in the checkpoint (`undefined` on a first run); a sink
   * that can, rewinds to it. Returns the state to record before anything is
   * written.
   *
   * @param state The saved state, if any.
   * @param options Signal.
   * @returns The current state, if the sink has one.
   */
  open?(
    state: SinkState | undefined,
    options?: SinkOperationOptions,
  ): Promise<SinkState | undefined>;
  /**
   * Writes a batch of records, oldest first, and resolves once they are
   * durably stored (the acknowledgement). Rejecting stops the export before
   * the checkpoint moves.
   *
   * @param records The records, oldest first.
   * @param options Signal, and the batch as JSON Lines.
   * @returns The state after the batch, if the sink has one.
   */
  write(
    records: readonly AuditLogRecord[],
    options?: SinkWriteOptions,
  ): Promise<SinkState | undefined | void>;
  /**
   * Makes every batch written so far durable (the file sink `fsync`s) and
   * returns the state after them. A sink that has it lets
   * {@linkcode exportAuditLogs} write several pages (with `defer: true`) per
   * checkpoint; such a sink should rewind on `open` to the state `flush`
   * returned, and must accept `open` again after `close` (the exporter
   * reopens it to rewind after a failed write in follow mode).
   *
   * @returns The state after the flushed batches, if the sink has one.
   */
  flush?(): Promise<SinkState | undefined | void>;
  /**
   * Releases the sink's resources.
   *
   * @returns A promise that resolves when closed.
   */
  close?(): Promise<void>;
}

/** The output encodings. */
export type AuditOutputFormat = "jsonl" | "csv";

/**
 * The CSV columns, in order. `activity_metadata` holds JSON; `extra` holds a
 * JSON object of any fields not listed here (empty when there are none).
 */
export const CSV_COLUMNS: readonly string[] = [
  "id",
  "timestamp",
  "account_id",
  "user_id",
  "event",
  "slug",
  "ip_address",
  "user_agent",
  "client_name",
  "client_version",
  "os_name",
  "os_version",
  "device_name",
  "device_type",
  "activity_metadata",
  "extra",
];

const COLUMN_SET = new Set(CSV_COLUMNS);

/** Options for {@linkcode csvField} and {@linkcode encodeRecord}. */
export interface CsvFieldOptions {
  /**
   * Neutralise a cell a spreadsheet would run as a formula: text starting
   * with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote
   * in front and is quoted (the OWASP advice). Plain numbers such as `-5`
   * or `+3.2` are left as they are. Turn it off only for pipelines that need
   * the raw text and never open the file in a spreadsheet.
   *
   * @default {true}
   */
  formulaEscape?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One RFC 4180 CSV field: empty for `null`/`undefined`, JSON for objects and
 * arrays, quoted (with doubled quotes) when it holds a comma, a quote or a
 * line break. Text that a spreadsheet would run as a formula (starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return, other than a plain number)
 * is prefixed with a single quote and quoted, unless `formulaEscape` is
 * `false`. The audit CSV sink and the CLI's items export both use it.
 *
 * @param value The value.
 * @param options Formula escaping.
 * @returns The field, ready to join with commas.
 *
 * @example Quote what needs quoting
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvField } from "./sinks.ts";
 *
 * assert.equal(csvField("plain"), "plain");
 * assert.equal(csvField('say "hi", then go'), '"say ""hi"", then go"');
 * assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
 * assert.equal(csvField(null), "");
 * assert.equal(csvField("=HYPERLINK(1)"), `"'=HYPERLINK(1)"`);
 * assert.equal(csvField("-5"), "-5");
 * assert.equal(csvField("=1+1", { formulaEscape: false }), "=1+1");
 * ```
 */
export function csvField(
  value: unknown,
  options: CsvFieldOptions = {},
): string {
  let text: string;
  if (value === undefined || value === null) text = "";
  else if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean") {
    text = String(value);
  } else text = JSON.stringify(value);
  if (
    options.formulaEscape !== false && FORMULA_START.test(text) &&
    !PLAIN_NUMBER.test(text)
  ) {
    return `"'${text.replaceAll('"', '""')}"`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Encodes one record as a line of the given format, with its line ending:
 * JSON Lines (`\n`), or an RFC 4180 CSV row (`\r\n`, fields quoted when they
 * hold a comma, quote or line break; nested values as JSON).
 *
 * @param record The record.
 * @param format The encoding.
 * @param options CSV formula escaping (see {@linkcode csvField}).
 * @returns The line.
 *
 * @example Encode a record
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRecord } from "./sinks.ts";
 *
 * const record = { id: "ab", timestamp: "2026-11-01T00:00:00.000Z", event: "login" };
 * assert.equal(encodeRecord(record, "jsonl"), JSON.stringify(record) + "\n");
 * assert.equal(encodeRecord(record, "csv"), "ab,2026-11-01T00:00:00.000Z,,,login,,,,,,,,,,,\r\n");
 * ```
 */
export function encodeRecord(
  record: AuditLogRecord,
  format: AuditOutputFormat,
  options: CsvFieldOptions = {},
): string {
  if (format === "jsonl") return JSON.stringify(record) + "\n";
  const extra: Record<string, unknown> = {};
  let hasExtra = false;
  for (const key of Object.keys(record)) {
    if (!COLUMN_SET.has(key) && record[key] !== undefined) {
      extra[key] = record[key];
      hasExtra = true;
    }
  }
  const fields = CSV_COLUMNS.map((column) =>
    column === "extra"
      ? (hasExtra ? csvField(extra, options) : "")
      : csvField(record[column], options)
  );
  return fields.join(",") + "\r\n";
}

/**
 * The CSV header line (with `\r\n`).
 *
 * @returns The header.
 *
 * @example Read the header
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvHeader } from "./sinks.ts";
 * assert.ok(csvHeader().startsWith("id,timestamp,"));
 * ```
 */
export function csvHeader(): string {
  return CSV_COLUMNS.join(",") + "\r\n";
}

function checkFormat(format: unknown): AuditOutputFormat {
  if (format !== "jsonl" && format !== "csv") {
    throw new TypeError(
      `Invalid format: expected 'jsonl' or 'csv', got '${String(format)}'`,
    );
  }
  return format;
}

const encoder = new TextEncoder();

/** The exporter's JSON Lines for a batch, when given and plausible. */
function givenLines(
  records: readonly AuditLogRecord[],
  options: SinkWriteOptions,
): readonly string[] | undefined {
  const given = options.jsonLines;
  return Array.isArray(given) && given.length === records.length
    ? given
    : undefined;
}

/**
 * A batch as lines of text: the exporter's JSON Lines when given, else each
 * record encoded, with the CSV header first when asked.
 */
function encodeBatch(
  records: readonly AuditLogRecord[],
  format: AuditOutputFormat,
  header: boolean,
  options: SinkWriteOptions,
  csv: CsvFieldOptions,
): readonly string[] {
  if (format === "jsonl") {
    const given = givenLines(records, options);
    if (given) return given;
  }
  const lines: string[] = header && format === "csv" ? [csvHeader()] : [];
  for (const record of records) lines.push(encodeRecord(record, format, csv));
  return lines;
}

async function writeAll(
  writer: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await writer.write(bytes.subarray(offset));
  }
}

/** Options for {@linkcode FileSink}. */
export interface FileSinkOptions {
  /**
   * The encoding.
   *
   * @default {"jsonl"}
   */
  format?: AuditOutputFormat;
  /**
   * Flush every batch to disk (`fsync`) before acknowledging it. Turning this
   * off trades crash safety for speed.
   *
   * @default {true}
   */
  fsync?: boolean;
  /**
   * The permission bits of the file when the sink creates it (before the
   * umask); an existing file keeps its own. Audit entries hold IP addresses,
   * emails and names, so by default only the owner may read the file.
   *
   * @default {0o600}
   */
  mode?: number;
  /**
   * Neutralise CSV cells that a spreadsheet would run as a formula (see
   * {@linkcode CsvFieldOptions.formulaEscape}). JSON Lines are never changed.
   *
   * @default {true}
   */
  formulaEscape?: boolean;
}

/**
 * Appends records to a file (JSON Lines or CSV), `fsync`ing each batch
 * before acknowledging it, or, for a batch written with `defer: true` (as the
 * exporter does when it batches checkpoints), at the next `flush()`. Its state is the file's length after the last
 * acknowledged batch; on `open` with a saved state the file is truncated back
 * to that length, so a batch written after the last checkpoint (or a line cut
 * short by a crash) is not duplicated. Without a saved state it appends,
 * dropping a trailing partial line. A CSV header is written when the file is
 * empty.
 *
 * Needs `--allow-read` and `--allow-write` for the path.
 *
 * @example Write two records
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileSink } from "./sinks.ts";
 *
 * const path = await Deno.makeTempFile();
 * const sink = new FileSink(path);
 * await sink.open(undefined);
 * const state = await sink.write([
 *   { id: "a", timestamp: "2026-11-01T00:00:00.000Z" },
 *   { id: "b", timestamp: "2026-11-01T00:00:01.000Z" },
 * ]);
 * await sink.close();
 * const text = await Deno.readTextFile(path);
 * assert.equal(text.split("\n").length, 3);
 * assert.equal(state?.bytes, new TextEncoder().encode(text).length);
 * await Deno.remove(path);
 * ```
 */
export class FileSink implements AuditSink {
  #path: string;
  #format: AuditOutputFormat;
  #fsync: boolean;
  #mode: number;
  #formulaEscape: boolean;
  #file: Deno.FsFile | undefined;
  #position = 0;
  #unsynced = false;
  #buffer = new Uint8Array(0);

  /**
   * Makes a file sink; nothing is opened until {@linkcode FileSink.open}.
   *
   * @param path The output file.
   * @param options Format, fsync, mode, formula escaping.
   * @throws {TypeError} When the path is empty or the format unknown.
   * @throws {RangeError} When the mode is not an integer from 0 to 0o777.
   */
  constructor(path: string, options: FileSinkOptions = {}) {
    if (typeof path !== "string" || path === "") {
      throw new TypeError("Invalid output path: expected a non-empty string");
    }
    this.#path = path;
    this.#format = checkFormat(options.format ?? "jsonl");
    this.#fsync = options.fsync ?? true;
    this.#mode = checkFileMode(options.mode ?? 0o600, "output file mode");
    this.#formulaEscape = options.formulaEscape ?? true;
  }

  /** The output file's path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Opens the file, rewinding it to `state.bytes` when given.
   *
   * @param state The saved state (`{ bytes }`), if any.
   * @returns The state to record: `{ bytes, path }`.
   * @throws {Error} When the file is shorter than the saved state says (it was
   * changed by something else).
   */
  async open(state: SinkState | undefined): Promise<SinkState> {
    if (this.#file) throw new Error("File sink is already open");
    const file = await Deno.open(this.#path, {
      read: true,
      write: true,
      create: true,
      mode: this.#mode,
    });
    try {
      const size = (await file.stat()).size;
      let position = size;
      const saved = state?.bytes;
      if (typeof saved === "number") {
        if (size < saved) {
          throw new Error(
            `Cannot resume output file '${this.#path}': it holds ${size} bytes but the checkpoint recorded ${saved} (was it changed or replaced?)`,
          );
        }
        position = saved;
      } else if (size > 0) {
        position = await this.#endOfLastLine(file, size);
      }
      if (position !== size) {
        await file.truncate(position);
        if (this.#fsync) await file.sync();
      }
      await file.seek(position, Deno.SeekMode.Start);
      this.#file = file;
      this.#position = position;
      this.#unsynced = false;
      return { bytes: position, path: this.#path };
    } catch (error) {
      file.close();
      throw error;
    }
  }

  async #endOfLastLine(file: Deno.FsFile, size: number): Promise<number> {
    const chunk = 64 * 1024;
    let end = size;
    const buffer = new Uint8Array(chunk);
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      await file.seek(start, Deno.SeekMode.Start);
      let read = 0;
      while (read < end - start) {
        const n = await file.read(buffer.subarray(read, end - start));
        if (n === null) break;
        read += n;
      }
      for (let i = read - 1; i >= 0; i--) {
        if (buffer[i] === 0x0a) return start + i + 1;
      }
      end = start;
    }
    return 0;
  }

  /**
   * Appends the records and flushes them to disk.
   *
   * @param records The records, oldest first.
   * @param options `jsonLines`: the batch already encoded (used for JSON
   * Lines output).
   * @returns The state after the batch: `{ bytes, path }`.
   * @throws {Error} When the sink is not open.
   */
  async write(
    records: readonly AuditLogRecord[],
    options: SinkWriteOptions = {},
  ): Promise<SinkState> {
    const file = this.#file;
    if (!file) throw new Error("File sink is not open: call open() first");
    if (records.length > 0) {
      const bytes = this.#encode(
        encodeBatch(records, this.#format, this.#position === 0, options, {
          formulaEscape: this.#formulaEscape,
        }),
      );
      this.#unsynced = true;
      await writeAll(file, bytes);
      this.#position += bytes.length;
      if (!options.defer) await this.#sync(file);
    }
    return { bytes: this.#position, path: this.#path };
  }

  /**
   * Encodes the lines one after another into a buffer kept between batches,
   * so that a long export leaves neither a large joined string nor a large
   * buffer behind per batch for the garbage collector.
   */
  #encode(lines: readonly string[]): Uint8Array {
    let most = 0;
    for (const line of lines) most += line.length * 3; // UTF-8 bytes, at most
    if (most > 16 * 1024 * 1024) return encoder.encode(lines.join(""));
    if (this.#buffer.length < most) this.#buffer = new Uint8Array(most);
    let written = 0;
    for (const line of lines) {
      written += encoder.encodeInto(line, this.#buffer.subarray(written))
        .written;
    }
    return this.#buffer.subarray(0, written);
  }

  /**
   * Flushes what was written to disk (`fsync`, unless turned off).
   *
   * @returns The state after everything written: `{ bytes, path }`.
   * @throws {Error} When the sink is not open.
   */
  async flush(): Promise<SinkState> {
    const file = this.#file;
    if (!file) throw new Error("File sink is not open: call open() first");
    await this.#sync(file);
    return { bytes: this.#position, path: this.#path };
  }

  async #sync(file: Deno.FsFile): Promise<void> {
    if (!this.#unsynced) return;
    if (this.#fsync) await file.sync();
    this.#unsynced = false;
  }

  /**
   * Closes the file.
   *
   * @returns A promise that resolves when closed.
   */
  close(): Promise<void> {
    this.#file?.close();
    this.#file = undefined;
    return Promise.resolve();
  }
}

/** Something records can be written to, like `Deno.stdout`. */
export interface ByteWriter {
  /**
   * Writes some bytes.
   *
   * @param p The bytes.
   * @returns How many were written.
   */
  write(p: Uint8Array): Promise<number>;
}

/** Options for {@linkcode StdoutSink}. */
export interface StdoutSinkOptions {
  /**
   * The encoding.
   *
   * @default {"jsonl"}
   */
  format?: AuditOutputFormat;
  /**
   * Where to write.
   *
   * @default {Deno.stdout}
   */
  writer?: ByteWriter;
  /**
   * Neutralise CSV cells that a spreadsheet would run as a formula (see
   * {@linkcode CsvFieldOptions.formulaEscape}). JSON Lines are never changed.
   *
   * @default {true}
   */
  formulaEscape?: boolean;
}

/**
 * Writes records to stdout (JSON Lines or CSV with one header). A batch is
 * acknowledged once written. Stdout cannot be rewound, so a crash between a
 * write and the checkpoint repeats that batch on the next run; consumers
 * drop the repeats by `id`.
 *
 * @example Write to a custom writer
 * ```ts
 * import assert from "node:assert/strict";
 * import { StdoutSink } from "./sinks.ts";
 *
 * const chunks: Uint8Array[] = [];
 * const sink = new StdoutSink({
 *   writer: { write: (p) => (chunks.push(p.slice()), Promise.resolve(p.length)) },
 * });
 * await sink.write([{ id: "a", timestamp: "2026-11-01T00:00:00.000Z" }]);
 * assert.equal(chunks.length, 1);
 * ```
 */
export class StdoutSink implements AuditSink {
  #format: AuditOutputFormat;
  #writer: ByteWriter | undefined;
  #formulaEscape: boolean;
  #headerWritten = false;

  /**
   * Makes a stdout sink.
   *
   * @param options Format and writer.
   * @throws {TypeError} When the format is unknown.
   */
  constructor(options: StdoutSinkOptions = {}) {
    this.#format = checkFormat(options.format ?? "jsonl");
    this.#writer = options.writer;
    this.#formulaEscape = options.formulaEscape ?? true;
  }

  /**
   * Writes the records.
   *
   * @param records The records, oldest first.
   * @param options `jsonLines`: the batch already encoded (used for JSON
   * Lines output).
   * @returns Nothing (stdout has no resumable state).
   */
  async write(
    records: readonly AuditLogRecord[],
    options: SinkWriteOptions = {},
  ): Promise<undefined> {
    if (records.length === 0) return undefined;
    const text = encodeBatch(
      records,
      this.#format,
      !this.#headerWritten,
      options,
      { formulaEscape: this.#formulaEscape },
    );
    if (this.#format === "csv") this.#headerWritten = true;
    await writeAll(
      this.#writer ?? Deno.stdout,
      encoder.encode(text.join("")),
    );
    return undefined;
  }
}

/**
 * Keeps records in memory, in {@linkcode MemorySink.records}. For tests and
 * small exports.
 *
 * @example Collect records
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemorySink } from "./sinks.ts";
 *
 * const sink = new MemorySink();
 * await sink.write([{ id: "a", timestamp: "2026-11-01T00:00:00.000Z" }]);
 * assert.equal(sink.records.length, 1);
 * ```
 */
export class MemorySink implements AuditSink {
  /** Every record written, in order. */
  readonly records: AuditLogRecord[] = [];
  /** How many batches were written. */
  batches = 0;

  /**
   * Stores the records.
   *
   * @param records The records.
   * @returns Nothing.
   */
  write(records: readonly AuditLogRecord[]): Promise<undefined> {
    this.records.push(...records);
    this.batches++;
    return Promise.resolve(undefined);
  }
}

/** Options for {@linkcode HttpSink}. */
export interface HttpSinkOptions {
  /** Extra request headers, e.g. `Authorization` for the receiving endpoint. */
  headers?: Record<string, string>;
  /**
   * The body format: NDJSON (`application/x-ndjson`, one record a line) or a
   * JSON array (`application/json`).
   *
   * @default {"ndjson"}
   */
  format?: "ndjson" | "json";
  /**
   * The most records per request; larger batches are split.
   *
   * @default {1000}
   */
  batchSize?: number;
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /** The clock for retry waits. */
  clock?: Clock;
  /**
   * Attempts per request (network errors, 429 and 5xx are retried).
   *
   * @default {5}
   */
  maxAttempts?: number;
}

/** The receiving endpoint answered with an error status. */
export class HttpSinkError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** Whether another attempt may succeed (429 and 5xx). */
  readonly retryable: boolean;

  /**
   * Makes the error.
   *
   * @param message What failed.
   * @param status The HTTP status.
   * @param options Whether another attempt may succeed (by default: for 429
   * and 5xx).
   */
  constructor(
    message: string,
    status: number,
    options: { retryable?: boolean } = {},
  ) {
    super(message);
    this.name = "HttpSinkError";
    this.status = status;
    this.retryable = options.retryable ?? (status === 429 || status >= 500);
  }
}

/**
 * POSTs records to an HTTP endpoint, as NDJSON or a JSON array. A batch is
 * acknowledged by a 2xx answer. Each request carries an `Idempotency-Key`
 * (the SHA-256 of its record ids) so the receiver can drop a batch it has
 * already stored; receivers should upsert by `id` anyway, because a crash
 * between the POST and the checkpoint repeats the batch. Only `https://` or
 * loopback URLs are accepted.
 *
 * Needs `--allow-net` for the endpoint's host.
 *
 * @example Post to a local receiver
 * ```ts
 * import assert from "node:assert/strict";
 * import { HttpSink } from "./sinks.ts";
 *
 * const received: string[] = [];
 * await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
 *   received.push(await req.text());
 *   return new Response(null, { status: 204 });
 * });
 * const sink = new HttpSink(`http://127.0.0.1:${server.addr.port}/ingest`);
 * await sink.write([{ id: "a", timestamp: "2026-11-01T00:00:00.000Z" }]);
 * assert.equal(received.length, 1);
 * ```
 */
export class HttpSink implements AuditSink {
  #url: string;
  #headers: Record<string, string>;
  #format: "ndjson" | "json";
  #batchSize: number;
  #transport: HttpTransport;

  /**
   * Makes an HTTP sink.
   *
   * @param url The endpoint.
   * @param options Headers, format, batch size, fetch, retries.
   * @throws {TypeError} When the URL is not `https://` (or loopback) or an
   * option is invalid.
   */
  constructor(url: string | URL, options: HttpSinkOptions = {}) {
    assertSecureUrl(url, "HTTP sink URL");
    this.#url = String(url);
    this.#headers = { ...options.headers };
    this.#format = options.format ?? "ndjson";
    if (this.#format !== "ndjson" && this.#format !== "json") {
      throw new TypeError(
        `Invalid HTTP sink format: expected 'ndjson' or 'json', got '${
          String(this.#format)
        }'`,
      );
    }
    this.#batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) {
      throw new RangeError(
        `Invalid HTTP sink batchSize: expected a positive integer, got '${this.#batchSize}'`,
      );
    }
    const secrets = Object.values(this.#headers);
    this.#transport = new HttpTransport({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      retry: { maxAttempts: options.maxAttempts ?? 5 },
      secrets: () => secrets,
    });
  }

  /**
   * POSTs the records, in batches of at most `batchSize`.
   *
   * @param records The records, oldest first.
   * @param options Signal, and the batch as JSON Lines (sent as is for NDJSON when it fits one request).
   * @returns Nothing.
   * @throws {HttpSinkError} When the endpoint answers with a non-2xx status
   * (after retries for 429 and 5xx).
   */
  async write(
    records: readonly AuditLogRecord[],
    options: SinkWriteOptions = {},
  ): Promise<undefined> {
    for (let i = 0; i < records.length; i += this.#batchSize) {
      const batch = records.slice(i, i + this.#batchSize);
      const given = givenLines(records, options)?.slice(
        i,
        i + this.#batchSize,
      );
      const body = this.#format === "ndjson"
        ? given?.join("") ??
          batch.map((r) => JSON.stringify(r) + "\n").join("")
        : JSON.stringify(batch);
      const key = sha256Hex(batch.map((r) => r.id).join("\n"));
      await this.#transport.send(
        () =>
          new Request(this.#url, {
            method: "POST",
            headers: {
              ...this.#headers,
              "Content-Type": this.#format === "ndjson"
                ? "application/x-ndjson"
                : "application/json",
              "Idempotency-Key": key,
            },
            body,
          }),
        async (response) => {
          await response.body?.cancel();
          if (response.ok) return;
          throw new HttpSinkError(
            `HTTP sink request failed: ${response.status} from '${
              redactUrl(this.#url)
            }'`,
            response.status,
          );
        },
        options.signal ? { signal: options.signal } : {},
      );
    }
    return undefined;
  }
}
