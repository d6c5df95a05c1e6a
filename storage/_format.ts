// The settings format: a fixed 46-byte header, authenticated as AES-GCM
// associated data, followed by the ciphertext and its 16-byte tag.
// docs/settings-format.md is the byte-by-byte specification; keep them equal.

import { SettingsDecryptError, SettingsFormatError } from "./errors.ts";
import type { SettingsRecord } from "./types.ts";

/** `\x89 M K S \r \n \x1a \n`: binary, and catches text-mode mangling. */
export const MAGIC: Uint8Array = Uint8Array.of(
  0x89,
  0x4d,
  0x4b,
  0x53,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
);
export const FORMAT_VERSION = 1;
export const KDF_PBKDF2 = 1;
export const KDF_HKDF = 2;
export type KdfId = typeof KDF_PBKDF2 | typeof KDF_HKDF;

export interface DerivedKey {
  kdf: KdfId;
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  key: CryptoKey;
}

/** Where an encrypted store gets keys; resolves lazily and caches. */
export interface KeySource {
  kdf(): Promise<KdfId>;
  describe(): Promise<string>;
  forWrite(): Promise<DerivedKey>;
  forRead(
    kdf: KdfId,
    iterations: number,
    salt: Uint8Array<ArrayBuffer>,
  ): Promise<CryptoKey>;
}

export const SALT_LENGTH = 16;
export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;
export const HEADER_LENGTH = 8 + 1 + 1 + 4 + SALT_LENGTH + IV_LENGTH + 4; // 46
export const MIN_ITERATIONS = 600_000;
export const MAX_ITERATIONS = 10_000_000;
/** Largest ciphertext accepted on read (and written): 16 MiB. */
export const MAX_CIPHERTEXT_LENGTH = 16 * 1024 * 1024;

/** How messages name the data and what to advise. */
export interface Subject {
  /** The `location` property of thrown errors. */
  location: string;
  /** E.g. `settings file '/x'`, `settings in 'kv://p'`, `transfer blob`. */
  what: string;
  /** What the user can do about unreadable data. */
  advice: string;
}

export interface Header {
  version: number;
  kdf: KdfId;
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  length: number;
}

function formatError(
  subject: Subject,
  reason: SettingsFormatError["reason"],
  detail: string,
): SettingsFormatError {
  return new SettingsFormatError(
    subject.location,
    reason,
    `Cannot read ${subject.what}: ${detail}; ${subject.advice}`,
  );
}

/** Parses and validates the header; checks the total length against it. */
export function parseHeader(bytes: Uint8Array, subject: Subject): Header {
  const magicPart = bytes.subarray(0, MAGIC.length);
  for (let i = 0; i < magicPart.length; i++) {
    if (magicPart[i] !== MAGIC[i]) {
      throw formatError(
        subject,
        "notSettingsFile",
        "not a mondaykit settings file (unknown magic bytes)",
      );
    }
  }
  if (bytes.length < HEADER_LENGTH) {
    throw formatError(
      subject,
      "truncated",
      `truncated: ${bytes.length} bytes, shorter than the ${HEADER_LENGTH}-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(8);
  if (version !== FORMAT_VERSION) {
    throw formatError(
      subject,
      "unsupportedVersion",
      `unsupported format version ${version} (this release reads version ${FORMAT_VERSION}; upgrade mondaykit to read it)`,
    );
  }
  const kdf = view.getUint8(9);
  const iterations = view.getUint32(10);
  if (kdf === KDF_PBKDF2) {
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw formatError(
        subject,
        "badParameters",
        `PBKDF2 iteration count ${iterations} is outside ${MIN_ITERATIONS}..${MAX_ITERATIONS}`,
      );
    }
  } else if (kdf === KDF_HKDF) {
    if (iterations !== 0) {
      throw formatError(
        subject,
        "badParameters",
        `HKDF parameter field is ${iterations}, expected 0`,
      );
    }
  } else {
    throw formatError(
      subject,
      "badParameters",
      `unknown key derivation id ${kdf}`,
    );
  }
  const length = view.getUint32(42);
  if (length < TAG_LENGTH || length > MAX_CIPHERTEXT_LENGTH) {
    throw formatError(
      subject,
      "badParameters",
      `ciphertext length ${length} is outside ${TAG_LENGTH}..${MAX_CIPHERTEXT_LENGTH}`,
    );
  }
  const available = bytes.length - HEADER_LENGTH;
  if (available < length) {
    throw formatError(
      subject,
      "truncated",
      `truncated: ${available} of ${length} ciphertext bytes present`,
    );
  }
  if (available > length) {
    throw formatError(
      subject,
      "badParameters",
      `${available - length} unexpected bytes after the ciphertext`,
    );
  }
  return {
    version,
    kdf,
    iterations,
    salt: bytes.slice(14, 30),
    iv: bytes.slice(30, 42),
    length,
  };
}

function writeHeader(header: Header): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(HEADER_LENGTH);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint8(8, header.version);
  view.setUint8(9, header.kdf);
  view.setUint32(10, header.iterations);
  out.set(header.salt, 14);
  out.set(header.iv, 30);
  view.setUint32(42, header.length);
  return out;
}

/** Serialises a record to UTF-8 JSON, checking it is a plain JSON object. */
export function encodeRecord(
  record: SettingsRecord,
  what: string,
): Uint8Array<ArrayBuffer> {
  if (
    typeof record !== "object" || record === null || Array.isArray(record)
  ) {
    throw new TypeError(
      `Cannot save ${what}: the record must be a plain object, got ${
        record === null
          ? "null"
          : Array.isArray(record)
          ? "an array"
          : typeof record
      }`,
    );
  }
  let text: string;
  try {
    text = JSON.stringify(record);
  } catch (error) {
    throw new TypeError(
      `Cannot save ${what}: the record is not JSON-serialisable: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  return new TextEncoder().encode(text);
}

/** Encrypts a record into the settings format. */
export function seal(
  record: SettingsRecord,
  keys: KeySource,
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  return sealBytes(encodeRecord(record, what), keys, what);
}

/** Encrypts UTF-8 JSON (from {@linkcode encodeRecord}) into the settings format. */
export async function sealBytes(
  plaintext: Uint8Array<ArrayBuffer>,
  keys: KeySource,
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length + TAG_LENGTH > MAX_CIPHERTEXT_LENGTH) {
    throw new RangeError(
      `Cannot save ${what}: the record is ${plaintext.length} bytes, larger than ${
        MAX_CIPHERTEXT_LENGTH - TAG_LENGTH
      }`,
    );
  }
  const derived = await keys.forWrite();
  const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH));
  const header = writeHeader({
    version: FORMAT_VERSION,
    kdf: derived.kdf,
    iterations: derived.iterations,
    salt: derived.salt,
    iv,
    length: plaintext.length + TAG_LENGTH,
  });
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: header, tagLength: 128 },
      derived.key,
      plaintext,
    ),
  );
  const out = new Uint8Array(HEADER_LENGTH + ciphertext.length);
  out.set(header, 0);
  out.set(ciphertext, HEADER_LENGTH);
  return out;
}

/** Decrypts settings-format bytes into a record; fails closed. */
export async function unseal(
  bytes: Uint8Array,
  keys: KeySource,
  subject: Subject,
): Promise<SettingsRecord> {
  const header = parseHeader(bytes, subject);
  const kdfName = (kdf: KdfId) =>
    kdf === KDF_PBKDF2 ? "a passphrase" : "a raw key";
  const sourceKdf = await keys.kdf();
  if (sourceKdf !== header.kdf) {
    throw new SettingsDecryptError(
      subject.location,
      `Cannot decrypt ${subject.what}: it was encrypted with ${
        kdfName(header.kdf)
      } but the key comes from ${await keys.describe()}, which is ${
        kdfName(sourceKdf)
      }; supply the key it was saved with, or ${subject.advice}`,
    );
  }
  const key = await keys.forRead(header.kdf, header.iterations, header.salt);
  const aad = bytes.slice(0, HEADER_LENGTH);
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: header.iv, additionalData: aad, tagLength: 128 },
        key,
        bytes.slice(HEADER_LENGTH),
      ),
    );
  } catch (cause) {
    throw new SettingsDecryptError(
      subject.location,
      `Cannot decrypt ${subject.what}: wrong key or the data was modified (key from ${await keys
        .describe()}); supply the key it was saved with, or ${subject.advice}`,
      { cause },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(plaintext),
    );
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw formatError(
      subject,
      "badContent",
      "it decrypted but does not hold a JSON object",
    );
  }
  return value as SettingsRecord;
}
