/**
 * The options of `MondayClient.fetchSchema` and the `get_schema` URL it
 * calls.
 *
 * @module
 */

/** Options of `MondayClient.fetchSchema`. */
export interface FetchSchemaOptions {
  /**
   * The API version whose schema to fetch: `YYYY-MM` or `dev`.
   *
   * @default {the client's `apiVersion`}
   */
  version?: string;
  /**
   * `sdl` for schema definition language text, `json` for the introspection
   * result.
   *
   * @default {"sdl"}
   */
  format?: "sdl" | "json";
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** The introspection result `fetchSchema({ format: "json" })` returns. */
export type IntrospectionResult = Record<string, unknown>;

/**
 * The `get_schema` URL for a version and format.
 *
 * @param schemaUrl The endpoint, e.g. `https://api.monday.com/v2/get_schema`.
 * @param version The API version.
 * @param format `sdl` or `json`.
 * @returns The URL to GET.
 */
export function schemaRequestUrl(
  schemaUrl: string,
  version: string,
  format: "sdl" | "json",
): string {
  const url = new URL(schemaUrl);
  if (format === "sdl") url.searchParams.set("format", "sdl");
  url.searchParams.set("version", version);
  return url.href;
}
