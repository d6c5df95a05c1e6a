/**
 * The options and result of `MondayClient.uploadFile`, and how a file given
 * as a Blob, bytes or a path becomes the multipart body `/v2/file` expects.
 *
 * @module
 */

import { uploadDocument } from "./_documents.ts";

/** The largest file monday accepts: 500 MB. */
export const DEFAULT_MAX_FILE_SIZE: number = 500 * 1024 * 1024;

/**
 * A file to upload: a `Blob` or `File`, bytes, or a path (string or `file:`
 * URL) read from disk (needs `--allow-read`).
 */
export type UploadSource = Blob | Uint8Array | ArrayBuffer | string | URL;

/** Common options of an upload. */
export interface UploadFileCommonOptions {
  /** The file. */
  file: UploadSource;
  /**
   * The file name monday shows.
   *
   * @default {the `File`'s name, the path's last segment, else "file"}
   */
  fileName?: string;
  /**
   * The file's media type.
   *
   * @default {the Blob's type, else "application/octet-stream"}
   */
  contentType?: string;
  /**
   * The largest size to send, in bytes; bigger files throw before any
   * request.
   *
   * @default {the client's `maxFileSize` (500 MB)}
   */
  maxFileSize?: number;
  /** Cancels the upload. */
  signal?: AbortSignal;
  /**
   * The `Idempotency-Key` for the upload mutation.
   *
   * @default {a fresh `crypto.randomUUID()`}
   */
  idempotencyKey?: string;
  /**
   * `false` to never send the upload twice. Even when `true`, an upload is
   * retried only where it cannot have run (a connection refused before
   * sending, a 429, a 409), never after a timeout or a lost response.
   *
   * @default {true}
   */
  retry?: boolean;
}

/** Attach a file to an item's file column. */
export interface UploadToColumnOptions extends UploadFileCommonOptions {
  /** The item's id. */
  itemId: string | number;
  /** The file column's id (e.g. `files`). */
  columnId: string;
}

/** Attach a file to an update. */
export interface UploadToUpdateOptions extends UploadFileCommonOptions {
  /** The update's id. */
  updateId: string | number;
}

/** What `MondayClient.uploadFile` accepts. */
export type UploadFileOptions = UploadToColumnOptions | UploadToUpdateOptions;

/** The asset monday created for an uploaded file. */
export interface Asset {
  /** The asset's id. */
  id: string;
  /** Its file name. */
  name: string;
  /** Where to download it (needs auth). */
  url: string;
  /** The extension, e.g. `pdf`. */
  file_extension: string;
  /** The size in bytes. */
  file_size: number;
}

/** An upload ready to send. */
export interface PreparedUpload {
  /** The mutation text. */
  query: string;
  /** The file as a Blob. */
  blob: Blob;
  /** The file name sent. */
  fileName: string;
  /** `add_file_to_column` or `add_file_to_update`. */
  field: "add_file_to_column" | "add_file_to_update";
}

interface FileSystem {
  size(path: string): Promise<number>;
  read(path: string): Promise<Uint8Array>;
}

async function fileSystem(): Promise<FileSystem> {
  const deno = (globalThis as {
    Deno?: {
      stat(path: string): Promise<{ size: number }>;
      readFile(path: string): Promise<Uint8Array>;
    };
  }).Deno;
  if (deno) {
    return {
      size: async (path) => (await deno.stat(path)).size,
      read: (path) => deno.readFile(path),
    };
  }
  const fs = await import("node:fs/promises");
  return {
    size: async (path) => (await fs.stat(path)).size,
    read: async (path) => new Uint8Array(await fs.readFile(path)),
  };
}

function tooBig(size: number, max: number, what: string): RangeError {
  return new RangeError(
    `Cannot upload ${what}: its size ${size} bytes exceeds the limit of ${max} bytes`,
  );
}

function idOf(value: unknown, what: string): string {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d+$/.test(text)) {
    throw new TypeError(
      `Invalid '${what}': expected a numeric id, got '${String(value)}'`,
    );
  }
  return text;
}

/**
 * Checks the options, checks the file's size, and reads the file.
 *
 * @param options The upload's options.
 * @param defaultMaxFileSize The client's limit.
 * @returns The mutation and the file.
 * @throws {TypeError} When an id, the column or the file is missing or malformed.
 * @throws {RangeError} When the file is larger than the limit.
 */
export async function prepareUpload(
  options: UploadFileOptions,
  defaultMaxFileSize: number = DEFAULT_MAX_FILE_SIZE,
): Promise<PreparedUpload> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Invalid upload options: expected an object");
  }
  const max = options.maxFileSize ?? defaultMaxFileSize;
  if (typeof max !== "number" || !(max > 0)) {
    throw new RangeError(
      `Invalid 'maxFileSize': expected a positive number of bytes, got '${
        String(max)
      }'`,
    );
  }
  let query: string;
  let field: PreparedUpload["field"];
  if ("updateId" in options && options.updateId !== undefined) {
    query = uploadDocument({ updateId: idOf(options.updateId, "updateId") });
    field = "add_file_to_update";
  } else {
    const o = options as UploadToColumnOptions;
    const itemId = idOf(o.itemId, "itemId");
    if (typeof o.columnId !== "string" || o.columnId.trim() === "") {
      throw new TypeError(
        `Invalid 'columnId': expected a column id such as 'files', got '${
          String(o.columnId)
        }'`,
      );
    }
    query = uploadDocument({ itemId, columnId: o.columnId });
    field = "add_file_to_column";
  }
  const file = options.file;
  let blob: Blob;
  let name = options.fileName;
  if (file instanceof Blob) {
    if (file.size > max) throw tooBig(file.size, max, "the file");
    blob = file;
    if (name === undefined && typeof (file as File).name === "string") {
      name = (file as File).name || undefined;
    }
  } else if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
    if (file.byteLength > max) throw tooBig(file.byteLength, max, "the file");
    blob = new Blob([file as Uint8Array<ArrayBuffer>]);
  } else if (typeof file === "string" || file instanceof URL) {
    const path = file instanceof URL ? decodeFilePath(file) : file;
    if (path === "") throw new TypeError("Invalid 'file': the path is empty");
    const fs = await fileSystem();
    const size = await fs.size(path);
    if (size > max) throw tooBig(size, max, `'${path}'`);
    blob = new Blob([await fs.read(path) as Uint8Array<ArrayBuffer>]);
    if (blob.size > max) throw tooBig(blob.size, max, `'${path}'`);
    name ??= path.split(/[\\/]/).pop() || undefined;
  } else {
    throw new TypeError(
      "Invalid 'file': expected a Blob, File, Uint8Array, ArrayBuffer or a path",
    );
  }
  const type = options.contentType ?? (blob.type || "application/octet-stream");
  if (blob.type !== type) blob = new Blob([blob], { type });
  return { query, blob, fileName: name ?? "file", field };
}

function decodeFilePath(url: URL): string {
  if (url.protocol !== "file:") {
    throw new TypeError(
      `Invalid 'file': only file: URLs can be read, got '${url.protocol}'`,
    );
  }
  let path = decodeURIComponent(url.pathname);
  if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  return path;
}
