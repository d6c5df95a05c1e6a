/**
 * The commands and flags of the `mondaykit` command line, with their help.
 *
 * @module
 */

/** One flag. */
export interface OptionSpec {
  /** Whether the flag takes a value. */
  type: "string" | "boolean";
  /** Whether the flag may be repeated (values collected in order). */
  multiple?: boolean;
  /** One-letter alias. */
  short?: string;
  /** Placeholder for the value in help, e.g. `<id>`. */
  value?: string;
  /** One line of help. */
  description: string;
}

/** One command, e.g. `items export`. */
export interface CommandSpec {
  /** The full command name, e.g. `"items export"`. */
  name: string;
  /** One line shown in the command list. */
  summary: string;
  /** The usage line after `mondaykit `. */
  usage: string;
  /** Longer description, shown in the command's help. */
  description: string;
  /** Positional arguments, for help and counting. */
  positionals: { name: string; required: boolean }[];
  /** The command's own flags (globals are added). */
  options: Record<string, OptionSpec>;
  /** Example invocations. */
  examples: string[];
}

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  connection: {
    type: "string",
    value: "<string>",
    description:
      "Connection string, e.g. 'APIToken=…;ApiVersion=2026-10' (default: $MONDAYKIT_CONNECTION)",
  },
  token: {
    type: "string",
    value: "<token>",
    description:
      "Personal API token (default: $MONDAY_API_TOKEN); prefer the variable, flags show in ps",
  },
  "audit-token": {
    type: "string",
    value: "<token>",
    description: "Audit Log API token (default: $MONDAY_AUDIT_TOKEN)",
  },
  domain: {
    type: "string",
    value: "<url>",
    description:
      "Account URL, e.g. https://acme.monday.com (the audit API lives under it)",
  },
  settings: {
    type: "string",
    value: "<location>",
    description:
      "Where OAuth tokens are kept: a file path, memory://id or kv://prefix (default: the user's config directory)",
  },
  "api-version": {
    type: "string",
    value: "<YYYY-MM>",
    description: "API version to send (default: the pinned current version)",
  },
  "api-url": {
    type: "string",
    value: "<url>",
    description: "GraphQL endpoint (default: https://api.monday.com/v2)",
  },
  "auth-url": {
    type: "string",
    value: "<url>",
    description: "OAuth server (default: https://auth.monday.com)",
  },
  proxy: {
    type: "string",
    value: "<host[:port]|url>",
    description:
      "HTTP proxy for every request (ProxyServer; default: $HTTPS_PROXY/$HTTP_PROXY, minus $NO_PROXY)",
  },
  "client-id": {
    type: "string",
    value: "<id>",
    description: "OAuth client id",
  },
  "client-secret": {
    type: "string",
    value: "<secret>",
    description: "OAuth client secret (prefer the connection string variable)",
  },
  "callback-url": {
    type: "string",
    value: "<url>",
    description: "OAuth redirect URL registered for the app",
  },
  scope: {
    type: "string",
    value: "<scopes>",
    description: "OAuth scopes, space-separated",
  },
  timeout: {
    type: "string",
    value: "<seconds>",
    description: "Timeout of each request, in seconds",
  },
  json: {
    type: "boolean",
    description:
      'Machine-readable output, errors included: {"error": {"code", "message"}}',
  },
  quiet: {
    type: "boolean",
    short: "q",
    description: "Print nothing but data and errors",
  },
  verbose: {
    type: "boolean",
    short: "v",
    description: "Log each HTTP request to stderr (secrets masked)",
  },
  color: {
    type: "boolean",
    description: "No colours (as does NO_COLOR)",
  },
  help: { type: "boolean", short: "h", description: "Show help" },
  version: { type: "boolean", short: "V", description: "Show the version" },
};

const FORMAT: OptionSpec = {
  type: "string",
  value: "<jsonl|csv>",
  description: "Output format (default: jsonl)",
};

/** Every command, by full name. */
export const COMMANDS: Record<string, CommandSpec> = {
  query: {
    name: "query",
    summary: "Run a GraphQL query or mutation and print its data",
    usage:
      "query <document | @file | -> [--var name=value]... [--vars-file f] [--all-pages]",
    description:
      "Sends one GraphQL document and prints the `data` as JSON on stdout. The document is given inline, read from a file (@file) or from stdin (-). Variables come from --var (values parsed as JSON when they parse, else kept as strings) and --vars-file (a JSON object); --var wins. With --all-pages, the document is sent again page by page and the records are printed one JSON object per line; it must declare a `$cursor: String` variable passed to items_page(cursor:) (with `cursor` and `items` selected; it is re-sent with each returned cursor until that is null) or a `$page: Int` variable (pages counted up from 1 until one comes back empty). Other documents are refused with exit code 2.",
    positionals: [{ name: "document", required: true }],
    options: {
      var: {
        type: "string",
        multiple: true,
        value: "<name=value>",
        description: "A variable; repeat for more",
      },
      "vars-file": {
        type: "string",
        value: "<file>",
        description: "JSON file with variables",
      },
      "all-pages": {
        type: "boolean",
        description:
          "Re-send the document for every page ($cursor or $page variable required); print records as JSON Lines",
      },
    },
    examples: [
      `mondaykit query '{ me { id name } }'`,
      `mondaykit query 'query ($ids: [ID!]) { boards(ids: $ids) { name } }' --var ids='[123]'`,
      `mondaykit query @report.graphql --vars-file vars.json > out.json`,
    ],
  },
  "items export": {
    name: "items export",
    summary: "Export every item of a board as JSON Lines or CSV",
    usage:
      "items export --board <id> [--format jsonl|csv] [--out f] [--mode 0600] [--csv-raw] [--page-size n]",
    description:
      "Pages through all items of a board (items_page, then next_items_page; an expired cursor is restarted without repeating items). Without --out, writes to stdout; with --out, the file appears complete or not at all (written to a temporary file, then renamed).",
    positionals: [],
    options: {
      board: {
        type: "string",
        value: "<id>",
        description: "The board's id (required)",
      },
      format: FORMAT,
      out: {
        type: "string",
        value: "<file>",
        description: "Write to this file instead of stdout",
      },
      "page-size": {
        type: "string",
        value: "<n>",
        description: "Items per request, 1-500 (default: 100)",
      },
      mode: {
        type: "string",
        value: "<octal>",
        description:
          "File mode of the new --out file (default: 0600: only you can read it)",
      },
      "csv-raw": {
        type: "boolean",
        description:
          "CSV: write cells starting with = + - @ as they are (default: prefix a ' so spreadsheets do not run them as formulas)",
      },
    },
    examples: [
      "mondaykit items export --board 1234567890 > items.jsonl",
      "mondaykit items export --board 1234567890 --format csv --out items.csv",
    ],
  },
  sync: {
    name: "sync",
    summary: "Mirror the account into SQLite or PostgreSQL, incrementally",
    usage:
      "sync [--to <sqlite path | postgres://…>] [--boards <id,…>] [--workspaces <id,…>] [--full] [--full-every <duration>] [--tables <name,…>] [--concurrency <n>]",
    description:
      "Writes the account as SQL tables (boards, groups, columns, items, column_values, users, and one typed table board_<id> per board; see docs/tables.md). The first run reads each board whole; later runs read only what the boards' activity logs say changed, and read a board whole again when its columns change, when its logs cannot be trusted, or when its last whole read is older than --full-every. Each board is applied in one transaction. With an audit token (--audit-token or $MONDAY_AUDIT_TOKEN, and --domain), audit_logs fills from the Audit Log API. A PostgreSQL password may come from $PGPASSWORD and is masked in every message. Progress on a terminal, one summary line otherwise, --json for scripts.",
    positionals: [],
    options: {
      to: {
        type: "string",
        value: "<path|url>",
        description:
          "SQLite file or postgres:// URL (default: monday.db in the current directory)",
      },
      boards: {
        type: "string",
        multiple: true,
        value: "<id,…>",
        description: "Only these boards",
      },
      workspaces: {
        type: "string",
        multiple: true,
        value: "<id,…>",
        description: "Only boards of these workspaces",
      },
      full: {
        type: "boolean",
        description: "Read every board whole (ignore the activity logs)",
      },
      "full-every": {
        type: "string",
        value: "<duration>",
        description:
          "Read a board whole when its last whole read is older than this, e.g. 12h, 7d (default: 7d)",
      },
      tables: {
        type: "string",
        multiple: true,
        value: "<name,…>",
        description:
          "Only these tables: board_<id>; boards, groups, columns, items, column_values, updates (every board); users, workspaces, teams, team_users, tags; audit_logs",
      },
      concurrency: {
        type: "string",
        value: "<n>",
        description:
          "The sync's requests in flight at most: boards and their groups are read side by side (default: 40, monday's lowest plan cap)",
      },
    },
    examples: [
      "mondaykit sync",
      "mondaykit sync --to postgres://mirror@db.internal/monday --full-every 1d",
      "mondaykit sync --boards 1234567890 --json",
    ],
  },
  sql: {
    name: "sql",
    summary: "Run a read-only SQL query over the mirror",
    usage:
      "sql [--db <sqlite path | postgres://…>] [--refresh] [--format table|csv|json|jsonl] <SELECT …>",
    description:
      "Runs one statement read-only (SQLite opened read-only, PostgreSQL in a read-only transaction) and prints its rows: an aligned table on a terminal, CSV otherwise (formula-safe), or JSON/JSON Lines. --refresh first runs an incremental sync of the tables the statement names.",
    positionals: [{ name: "statement", required: true }],
    options: {
      db: {
        type: "string",
        value: "<path|url>",
        description:
          "SQLite file or postgres:// URL (default: monday.db in the current directory)",
      },
      refresh: {
        type: "boolean",
        description: "Sync the tables the statement names first",
      },
      format: {
        type: "string",
        value: "<table|csv|json|jsonl>",
        description:
          "Output format (default: table on a terminal, CSV otherwise; json with --json)",
      },
    },
    examples: [
      `mondaykit sql "SELECT name, status FROM board_1234567890 WHERE status = 'Stuck'"`,
      `mondaykit sql --refresh --format csv "SELECT * FROM items" > items.csv`,
    ],
  },
  "auditlog export": {
    name: "auditlog export",
    summary:
      "Export audit log entries, oldest first, without gaps or duplicates",
    usage:
      "auditlog export [--since t] [--until t] [--event e]... [--user id] [--ip a] [--format jsonl|csv] [--out f] [--checkpoint f] [--mode 0600] [--csv-raw] [--follow] [--interval s] [--source rest|graphql]",
    description:
      "Exports entries of the Audit Log API (needs an audit token: --audit-token, $MONDAY_AUDIT_TOKEN, or a connection string with Schema=AuditLog) or of GraphQL audit_logs (--source graphql, with the API token). Each entry gets a stable id (SHA-256 of its canonical JSON). With --checkpoint, a run resumes where the last one ended and repeats nothing; --out appends durably. --follow keeps polling every --interval seconds until Ctrl-C.",
    positionals: [],
    options: {
      since: {
        type: "string",
        value: "<time>",
        description:
          "ISO 8601 start, inclusive (default: from the checkpoint, else the API's oldest)",
      },
      until: {
        type: "string",
        value: "<time>",
        description: "ISO 8601 end (default: now minus the lag)",
      },
      event: {
        type: "string",
        multiple: true,
        value: "<slug>",
        description: "Only this event, e.g. login; repeat for more",
      },
      user: {
        type: "string",
        value: "<id>",
        description: "Only this user's entries",
      },
      ip: {
        type: "string",
        value: "<address>",
        description: "Only entries from this IP address",
      },
      format: FORMAT,
      out: {
        type: "string",
        value: "<file>",
        description: "Append to this file instead of stdout",
      },
      checkpoint: {
        type: "string",
        value: "<file>",
        description: "Checkpoint file: resume after the last exported entry",
      },
      mode: {
        type: "string",
        value: "<octal>",
        description:
          "File mode of the new --out file and --checkpoint file (default: 0600: only you can read it)",
      },
      "csv-raw": {
        type: "boolean",
        description:
          "CSV: write cells starting with = + - @ as they are (default: prefix a ' so spreadsheets do not run them as formulas)",
      },
      follow: {
        type: "boolean",
        description: "Keep polling for new entries until interrupted",
      },
      interval: {
        type: "string",
        value: "<seconds>",
        description: "Seconds between polls with --follow (default: 60)",
      },
      source: {
        type: "string",
        value: "<rest|graphql>",
        description: "Audit Log REST API or GraphQL audit_logs (default: rest)",
      },
    },
    examples: [
      "mondaykit auditlog export --since 2026-11-01T00:00:00Z --out audit.jsonl --checkpoint audit.ckpt",
      "mondaykit auditlog export --event login --event failed-login --format csv",
      "mondaykit auditlog export --follow --interval 60 --checkpoint audit.ckpt >> audit.jsonl",
    ],
  },
  "auth login": {
    name: "auth login",
    summary: "Log in with OAuth in the browser and store the tokens",
    usage:
      "auth login [--no-browser] [--callback-url url] [--client-id id] [--scope s]",
    description:
      "Runs the desktop OAuth flow: listens on the callback URL's loopback port, opens the authorization URL in the browser (always printing it too), and stores the tokens encrypted in the settings location.",
    positionals: [],
    options: {
      browser: {
        type: "boolean",
        description: "Only print the authorization URL; do not open a browser",
      },
    },
    examples: [
      "mondaykit auth login --client-id abc --callback-url http://127.0.0.1:8787/callback",
    ],
  },
  "auth url": {
    name: "auth url",
    summary: "Print an authorization URL for a headless host",
    usage: "auth url [--callback-url url] [--client-id id] [--scope s]",
    description:
      "Prints the authorization URL and keeps the pending PKCE verifier and state (encrypted) in the settings location. Open the URL on any machine, then pass the code or the whole redirect URL to `mondaykit auth exchange`.",
    positionals: [],
    options: {},
    examples: [
      "mondaykit auth url",
      "mondaykit auth exchange 'http://127.0.0.1:8787/callback?code=…&state=…'",
    ],
  },
  "auth exchange": {
    name: "auth exchange",
    summary:
      "Exchange the code (or the redirect URL) from `auth url` for tokens",
    usage: "auth exchange <code | redirect-url>",
    description:
      "Completes the headless flow started by `mondaykit auth url`: exchanges the code for tokens and stores them.",
    positionals: [{ name: "code", required: true }],
    options: {},
    examples: [
      "mondaykit auth exchange 'http://127.0.0.1:8787/callback?code=…&state=…'",
    ],
  },
  "auth status": {
    name: "auth status",
    summary: "Show who is logged in and when the token expires",
    usage: "auth status",
    description:
      "Shows the stored credentials: the user (name and email asked from the API's `me`, once, without retries; when the API cannot be reached only the ids from the token are shown), the scopes, the access token's expiry and the last 4 characters of the tokens. Exit code 3 when nothing usable is stored or the API refuses the access token.",
    positionals: [],
    options: {},
    examples: ["mondaykit auth status", "mondaykit auth status --json"],
  },
  "auth refresh": {
    name: "auth refresh",
    summary: "Refresh the stored access token now",
    usage: "auth refresh",
    description:
      "Exchanges the stored refresh token for new tokens and stores them.",
    positionals: [],
    options: {},
    examples: ["mondaykit auth refresh"],
  },
  "auth logout": {
    name: "auth logout",
    summary: "Delete the stored tokens (and revoke them with --revoke)",
    usage: "auth logout [--revoke]",
    description:
      "Deletes the stored tokens. With --revoke, first asks the OAuth server to revoke them.",
    positionals: [],
    options: {
      revoke: {
        type: "boolean",
        description: "Revoke the tokens at the OAuth server first",
      },
    },
    examples: ["mondaykit auth logout --revoke"],
  },
  "auth export": {
    name: "auth export",
    summary: "Export the stored tokens to a passphrase-protected file",
    usage: "auth export --out <file> [--passphrase-file f]",
    description:
      "Re-encrypts the stored settings under a passphrase for copying to another machine. The passphrase comes from --passphrase-file, $MONDAYKIT_TRANSFER_PASSPHRASE, or a prompt when stdin is a terminal.",
    positionals: [],
    options: {
      out: {
        type: "string",
        value: "<file>",
        description: "The file to write (required)",
      },
      "passphrase-file": {
        type: "string",
        value: "<file>",
        description: "Read the passphrase from this file (first line)",
      },
    },
    examples: ["mondaykit auth export --out mondaykit-settings.bin"],
  },
  "auth import": {
    name: "auth import",
    summary: "Import tokens exported with `auth export`",
    usage: "auth import <file> [--passphrase-file f]",
    description:
      "Decrypts a file written by `mondaykit auth export` and stores its settings in this machine's settings location.",
    positionals: [{ name: "file", required: true }],
    options: {
      "passphrase-file": {
        type: "string",
        value: "<file>",
        description: "Read the passphrase from this file (first line)",
      },
    },
    examples: ["mondaykit auth import mondaykit-settings.bin"],
  },
  "schema pull": {
    name: "schema pull",
    summary: "Download the GraphQL schema (SDL)",
    usage: "schema pull [--version v] [--out f]",
    description:
      "Fetches the schema of an API version from get_schema and prints or saves it. With --json and no --out, prints one JSON line {version, format, schema}.",
    positionals: [],
    options: {
      version: {
        type: "string",
        value: "<YYYY-MM|dev>",
        description:
          "The API version (default: --api-version, else the pinned version)",
      },
      out: {
        type: "string",
        value: "<file>",
        description: "Write to this file instead of stdout",
      },
      format: {
        type: "string",
        value: "<sdl|json>",
        description: "SDL text or introspection JSON (default: sdl)",
      },
    },
    examples: ["mondaykit schema pull --version 2026-10 --out schema.graphql"],
  },
  emulator: {
    name: "emulator",
    summary: "Run the monday.com emulator on 127.0.0.1 until Ctrl-C",
    usage:
      "emulator [--port n] [--seed s] [--items n] [--audit-entries n] [--latency monday|ms]",
    description:
      "Starts the embedded emulator (GraphQL, Audit Log API and OAuth) and prints its URLs and its test credentials, with ready-made connection strings. Serves until SIGINT or SIGTERM.",
    positionals: [],
    options: {
      port: {
        type: "string",
        value: "<n>",
        description: "Port (default: 0, any free port)",
      },
      seed: {
        type: "string",
        value: "<n>",
        description: "Seed of the generated data (default: 1)",
      },
      items: {
        type: "string",
        value: "<n>",
        description: "Items on the first board (default: 100)",
      },
      "audit-entries": {
        type: "string",
        value: "<n>",
        description: "Audit log entries (default: 1000)",
      },
      consent: {
        type: "string",
        value: "<auto|page>",
        description:
          "OAuth consent: redirect at once, or an Approve/Deny page (default: auto)",
      },
      latency: {
        type: "string",
        value: "<monday|ms>",
        description:
          "Answer as slowly as monday: the 'monday' preset (assumed figures), or a base delay in ms on every route (default: off)",
      },
    },
    examples: [
      "mondaykit emulator --port 8080 --items 5000",
      "mondaykit emulator --latency monday",
    ],
  },
};

/** Command groups and their subcommands, in help order. */
export const GROUPS: Record<string, string[]> = {
  items: ["export"],
  auditlog: ["export"],
  auth: [
    "login",
    "url",
    "exchange",
    "status",
    "refresh",
    "logout",
    "export",
    "import",
  ],
  schema: ["pull"],
};

/** The exit codes, as shown in help. */
export const EXIT_CODES_HELP: string = `Exit codes:
  0    success
  1    API or runtime failure
  2    usage error (unknown command or flag, bad value)
  3    authentication needed or refused
  4    rate or daily limit exhausted
  130  interrupted (Ctrl-C, SIGTERM)`;

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = spec.type === "boolean" && name === "browser"
      ? "--no-browser"
      : spec.type === "boolean" && name === "color"
      ? "--no-color"
      : `--${name}`;
    const short = spec.short ? `-${spec.short}, ` : "    ";
    const left = `${short}${flag}${spec.value ? ` ${spec.value}` : ""}${
      spec.multiple ? "..." : ""
    }`;
    return [left, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, text]) => `  ${left.padEnd(width)}${text}`);
}

/**
 * The help text of one command.
 *
 * @param spec The command.
 * @returns The text, ending in a newline.
 */
export function commandHelp(spec: CommandSpec): string {
  const parts = [
    `Usage: mondaykit ${spec.usage}`,
    "",
    spec.summary + ".",
    "",
    spec.description,
    "",
  ];
  if (Object.keys(spec.options).length > 0) {
    parts.push("Options:", ...optionLines(spec.options), "");
  }
  parts.push("Global options:", ...optionLines(globalsFor(spec)), "");
  parts.push(
    "Examples:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
    EXIT_CODES_HELP,
  );
  return parts.join("\n") + "\n";
}

/**
 * The global options that apply to a command (its own flags win over globals of the same name).
 *
 * @param spec The command.
 * @returns The options.
 */
export function globalsFor(spec: CommandSpec): Record<string, OptionSpec> {
  const globals = { ...GLOBAL_OPTIONS };
  for (const name of Object.keys(spec.options)) delete globals[name];
  if (spec.name !== "") delete globals.version;
  return globals;
}

/**
 * The help text of a command group, e.g. `auth`.
 *
 * @param group The group's name.
 * @returns The text, ending in a newline.
 */
export function groupHelp(group: string): string {
  const subs = GROUPS[group] ?? [];
  const rows = subs.map((sub) => COMMANDS[`${group} ${sub}`]!);
  const width = Math.max(...rows.map((spec) => spec.name.length)) + 2;
  return [
    `Usage: mondaykit ${group} <command> [options]`,
    "",
    "Commands:",
    ...rows.map((spec) => `  ${spec.name.padEnd(width)}${spec.summary}`),
    "",
    `Run 'mondaykit ${group} <command> --help' for a command's flags.`,
  ].join("\n") + "\n";
}

/**
 * The top-level help text.
 *
 * @param version The version to show.
 * @returns The text, ending in a newline.
 */
export function mainHelp(version: string): string {
  const rows = Object.values(COMMANDS);
  const width = Math.max(...rows.map((spec) => spec.name.length)) + 2;
  return [
    `mondaykit ${version}: monday.com from the command line`,
    "",
    "Usage: mondaykit <command> [options]",
    "",
    "Commands:",
    ...rows.map((spec) => `  ${spec.name.padEnd(width)}${spec.summary}`),
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Environment:",
    "  MONDAYKIT_CONNECTION   connection string, when --connection is absent",
    "  MONDAY_API_TOKEN       personal API token",
    "  MONDAY_AUDIT_TOKEN     Audit Log API token",
    "  MONDAY_DOMAIN          account URL (audit API)",
    "  MONDAY_API_URL         GraphQL endpoint",
    "  MONDAY_AUTH_URL        OAuth server",
    "  MONDAYKIT_SETTINGS_KEY, MONDAYKIT_SETTINGS_PASSPHRASE",
    "                         key of the settings file (default: a key file in the config directory)",
    "  MONDAYKIT_TRANSFER_PASSPHRASE",
    "                         passphrase for 'auth export' and 'auth import'",
    "  NO_COLOR               no colours",
    "",
    "Data goes to stdout; messages, progress and errors go to stderr.",
    "Run 'mondaykit <command> --help' for a command's flags.",
    "",
    EXIT_CODES_HELP,
  ].join("\n") + "\n";
}
