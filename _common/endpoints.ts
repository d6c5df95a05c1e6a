/**
 * monday.com's default endpoints, named once.
 *
 * @module
 */

/** monday's GraphQL endpoint, the default `apiUrl` (`ApiUrl`). The file endpoint and `get_schema` live beside it. */
export const DEFAULT_API_URL = "https://api.monday.com/v2";
