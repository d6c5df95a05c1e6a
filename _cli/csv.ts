/**
 * RFC 4180 CSV fields and rows.
 *
 * @module
 */

/**
 * Quotes a field when it holds a comma, quote, CR or LF (or leading/trailing space).
 *
 * @param value The value; objects become JSON, null and undefined empty.
 * @returns The field.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string"
    ? value
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);
  return /[",\r\n]|^\s|\s$/.test(text)
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/**
 * One CSV record with its CRLF line ending.
 *
 * @param values The fields.
 * @returns The line.
 */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(",") + "\r\n";
}
