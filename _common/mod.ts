/**
 * Rules the whole package shares, each in one file: the API version, the
 * account domain, reading the environment, "did you mean" suggestions and
 * the default endpoints. Internal to the package: nothing outside it
 * imports this room, and it imports nothing but `_http/` helpers.
 *
 * @module
 */

export {
  API_VERSION_RULE,
  checkApiVersion,
  normalizeApiVersion,
} from "./api_version.ts";
export {
  type AccountDomainOptions,
  checkAccountDomain,
} from "./account_domain.ts";
export { envPermitted, type EnvReader, readEnv } from "./env.ts";
export { didYouMean, editDistance } from "./did_you_mean.ts";
export { DEFAULT_API_URL } from "./endpoints.ts";
