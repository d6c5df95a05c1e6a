/**
 * Reading command inputs: `@file`, `-` (stdin), JSON files.
 *
 * @module
 */

import { UsageError } from "./errors.ts";

/**
 * Reads all of a stream as text.
 *
 * @param stream The stream.
 * @returns The text.
 */
export async function readAllText(
  stream: ReadableStream<Uint8Array>,
): Promise<string> {
  return await new Response(stream).text();
}

/**
 * Reads a text file, turning a failure into a usage error that names the flag and file.
 *
 * @param path The file.
 * @param what What the file is, e.g. "query file".
 * @param command The command, for the help hint.
 * @returns The text.
 * @throws {UsageError} When the file cannot be read.
 */
export async function readTextArgument(
  path: string,
  what: string,
  command: string,
): Promise<string> {
  return new TextDecoder().decode(await readBytesArgument(path, what, command));
}

/**
 * Reads a file, turning a failure into a usage error that names the file.
 *
 * @param path The file.
 * @param what What the file is, e.g. "export file".
 * @param command The command, for the help hint.
 * @returns The bytes.
 * @throws {UsageError} When the file cannot be read.
 */
export async function readBytesArgument(
  path: string,
  what: string,
  command: string,
): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new UsageError(`Cannot read ${what} '${path}': ${reason}`, command);
  }
}
