/**
 * Static tables the emulated audit log draws its entries from: the event
 * catalogue, client platforms, and the deterministic hash that picks details.
 *
 * @module
 */

import { mulberry32 } from "./_random.ts";

/** One event of the audit-log event catalogue (GraphQL `audit_event_catalogue`). */
export interface AuditEventDefinition {
  /** The event slug, e.g. `login`. */
  name: string;
  /** What the event records. */
  description: string;
  /** The keys its `activity_metadata` may hold, as a JSON string of `{key: description}`. */
  metadata_details: string;
}

/** The events the emulator's audit log records, with their relative frequency. */
const EVENT_TABLE: ReadonlyArray<
  readonly [
    name: string,
    weight: number,
    description: string,
    metadata: Record<string, string>,
  ]
> = [
  ["login", 30, "A user logged in", {}],
  ["logout", 18, "A user logged out", {}],
  ["failed-login", 6, "A login attempt failed", {
    reason: "Why the login failed",
  }],
  ["forgot-password", 2, "A user asked for a password reset", {}],
  ["export-board", 5, "A board was exported", {
    board_id: "The exported board",
    board_name: "Its name",
  }],
  ["export-board-activity-log", 1, "A board's activity log was exported", {
    board_id: "The board",
  }],
  ["export-account-data", 1, "The account's data was exported", {}],
  ["export-dashboard", 1, "A dashboard was exported", {
    dashboard_id: "The exported dashboard",
  }],
  ["download-attachment", 8, "A file was downloaded", {
    asset_id: "The downloaded file",
    file_name: "Its name",
  }],
  ["user-invite", 3, "A user was invited", {
    invited_user_email: "Who was invited",
  }],
  ["cancel-user-invite", 1, "An invitation was cancelled", {
    invited_user_email: "Whose invitation",
  }],
  ["user-role-change", 2, "A user's role changed", {
    target_user_id: "The user",
    old_role: "Role before",
    new_role: "Role after",
  }],
  ["user-deactivated", 1, "A user was deactivated", {
    target_user_id: "The user",
  }],
  ["user-reactivated", 1, "A user was reactivated", {
    target_user_id: "The user",
  }],
  ["user-details-deleted", 1, "A user's details were deleted", {
    target_user_id: "The user",
  }],
  ["delete-board", 3, "A board was deleted", {
    board_id: "The board",
    board_name: "Its name",
  }],
  ["delete-workspace", 1, "A workspace was deleted", {
    workspace_id: "The workspace",
  }],
  ["create-team", 1, "A team was created", {
    team_id: "The team",
    team_name: "Its name",
  }],
  ["delete-team", 1, "A team was deleted", { team_id: "The team" }],
  ["add-user-to-team", 2, "A user joined a team", {
    team_id: "The team",
    target_user_id: "The user",
  }],
  ["remove-user-from-team", 1, "A user left a team", {
    team_id: "The team",
    target_user_id: "The user",
  }],
  ["add-user-to-product", 1, "A user was given a product", {
    product: "The product",
    target_user_id: "The user",
  }],
  ["remove-user-from-product", 1, "A user lost a product", {
    product: "The product",
    target_user_id: "The user",
  }],
  ["security-settings-change", 2, "Security settings changed", {
    setting: "Which setting",
    old_value: "Value before",
    new_value: "Value after",
  }],
];

/**
 * The event slugs, in catalogue order (an entry stores an index into this list).
 *
 * @example Includes login
 * ```ts
 * import assert from "node:assert/strict";
 * import { AUDIT_EVENT_NAMES } from "./_audit_data.ts";
 *
 * assert.equal(AUDIT_EVENT_NAMES[0], "login");
 * ```
 */
export const AUDIT_EVENT_NAMES: readonly string[] = EVENT_TABLE.map((row) =>
  row[0]
);

/**
 * The event catalogue, as GraphQL `audit_event_catalogue` answers it.
 *
 * @example List the event names
 * ```ts
 * import assert from "node:assert/strict";
 * import { AUDIT_EVENT_CATALOGUE } from "./_audit_data.ts";
 *
 * assert.ok(AUDIT_EVENT_CATALOGUE.some((event) => event.name === "login"));
 * ```
 */
export const AUDIT_EVENT_CATALOGUE: readonly AuditEventDefinition[] =
  EVENT_TABLE
    .map(([name, , description, metadata]) => ({
      name,
      description,
      metadata_details: JSON.stringify(metadata),
    }));

/**
 * Cumulative event weights, scaled to 0..1, in the order of
 * {@linkcode AUDIT_EVENT_NAMES}: an entry's event is the first whose weight
 * reaches a uniform random number.
 *
 * @example Ends at one
 * ```ts
 * import assert from "node:assert/strict";
 * import { EVENT_CUMULATIVE } from "./_audit_data.ts";
 *
 * assert.equal(EVENT_CUMULATIVE[EVENT_CUMULATIVE.length - 1], 1);
 * ```
 */
export const EVENT_CUMULATIVE: Float64Array = (() => {
  const total = EVENT_TABLE.reduce((sum, row) => sum + row[1], 0);
  const out = new Float64Array(EVENT_TABLE.length);
  let running = 0;
  EVENT_TABLE.forEach((row, i) => {
    running += row[1];
    out[i] = running / total;
  });
  return out;
})();

/** A client platform an entry can come from. */
export interface Platform {
  /** Browser or app name. */
  client_name: string;
  /** Its version. */
  client_version: string;
  /** Operating system. */
  os_name: string;
  /** Its version. */
  os_version: string;
  /** Device name. */
  device_name: string;
  /** `desktop`, `mobile` or `tablet`. */
  device_type: string;
  /** The `User-Agent` header the client sent. */
  user_agent: string;
}

/**
 * The platforms entries come from.
 *
 * @example Desktop and mobile
 * ```ts
 * import assert from "node:assert/strict";
 * import { PLATFORMS } from "./_audit_data.ts";
 *
 * assert.ok(PLATFORMS.some((p) => p.device_type === "mobile"));
 * ```
 */
export const PLATFORMS: readonly Platform[] = [
  {
    client_name: "Chrome",
    client_version: "131.0.0.0",
    os_name: "Mac OS",
    os_version: "10.15.7",
    device_name: "Macintosh",
    device_type: "desktop",
    user_agent:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  },
  {
    client_name: "Chrome",
    client_version: "131.0.0.0",
    os_name: "Windows",
    os_version: "10",
    device_name: "",
    device_type: "desktop",
    user_agent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  },
  {
    client_name: "Firefox",
    client_version: "133.0",
    os_name: "Linux",
    os_version: "",
    device_name: "",
    device_type: "desktop",
    user_agent:
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  },
  {
    client_name: "Safari",
    client_version: "18.1",
    os_name: "Mac OS",
    os_version: "10.15.7",
    device_name: "Macintosh",
    device_type: "desktop",
    user_agent:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  },
  {
    client_name: "Edge",
    client_version: "131.0.2903.70",
    os_name: "Windows",
    os_version: "10",
    device_name: "",
    device_type: "desktop",
    user_agent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
  },
  {
    client_name: "Mobile Safari",
    client_version: "18.1",
    os_name: "iOS",
    os_version: "18.1",
    device_name: "iPhone",
    device_type: "mobile",
    user_agent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  },
  {
    client_name: "Chrome Mobile",
    client_version: "131.0.6778.81",
    os_name: "Android",
    os_version: "14",
    device_name: "Pixel 8",
    device_type: "mobile",
    user_agent:
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
  },
  {
    client_name: "Mobile Safari",
    client_version: "18.1",
    os_name: "iOS",
    os_version: "18.1",
    device_name: "iPad",
    device_type: "tablet",
    user_agent:
      "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  },
];

/**
 * How many IP addresses each user logs in from.
 *
 * @example Three
 * ```ts
 * import assert from "node:assert/strict";
 * import { IPS_PER_USER } from "./_audit_data.ts";
 *
 * assert.equal(IPS_PER_USER, 3);
 * ```
 */
export const IPS_PER_USER = 3;

/**
 * The IP address with a given index: user `index / IPS_PER_USER`, its
 * `index % IPS_PER_USER`-th address (documentation ranges, RFC 5737).
 *
 * @param index The IP index stored with an entry.
 * @returns The dotted address.
 *
 * @example First addresses
 * ```ts
 * import assert from "node:assert/strict";
 * import { ipAddress } from "./_audit_data.ts";
 *
 * assert.equal(ipAddress(0), "192.0.2.1");
 * assert.equal(ipAddress(1), "198.51.100.1");
 * ```
 */
export function ipAddress(index: number): string {
  const user = Math.floor(index / IPS_PER_USER);
  const which = index % IPS_PER_USER;
  const prefix = which === 0
    ? "192.0.2"
    : which === 1
    ? "198.51.100"
    : "203.0.113";
  return `${prefix}.${(user % 254) + 1}`;
}

/**
 * A 32-bit mixing hash (a Murmur3-style finaliser) of two numbers, for
 * deterministic per-entry details.
 *
 * @param a First input (e.g. the seed).
 * @param b Second input (e.g. the entry's index).
 * @returns An unsigned 32-bit integer.
 *
 * @example Deterministic
 * ```ts
 * import assert from "node:assert/strict";
 * import { mix } from "./_audit_data.ts";
 *
 * assert.equal(mix(1, 2), mix(1, 2));
 * assert.notEqual(mix(1, 2), mix(1, 3));
 * ```
 */
export function mix(a: number, b: number): number {
  let h = (Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A small, fast seeded pseudo-random generator (mulberry32).
 *
 * @param seed Any integer.
 * @returns A function giving numbers in [0, 1).
 *
 * @example Same seed, same numbers
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./_audit_data.ts";
 *
 * assert.equal(seededRandom(3)(), seededRandom(3)());
 * ```
 */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}
