// Path helpers for the storage tests. Not a test file.
import { fileURLToPath } from "node:url";

/** The file system path of a file: URL. */
export function fromFileUrl(url: URL): string {
  return fileURLToPath(url);
}
