// Subprocess for refresh_race_test.ts: one "process sharing the settings file".
// Reads its settings from the environment, waits for the go signal, asks an
// OAuthCredentials provider for a header (refreshing if due), then runs a
// `me` query with it and prints one JSON line: { ok, status }.

import { OAuthClient } from "../../auth/oauth_client.ts";
import { OAuthCredentials } from "../../auth/oauth_credentials.ts";
import { EncryptedFileStore } from "../../storage/mod.ts";

const env = (name: string): string => {
  const value = Deno.env.get(name);
  if (value === undefined) throw new Error(`missing ${name}`);
  return value;
};
const dir = env("RACE_DIR");
const index = env("RACE_INDEX");
const offset = Number(env("RACE_CLOCK_OFFSET"));

const store = new EncryptedFileStore(`${dir}/OAuthSettings.txt`, {
  key: env("RACE_KEY"),
});
const client = new OAuthClient({
  clientId: env("RACE_CLIENT_ID"),
  clientSecret: env("RACE_CLIENT_SECRET"),
  authUrl: env("RACE_AUTH_URL"),
  store,
  clock: {
    now: () => Date.now() + offset,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
});
const credentials = new OAuthCredentials(client, { mode: "REFRESH" });

// Barrier: say we are ready, then wait for the parent's go file.
await Deno.writeTextFile(`${dir}/ready-${index}`, "");
for (let i = 0; i < 3000; i++) {
  try {
    await Deno.stat(`${dir}/go`);
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const header = await credentials.authorization();
const response = await fetch(env("RACE_API_URL"), {
  method: "POST",
  headers: {
    authorization: header,
    "content-type": "application/json",
  },
  body: JSON.stringify({ query: "query { me { id } }" }),
});
const body = await response.json().catch(() => undefined);
console.log(JSON.stringify({
  ok: response.ok && body?.data?.me?.id !== undefined,
  status: response.status,
}));
