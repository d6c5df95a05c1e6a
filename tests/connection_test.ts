import assert from "node:assert/strict";
import {
  connectionFromEnv,
  type ConnectionOptions,
  DEFAULT_API_URL,
  DEFAULT_AUTH_URL,
  formatConnectionString,
  parseConnectionString,
  validateConnectionOptions,
} from "../connection.ts";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.personal-api-token-TK01";
const SECRET = "client-secret-value-CS02";
const ACCESS = "oauth-access-token-value-AT03";
const REFRESH = "oauth-refresh-token-value-RT04";
const VERIFIER = "oauth-verifier-code-value-VF05";

/** The options as a plain object (own enumerable fields only). */
function plain(options: ConnectionOptions): Record<string, unknown> {
  return { ...options };
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

// ---- valid input -------------------------------------------------------

Deno.test("parses a minimal token connection", () => {
  assert.deepEqual(plain(parseConnectionString(`APIToken=${TOKEN}`)), {
    apiToken: TOKEN,
  });
});

Deno.test("parses every property", () => {
  const options = parseConnectionString([
    "Schema=GraphQL",
    "AuthScheme=OAuth",
    `APIToken=${TOKEN}`,
    "Domain=https://acme.monday.com",
    "InitiateOAuth=GETANDREFRESH",
    "OAuthClientId=client-id-1",
    `OAuthClientSecret=${SECRET}`,
    `OAuthAccessToken=${ACCESS}`,
    `OAuthRefreshToken=${REFRESH}`,
    `OAuthVerifier=${VERIFIER}`,
    "OAuthSettingsLocation=/home/me/.config/mondaykit/OAuthSettings.txt",
    "CallbackURL=http://localhost:33333/callback",
    "Scope=boards:read users:read",
    "ApiVersion=2026-10",
    "Timeout=90",
    "ApiUrl=https://api.monday.com/v2",
    "AuthUrl=https://auth.monday.com",
  ].join(";"));
  assert.deepEqual(plain(options), {
    schema: "GraphQL",
    authScheme: "OAuth",
    apiToken: TOKEN,
    domain: "https://acme.monday.com",
    initiateOAuth: "GETANDREFRESH",
    oauthClientId: "client-id-1",
    oauthClientSecret: SECRET,
    oauthAccessToken: ACCESS,
    oauthRefreshToken: REFRESH,
    oauthVerifier: VERIFIER,
    oauthSettingsLocation: "/home/me/.config/mondaykit/OAuthSettings.txt",
    callbackUrl: "http://localhost:33333/callback",
    scope: "boards:read users:read",
    apiVersion: "2026-10",
    timeout: 90,
    apiUrl: DEFAULT_API_URL,
    authUrl: DEFAULT_AUTH_URL,
  });
});

Deno.test("names and enum values are case-insensitive; enums come back canonical", () => {
  assert.deepEqual(
    plain(
      parseConnectionString(
        "sChEmA=auditlog;AUTHSCHEME=token;url=https://acme.monday.com;apitoken=abc",
      ),
    ),
    {
      schema: "AuditLog",
      authScheme: "Token",
      apiToken: "abc",
      domain: "https://acme.monday.com",
    },
  );
  assert.equal(
    parseConnectionString(
      "authscheme=OAUTH;oauthclientid=x;initiateoauth=getAndRefresh;oauthclientsecret=y",
    ).initiateOAuth,
    "GETANDREFRESH",
  );
  assert.equal(
    parseConnectionString("APIToken=x;ApiVersion=DEV").apiVersion,
    "dev",
  );
});

Deno.test("whitespace around names and values is trimmed; empty segments are ignored", () => {
  assert.deepEqual(
    plain(
      parseConnectionString(
        " ;  APIToken =  abc  ;; \n Timeout\t=\t30 ;  Scope = boards:read  me:read ; ",
      ),
    ),
    { apiToken: "abc", timeout: 30, scope: "boards:read  me:read" },
  );
});

Deno.test("quoted values hold ; = and edge whitespace; doubled quotes are literal", () => {
  const options = parseConnectionString(
    `APIToken='a;b=c'; OAuthSettingsLocation = " C:\\dir with ""quotes""\\f.txt " ; Scope='it''s'`,
  );
  assert.equal(options.apiToken, "a;b=c");
  assert.equal(options.oauthSettingsLocation, ' C:\\dir with "quotes"\\f.txt ');
  assert.equal(options.scope, "it's");
  // the other quote character needs no doubling
  assert.equal(
    parseConnectionString(`APIToken="it's"`).apiToken,
    "it's",
  );
  assert.equal(
    parseConnectionString(`APIToken='say "hi"'`).apiToken,
    'say "hi"',
  );
});

Deno.test("unquoted values may contain '=' (e.g. base64 padding)", () => {
  assert.equal(
    parseConnectionString("APIToken=YWJjZA==").apiToken,
    "YWJjZA==",
  );
});

Deno.test("an empty value means not set", () => {
  assert.deepEqual(
    plain(parseConnectionString("APIToken=abc;Scope=;Timeout=  ;ApiUrl=''")),
    { apiToken: "abc" },
  );
});

Deno.test("Domain accepts account URLs and loopback hosts, normalised to the origin", () => {
  const domain = (value: string) =>
    parseConnectionString(`Schema=AuditLog;APIToken=t;Domain=${value}`).domain;
  assert.equal(domain("https://acme.monday.com"), "https://acme.monday.com");
  assert.equal(
    domain("https://ACME-2.monday.com/"),
    "https://acme-2.monday.com",
  );
  assert.equal(domain("http://127.0.0.1:8123"), "http://127.0.0.1:8123");
  assert.equal(domain("http://localhost:9/"), "http://localhost:9");
  assert.equal(domain("http://[::1]:9"), "http://[::1]:9");
  assert.equal(domain("https://localhost"), "https://localhost");
});

Deno.test("Domain accepts another https host only when explicitly allowed", () => {
  const text =
    "Schema=AuditLog;APIToken=t;Domain=https://audit-proxy.example.com";
  assert.throws(() => parseConnectionString(text), TypeError);
  assert.equal(
    parseConnectionString(text, {
      allowDomainHosts: ["AUDIT-PROXY.example.com"],
    }).domain,
    "https://audit-proxy.example.com",
  );
  assert.throws(
    () =>
      parseConnectionString(
        "Schema=AuditLog;APIToken=t;Domain=http://audit-proxy.example.com",
        { allowDomainHosts: ["audit-proxy.example.com"] },
      ),
    /must be the account URL/,
  );
});

Deno.test("ApiVersion takes quarterly months, current and dev", () => {
  for (
    const v of ["2026-01", "2026-04", "2026-07", "2026-10", "current", "dev"]
  ) {
    assert.equal(
      parseConnectionString(`APIToken=x;ApiVersion=${v}`).apiVersion,
      v,
    );
  }
});

Deno.test("Timeout takes a positive number of seconds, fractions too", () => {
  assert.equal(parseConnectionString("APIToken=x;Timeout=2.5").timeout, 2.5);
});

Deno.test("OAuth requirements follow InitiateOAuth", () => {
  // client id + secret: enough for GETANDREFRESH / REFRESH / unset
  for (
    const mode of ["", ";InitiateOAuth=GETANDREFRESH", ";InitiateOAuth=REFRESH"]
  ) {
    const o = parseConnectionString(
      `AuthScheme=OAuth;OAuthClientId=id;OAuthClientSecret=${SECRET}${mode}`,
    );
    assert.equal(o.oauthClientSecret, SECRET);
  }
  // OFF with an access token needs no secret
  const off = parseConnectionString(
    `AuthScheme=OAuth;InitiateOAuth=OFF;OAuthClientId=id;OAuthAccessToken=${ACCESS}`,
  );
  assert.equal(off.oauthAccessToken, ACCESS);
});

// ---- invalid input -----------------------------------------------------

Deno.test("an unknown property names the nearest known one", () => {
  assert.throws(() => parseConnectionString("APITokn=x"), {
    name: "TypeError",
    message:
      "Cannot parse connection string: unknown property 'APITokn' (did you mean 'APIToken'?)",
  });
  assert.throws(() => parseConnectionString("APIToken=x;timout=5"), {
    message:
      "Cannot parse connection string: unknown property 'timout' (did you mean 'Timeout'?)",
  });
  assert.throws(() => parseConnectionString("APIToken=x;OAuthClientSecrt=y"), {
    message: /did you mean 'OAuthClientSecret'/,
  });
});

Deno.test("an unknown property far from every name lists the known ones", () => {
  const error = errorOf(() => parseConnectionString("Password=x"));
  assert.equal(error.name, "TypeError");
  assert.match(
    error.message,
    /^Cannot parse connection string: unknown property 'Password' \(known: Schema, AuthScheme, APIToken, Domain, .*URL\)$/,
  );
});

Deno.test("a bad enum value lists the allowed values", () => {
  assert.throws(() => parseConnectionString("Schema=REST;APIToken=x"), {
    name: "RangeError",
    message:
      "Cannot parse connection string: 'Schema' must be one of 'GraphQL', 'AuditLog', got 'REST'",
  });
  assert.throws(() => parseConnectionString("AuthScheme=Basic;APIToken=x"), {
    message:
      "Cannot parse connection string: 'AuthScheme' must be one of 'Token', 'OAuth', got 'Basic'",
  });
  assert.throws(
    () =>
      parseConnectionString(
        "AuthScheme=OAuth;OAuthClientId=i;OAuthClientSecret=s;InitiateOAuth=ON",
      ),
    {
      message:
        "Cannot parse connection string: 'InitiateOAuth' must be one of 'OFF', 'GETANDREFRESH', 'REFRESH', got 'ON'",
    },
  );
});

Deno.test("a duplicate property is an error, also through the URL alias", () => {
  assert.throws(() => parseConnectionString("APIToken=a;apitoken=b"), {
    name: "SyntaxError",
    message:
      "Cannot parse connection string: duplicate property 'APIToken' at position 12",
  });
  assert.throws(
    () =>
      parseConnectionString(
        "Schema=AuditLog;APIToken=t;Domain=https://a.monday.com;URL=https://b.monday.com",
      ),
    {
      name: "SyntaxError",
      message:
        "Cannot parse connection string: duplicate property 'URL' at position 56: it is an alias of 'Domain', already given",
    },
  );
});

Deno.test("an unterminated quote is reported with its position", () => {
  assert.throws(() => parseConnectionString("Scope=x; APIToken='abc;def"), {
    name: "SyntaxError",
    message:
      "Cannot parse connection string: unterminated quote (') in the value of 'APIToken' starting at position 19",
  });
  assert.throws(() => parseConnectionString('APIToken="ab""'), {
    message: /unterminated quote \(\"\) .* position 10$/,
  });
});

Deno.test("syntax errors: missing '=', missing name, text after a quoted value", () => {
  assert.throws(() => parseConnectionString("APIToken"), {
    name: "SyntaxError",
    message:
      "Cannot parse connection string: expected '=' after 'APIToken' at position 9",
  });
  assert.throws(() => parseConnectionString("APIToken=x;Scope;Timeout=1"), {
    message:
      "Cannot parse connection string: expected '=' after 'Scope' at position 17",
  });
  assert.throws(() => parseConnectionString("APIToken=x; =value"), {
    name: "SyntaxError",
    message:
      "Cannot parse connection string: missing property name before '=' at position 13",
  });
  assert.throws(() => parseConnectionString("APIToken='abc' def"), {
    name: "SyntaxError",
    message:
      "Cannot parse connection string: unexpected text after the quoted value of 'APIToken' at position 16: expected ';'",
  });
});

Deno.test("Domain must be https://<slug>.monday.com (http only to loopback)", () => {
  const bad = [
    "http://acme.monday.com",
    "https://monday.com",
    "https://a.b.monday.com",
    "https://acme.monday.com.evil.com",
    "https://evil.com",
    "ftp://acme.monday.com",
    "http://192.168.1.10",
  ];
  for (const domain of bad) {
    assert.throws(
      () =>
        parseConnectionString(
          `Schema=AuditLog;APIToken=t;Domain=${domain}`,
        ),
      {
        name: "TypeError",
        message:
          `Cannot parse connection string: 'Domain' must be the account URL 'https://<slug>.monday.com' (plain http:// only to a loopback host), got '${domain}'`,
      },
      domain,
    );
  }
});

Deno.test("Domain errors: missing scheme (with a hint), path, query, user info", () => {
  assert.throws(
    () =>
      parseConnectionString("Schema=AuditLog;APIToken=t;URL=acme.monday.com"),
    {
      message:
        "Cannot parse connection string: 'Domain' must be the account URL 'https://<slug>.monday.com' (plain http:// only to a loopback host), got 'acme.monday.com' (did you mean 'https://acme.monday.com'?)",
    },
  );
  assert.throws(
    () =>
      parseConnectionString(
        "Schema=AuditLog;APIToken=t;Domain=https://acme.monday.com/audit-api",
      ),
    /must be the account's base URL without a path/,
  );
  assert.throws(
    () =>
      parseConnectionString(
        "Schema=AuditLog;APIToken=t;Domain=https://acme.monday.com/?x=1",
      ),
    /must not carry user info, a query or a fragment/,
  );
  const error = errorOf(() =>
    parseConnectionString(
      "Schema=AuditLog;APIToken=t;Domain=https://me:hunter2-password@acme.monday.com",
    )
  );
  assert.ok(!error.message.includes("hunter2"), error.message);
});

Deno.test("Domain is not one of monday's shared hosts", () => {
  for (const host of ["api.monday.com", "auth.monday.com", "www.monday.com"]) {
    assert.throws(
      () =>
        parseConnectionString(
          `Schema=AuditLog;APIToken=t;Domain=https://${host}`,
        ),
      {
        name: "TypeError",
        message:
          `Cannot parse connection string: 'Domain' must be your account's URL, e.g. 'https://acme.monday.com', not monday's shared host '${host}'`,
      },
    );
  }
});

Deno.test("OAuth with the AuditLog schema is refused", () => {
  assert.throws(
    () =>
      parseConnectionString(
        "Schema=AuditLog;AuthScheme=OAuth;Domain=https://acme.monday.com;OAuthClientId=i;OAuthClientSecret=s",
      ),
    {
      name: "TypeError",
      message:
        "Cannot parse connection string: 'AuthScheme=OAuth' cannot be used with 'Schema=AuditLog': the audit API takes tokens only",
    },
  );
});

Deno.test("missing required properties are named for the chosen scheme", () => {
  const cases: [string, string][] = [
    ["", "missing required property 'APIToken' for 'AuthScheme=Token'"],
    [
      "Schema=GraphQL;Scope=x",
      "missing required property 'APIToken' for 'AuthScheme=Token'",
    ],
    [
      "Schema=AuditLog",
      "missing required properties 'APIToken', 'Domain' for 'Schema=AuditLog'",
    ],
    [
      "Schema=AuditLog;APIToken=t",
      "missing required property 'Domain' for 'Schema=AuditLog'",
    ],
    [
      "AuthScheme=OAuth;OAuthClientSecret=s",
      "missing required property 'OAuthClientId' for 'AuthScheme=OAuth'",
    ],
    [
      "AuthScheme=OAuth;OAuthClientId=i",
      "missing required property 'OAuthClientSecret' for 'AuthScheme=OAuth' (unless 'InitiateOAuth=OFF' with 'OAuthAccessToken')",
    ],
    [
      "AuthScheme=OAuth;OAuthClientId=i;InitiateOAuth=OFF",
      "missing required property 'OAuthClientSecret' for 'AuthScheme=OAuth' (unless 'InitiateOAuth=OFF' with 'OAuthAccessToken')",
    ],
    [
      `AuthScheme=OAuth;OAuthClientId=i;InitiateOAuth=REFRESH;OAuthAccessToken=${ACCESS}`,
      "missing required property 'OAuthClientSecret' for 'AuthScheme=OAuth' (unless 'InitiateOAuth=OFF' with 'OAuthAccessToken')",
    ],
  ];
  for (const [text, detail] of cases) {
    assert.throws(() => parseConnectionString(text), {
      name: "TypeError",
      message: `Cannot parse connection string: ${detail}`,
    }, text);
  }
});

Deno.test("Timeout must be a positive number", () => {
  for (const value of ["0", "-5", "abc", "1e3", "5s", "Infinity"]) {
    assert.throws(
      () => parseConnectionString(`APIToken=x;Timeout=${value}`),
      {
        name: "RangeError",
        message:
          `Cannot parse connection string: 'Timeout' must be a positive number of seconds, got '${value}'`,
      },
    );
  }
});

Deno.test("ApiVersion must be YYYY-MM with a quarterly month, current or dev", () => {
  for (
    const value of [
      "2026-03",
      "2026",
      "26-10",
      "2026-1",
      "latest",
      "2026-10-01",
    ]
  ) {
    assert.throws(
      () => parseConnectionString(`APIToken=x;ApiVersion=${value}`),
      {
        name: "RangeError",
        message:
          `Cannot parse connection string: 'ApiVersion' must be 'YYYY-MM' with month 01, 04, 07 or 10, 'current' or 'dev', got '${value}'`,
      },
    );
  }
});

Deno.test("ApiUrl, AuthUrl and CallbackURL must be https URLs (http only to loopback)", () => {
  for (const name of ["ApiUrl", "AuthUrl", "CallbackURL"]) {
    assert.equal(
      (parseConnectionString(
        `APIToken=x;${name}=http://127.0.0.1:9/p`,
      ) as Record<
        string,
        unknown
      >)[
        name === "CallbackURL"
          ? "callbackUrl"
          : name[0]!.toLowerCase() + name.slice(1)
      ],
      "http://127.0.0.1:9/p",
    );
    assert.throws(
      () =>
        parseConnectionString(`APIToken=x;${name}=http://api.example.com/v2`),
      {
        name: "TypeError",
        message:
          `Cannot parse connection string: '${name}' must use https:// (plain http:// only to a loopback host), got 'http://api.example.com/v2'`,
      },
    );
    assert.throws(
      () => parseConnectionString(`APIToken=x;${name}=not a url`),
      {
        name: "TypeError",
        message:
          `Cannot parse connection string: '${name}' must be an absolute URL, got 'not a url'`,
      },
    );
  }
});

Deno.test("errors never contain secret values", () => {
  const texts = [
    `APIToken=${TOKEN};Bogus=1`,
    `APIToken=${TOKEN};Timeout=0`,
    `APIToken=${TOKEN};APIToken=${TOKEN}`,
    `AuthScheme=OAuth;OAuthClientSecret=${SECRET};OAuthRefreshToken=${REFRESH}`,
    `Schema=AuditLog;APIToken=${TOKEN};Domain=http://evil.com`,
    `APIToken=${TOKEN};OAuthVerifier='${VERIFIER}`,
  ];
  for (const text of texts) {
    const error = errorOf(() => parseConnectionString(text));
    const shown = `${error.message} ${Deno.inspect(error)}`;
    for (const secret of [TOKEN, SECRET, REFRESH, VERIFIER]) {
      assert.ok(!shown.includes(secret), shown);
    }
  }
});

Deno.test("a non-string input is a TypeError", () => {
  assert.throws(
    () => parseConnectionString(undefined as unknown as string),
    {
      name: "TypeError",
      message:
        "Cannot parse connection string: expected a string, got undefined",
    },
  );
});

// ---- secrets stay hidden -------------------------------------------------

const ALL_SECRETS =
  `Schema=GraphQL;AuthScheme=OAuth;APIToken=${TOKEN};OAuthClientId=id;OAuthClientSecret=${SECRET};` +
  `OAuthAccessToken=${ACCESS};OAuthRefreshToken=${REFRESH};OAuthVerifier=${VERIFIER}`;

function assertNoSecret(text: string): void {
  for (const secret of [TOKEN, SECRET, ACCESS, REFRESH, VERIFIER]) {
    assert.ok(!text.includes(secret), `secret shown in: ${text}`);
    assert.ok(!text.includes(secret.slice(0, -4)), `secret shown in: ${text}`);
  }
}

Deno.test("secrets never show through inspect, JSON, String or template literals", () => {
  const options = parseConnectionString(ALL_SECRETS);
  const views = [
    Deno.inspect(options),
    Deno.inspect(options, { showHidden: true, depth: 10 }),
    Deno.inspect({ nested: [options] }),
    JSON.stringify(options),
    JSON.stringify({ nested: options }),
    String(options),
    `${options}`,
    options.toString(),
  ];
  for (const view of views) assertNoSecret(view);
  assert.match(Deno.inspect(options), /^ConnectionOptions \{/);
  assert.match(Deno.inspect(options), /apiToken: "…TK01"/);
  assert.deepEqual(JSON.parse(JSON.stringify(options)), {
    schema: "GraphQL",
    authScheme: "OAuth",
    apiToken: "…TK01",
    oauthClientId: "id",
    oauthClientSecret: "…CS02",
    oauthAccessToken: "…AT03",
    oauthRefreshToken: "…RT04",
    oauthVerifier: "…VF05",
  });
  assert.equal(
    `${options}`,
    "Schema=GraphQL;AuthScheme=OAuth;APIToken=…TK01;OAuthClientId=id;OAuthClientSecret=…CS02;OAuthAccessToken=…AT03;OAuthRefreshToken=…RT04;OAuthVerifier=…VF05",
  );
});

Deno.test("secret fields stay readable and the hooks stay out of Object.keys", () => {
  const options = parseConnectionString(ALL_SECRETS);
  assert.equal(options.apiToken, TOKEN);
  assert.equal(options.oauthClientSecret, SECRET);
  assert.equal(options.oauthRefreshToken, REFRESH);
  assert.deepEqual(Object.keys(options), [
    "schema",
    "authScheme",
    "apiToken",
    "oauthClientId",
    "oauthClientSecret",
    "oauthAccessToken",
    "oauthRefreshToken",
    "oauthVerifier",
  ]);
});

// ---- formatting ------------------------------------------------------------

Deno.test("formatConnectionString masks secrets unless asked", () => {
  const options = parseConnectionString(ALL_SECRETS);
  assertNoSecret(formatConnectionString(options));
  assert.equal(
    formatConnectionString(options, { includeSecrets: true }),
    ALL_SECRETS,
  );
});

Deno.test("formatConnectionString quotes values that need it and round-trips", () => {
  const options: ConnectionOptions = {
    apiToken: `we;ird="tok'en"`,
    oauthSettingsLocation: " padded path ",
    scope: "boards:read users:read",
    timeout: 12.5,
    apiVersion: "dev",
  };
  const text = formatConnectionString(options, { includeSecrets: true });
  assert.equal(
    text,
    `APIToken="we;ird=""tok'en""";OAuthSettingsLocation=" padded path ";Scope=boards:read users:read;ApiVersion=dev;Timeout=12.5`,
  );
  assert.deepEqual(plain(parseConnectionString(text)), options);
});

Deno.test("a full connection round-trips through format and parse", () => {
  const first = parseConnectionString(
    `${ALL_SECRETS};InitiateOAuth=REFRESH;OAuthSettingsLocation=memory://x;CallbackURL=https://app.example.com/cb?a=1&b=2;Scope=me:read;ApiVersion=2027-01;Timeout=30;ApiUrl=http://127.0.0.1:1234/v2;AuthUrl=http://127.0.0.1:1234;Domain=https://acme.monday.com`,
  );
  const again = parseConnectionString(
    formatConnectionString(first, { includeSecrets: true }),
  );
  assert.deepEqual(plain(again), plain(first));
});

// ---- validateConnectionOptions --------------------------------------------

Deno.test("validateConnectionOptions normalises and protects typed options", () => {
  const options = validateConnectionOptions({
    schema: "auditlog" as "AuditLog",
    apiToken: TOKEN,
    domain: "https://acme.monday.com/",
    timeout: 10,
    scope: "",
  });
  assert.deepEqual(plain(options), {
    schema: "AuditLog",
    apiToken: TOKEN,
    domain: "https://acme.monday.com",
    timeout: 10,
  });
  assertNoSecret(
    Deno.inspect(options) + JSON.stringify(options) + `${options}`,
  );
});

Deno.test("validateConnectionOptions names the option in its errors", () => {
  assert.throws(
    () => validateConnectionOptions({ apiTokn: "x" } as ConnectionOptions),
    {
      name: "TypeError",
      message:
        "Invalid connection options: unknown option 'apiTokn' (did you mean 'apiToken'?)",
    },
  );
  assert.throws(
    () => validateConnectionOptions({ apiToken: "x", timeout: -1 }),
    {
      name: "RangeError",
      message:
        "Invalid connection options: 'timeout' must be a positive number of seconds, got '-1'",
    },
  );
  assert.throws(
    () => validateConnectionOptions({ apiToken: 42 as unknown as string }),
    {
      name: "TypeError",
      message:
        "Invalid connection options: 'apiToken' must be a string, got number",
    },
  );
  assert.throws(
    () =>
      validateConnectionOptions({ schema: "AuditLog", authScheme: "OAuth" }),
    {
      message:
        "Invalid connection options: authScheme 'OAuth' cannot be used with schema 'AuditLog': the audit API takes tokens only",
    },
  );
  assert.throws(() => validateConnectionOptions({}), {
    message:
      "Invalid connection options: missing required property 'apiToken' for authScheme 'Token'",
  });
  assert.throws(
    () => validateConnectionOptions(null as unknown as ConnectionOptions),
    TypeError,
  );
});

// ---- environment -----------------------------------------------------------

function fakeEnv(values: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    env: (name: string) => {
      reads.push(name);
      return values[name];
    },
  };
}

Deno.test("connectionFromEnv: MONDAY_API_TOKEN alone", () => {
  const { env } = fakeEnv({ MONDAY_API_TOKEN: TOKEN });
  assert.deepEqual(plain(connectionFromEnv({ env })), { apiToken: TOKEN });
});

Deno.test("connectionFromEnv: MONDAY_AUDIT_TOKEN alone means the AuditLog schema", () => {
  const { env } = fakeEnv({
    MONDAY_AUDIT_TOKEN: "audit-token-value-AU06",
    MONDAY_DOMAIN: "https://acme.monday.com",
  });
  assert.deepEqual(plain(connectionFromEnv({ env })), {
    schema: "AuditLog",
    apiToken: "audit-token-value-AU06",
    domain: "https://acme.monday.com",
  });
});

Deno.test("connectionFromEnv: both tokens; the requested schema picks one", () => {
  const { env } = fakeEnv({
    MONDAY_API_TOKEN: TOKEN,
    MONDAY_AUDIT_TOKEN: "audit-token-value-AU06",
    MONDAY_DOMAIN: "https://acme.monday.com",
  });
  assert.equal(connectionFromEnv({ env }).apiToken, TOKEN);
  assert.equal(connectionFromEnv({ env }).schema, undefined);
  const audit = connectionFromEnv({ env, schema: "AuditLog" });
  assert.equal(audit.schema, "AuditLog");
  assert.equal(audit.apiToken, "audit-token-value-AU06");
});

Deno.test("connectionFromEnv: MONDAYKIT_CONNECTION wins; single variables fill its gaps", () => {
  const { env } = fakeEnv({
    MONDAYKIT_CONNECTION:
      "Schema=AuditLog;Domain=https://acme.monday.com;Timeout=5",
    MONDAY_AUDIT_TOKEN: "audit-token-value-AU06",
    MONDAY_API_TOKEN: TOKEN,
    MONDAY_DOMAIN: "https://other.monday.com",
    MONDAY_API_URL: "http://127.0.0.1:4000/v2",
  });
  assert.deepEqual(plain(connectionFromEnv({ env })), {
    schema: "AuditLog",
    apiToken: "audit-token-value-AU06",
    domain: "https://acme.monday.com",
    timeout: 5,
    apiUrl: "http://127.0.0.1:4000/v2",
  });
});

Deno.test("connectionFromEnv: a token in MONDAYKIT_CONNECTION is not overridden", () => {
  const { env } = fakeEnv({
    MONDAYKIT_CONNECTION: "APIToken=from-the-string",
    MONDAY_API_TOKEN: TOKEN,
    MONDAY_AUTH_URL: "https://auth.example.com",
  });
  assert.deepEqual(plain(connectionFromEnv({ env })), {
    apiToken: "from-the-string",
    authUrl: "https://auth.example.com",
  });
});

Deno.test("connectionFromEnv: an OAuth connection string gets no API token", () => {
  const { env } = fakeEnv({
    MONDAYKIT_CONNECTION:
      `AuthScheme=OAuth;OAuthClientId=id;OAuthClientSecret=${SECRET}`,
    MONDAY_API_TOKEN: TOKEN,
  });
  assert.equal(connectionFromEnv({ env }).apiToken, undefined);
});

Deno.test("connectionFromEnv: errors name the variable", () => {
  assert.throws(
    () =>
      connectionFromEnv(
        fakeEnv({
          MONDAY_API_TOKEN: TOKEN,
          MONDAY_API_URL: "http://example.com/v2",
        }),
      ),
    {
      name: "TypeError",
      message:
        "Invalid environment variable MONDAY_API_URL: 'MONDAY_API_URL' must use https:// (plain http:// only to a loopback host), got 'http://example.com/v2'",
    },
  );
  assert.throws(
    () => connectionFromEnv(fakeEnv({ MONDAYKIT_CONNECTION: "APITokn=x" })),
    {
      message:
        "Cannot parse connection string in MONDAYKIT_CONNECTION: unknown property 'APITokn' (did you mean 'APIToken'?)",
    },
  );
  assert.throws(
    () =>
      connectionFromEnv(
        fakeEnv({ MONDAY_AUDIT_TOKEN: "audit-token-value-AU06" }),
      ),
    {
      message:
        "Invalid connection settings from the environment: missing required property 'Domain' for 'Schema=AuditLog'",
    },
  );
});

Deno.test("connectionFromEnv: nothing set is a clear error; empty variables count as unset", () => {
  assert.throws(
    () => connectionFromEnv(fakeEnv({ MONDAY_API_TOKEN: "  " })),
    {
      name: "TypeError",
      message:
        "No monday.com connection settings in the environment: set MONDAYKIT_CONNECTION, MONDAY_API_TOKEN or MONDAY_AUDIT_TOKEN",
    },
  );
});

Deno.test("connectionFromEnv reads only the documented variables, only when called", () => {
  const { env, reads } = fakeEnv({ MONDAY_API_TOKEN: TOKEN });
  assert.deepEqual(reads, []);
  connectionFromEnv({ env });
  assert.deepEqual([...new Set(reads)].sort(), [
    "MONDAYKIT_CONNECTION",
    "MONDAY_API_TOKEN",
    "MONDAY_API_URL",
    "MONDAY_AUDIT_TOKEN",
    "MONDAY_AUTH_URL",
    "MONDAY_DOMAIN",
  ]);
});

async function runWithEnv(
  permissions: string[],
  env: Record<string, string>,
): Promise<string> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      script,
      `import { connectionFromEnv } from ${
        JSON.stringify(new URL("../connection.ts", import.meta.url).href)
      };
try {
  console.log(JSON.stringify(connectionFromEnv()));
} catch (error) {
  console.log(String(error));
}
`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--quiet", ...permissions, script],
      env: { ...env, NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(output.stdout).trim() +
      new TextDecoder().decode(output.stderr).trim();
  } finally {
    await Deno.remove(script);
  }
}

Deno.test("connectionFromEnv reads the real environment with --allow-env", async () => {
  const out = await runWithEnv(["--allow-env"], { MONDAY_API_TOKEN: TOKEN });
  assert.equal(out, `{"apiToken":"…TK01"}`);
});

Deno.test("without env permission: no prompt, no crash at import, a clear error", async () => {
  const out = await runWithEnv([], { MONDAY_API_TOKEN: TOKEN });
  assert.equal(
    out,
    "TypeError: No monday.com connection settings in the environment: set MONDAYKIT_CONNECTION, MONDAY_API_TOKEN or MONDAY_AUDIT_TOKEN (and allow reading it with --allow-env)",
  );
});

Deno.test("partial: missing required properties are allowed, values still checked", () => {
  assert.deepEqual(
    plain(
      parseConnectionString("Schema=AuditLog;Timeout=5", { partial: true }),
    ),
    { schema: "AuditLog", timeout: 5 },
  );
  assert.deepEqual(
    plain(parseConnectionString("AuthScheme=OAuth", { partial: true })),
    { authScheme: "OAuth" },
  );
  assert.throws(
    () => parseConnectionString("Timeout=0", { partial: true }),
    RangeError,
  );
  assert.throws(
    () =>
      parseConnectionString("Schema=AuditLog;AuthScheme=OAuth", {
        partial: true,
      }),
    /cannot be used with 'Schema=AuditLog'/,
  );
  const merged = validateConnectionOptions({
    ...parseConnectionString("ApiVersion=2026-10", { partial: true }),
    apiToken: TOKEN,
  });
  assert.equal(merged.apiToken, TOKEN);
});

Deno.test("validated options validate again unchanged", () => {
  const first = parseConnectionString(ALL_SECRETS);
  const again = validateConnectionOptions(first);
  assert.deepEqual(plain(again), plain(first));
  assert.notEqual(again, first);
  assertNoSecret(Deno.inspect(again));
});

// ---- proxies and private CAs --------------------------------------------

const PROXY_PASSWORD = "proxy-password-value-PX06";

Deno.test("parses the proxy and CA properties; ProxyPassword is masked like every secret", () => {
  const options = parseConnectionString(
    `APIToken=${TOKEN};proxyserver=proxy.corp.example;ProxyPort=3128;ProxyUser=carol;ProxyPassword=${PROXY_PASSWORD};SSLServerCert=/etc/ssl/corp-ca.pem`,
  );
  assert.deepEqual(plain(options), {
    apiToken: TOKEN,
    proxyServer: "proxy.corp.example",
    proxyPort: 3128,
    proxyUser: "carol",
    proxyPassword: PROXY_PASSWORD,
    sslServerCert: "/etc/ssl/corp-ca.pem",
  });
  for (
    const shown of [
      Deno.inspect(options),
      JSON.stringify(options),
      String(options),
      `${options}`,
      formatConnectionString(options),
    ]
  ) {
    assert.ok(!shown.includes(PROXY_PASSWORD.slice(0, -4)), shown);
  }
  assert.match(String(options), /ProxyPassword=…PX06/);
  const full = formatConnectionString(options, { includeSecrets: true });
  assert.deepEqual(plain(parseConnectionString(full)), plain(options));
});

Deno.test("proxy properties: bad values and combinations are refused, naming the property", () => {
  const cases: [string, RegExp][] = [
    [
      "ProxyPort=0",
      /'ProxyPort' must be a port number from 1 to 65535, got '0'/,
    ],
    ["ProxyPort=65536", /'ProxyPort' must be a port number/],
    ["ProxyPort=80.5", /'ProxyPort' must be a port number/],
    [
      "ProxyServer=ftp://proxy",
      /'ProxyServer' must be a host name or an http\(s\):\/\/ URL with no path/,
    ],
    ["ProxyServer=http://proxy/some/path", /with no path/],
    [
      "ProxyServer=proxy:port",
      /'ProxyServer' must be a host name or an http\(s\):\/\/ URL, got 'proxy:port'/,
    ],
    ["ProxyPort=3128", /'ProxyPort' needs 'ProxyServer'/],
    ["ProxyUser=carol", /'ProxyUser' needs 'ProxyServer'/],
    [`ProxyPassword=${PROXY_PASSWORD}`, /'ProxyPassword' needs 'ProxyServer'/],
    [
      `ProxyServer=proxy;ProxyPassword=${PROXY_PASSWORD}`,
      /'ProxyPassword' needs 'ProxyUser'/,
    ],
  ];
  for (const [text, expected] of cases) {
    const error = errorOf(() =>
      parseConnectionString(`APIToken=${TOKEN};${text}`)
    );
    assert.match(error.message, expected, text);
    assert.ok(!error.message.includes(PROXY_PASSWORD.slice(0, -4)));
  }
  assert.throws(
    () => validateConnectionOptions({ apiToken: TOKEN, proxyPort: 3128 }),
    { message: "Invalid connection options: 'proxyPort' needs 'proxyServer'" },
  );
});

Deno.test("ProxyServer refuses embedded credentials without showing them", () => {
  for (
    const server of [
      "http://carol:s3cret-embedded@proxy:3128",
      "carol:s3cret-embedded@proxy",
    ]
  ) {
    const error = errorOf(() =>
      parseConnectionString(`APIToken=${TOKEN};ProxyServer=${server}`)
    );
    assert.equal(error.name, "TypeError");
    assert.match(
      error.message,
      /'ProxyServer' must not hold credentials: put them in 'ProxyUser' and 'ProxyPassword', got 'http:\/\/\*\*\*\*@proxy/,
    );
    assert.ok(!error.message.includes("s3cret-embedded"));
  }
});
