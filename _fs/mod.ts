/**
 * Package-internal file I/O: atomic, durable writes with a chosen mode. Only
 * code inside the package imports it.
 *
 * @module
 */

export {
  AtomicFile,
  type AtomicFileOps,
  type AtomicFsFile,
  type AtomicWriteOptions,
  checkFileMode,
  fileOps,
  parseFileMode,
  TEMP_SUFFIX,
  tempPathFor,
  writeFileAtomic,
  writeTempFile,
} from "./atomic_write.ts";
