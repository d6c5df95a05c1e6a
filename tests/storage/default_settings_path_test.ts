import assert from "node:assert/strict";
import { defaultKeyFilePath, defaultSettingsPath } from "../../storage/mod.ts";
import { fakeEnv } from "./_helpers.ts";

Deno.test("defaultSettingsPath: per-OS configuration directories", () => {
  const env = fakeEnv({
    HOME: "/home/ada",
    APPDATA: "C:\\Users\\ada\\AppData\\Roaming",
  });
  assert.equal(
    defaultSettingsPath({ env, os: "linux" }),
    "/home/ada/.config/mondaykit/OAuthSettings.txt",
  );
  assert.equal(
    defaultSettingsPath({ env, os: "darwin" }),
    "/home/ada/Library/Application Support/mondaykit/OAuthSettings.txt",
  );
  assert.equal(
    defaultKeyFilePath({ env, os: "linux" }),
    "/home/ada/.config/mondaykit/settings.key",
  );
  if (Deno.build.os === "windows") {
    assert.equal(
      defaultSettingsPath({ env, os: "windows" }),
      "C:\\Users\\ada\\AppData\\Roaming\\mondaykit\\OAuthSettings.txt",
    );
  }
});

Deno.test("defaultSettingsPath: XDG_CONFIG_HOME wins on Linux when absolute", () => {
  assert.equal(
    defaultSettingsPath({
      env: fakeEnv({ HOME: "/home/ada", XDG_CONFIG_HOME: "/cfg" }),
      os: "linux",
    }),
    "/cfg/mondaykit/OAuthSettings.txt",
  );
  assert.equal(
    defaultSettingsPath({
      env: fakeEnv({ HOME: "/home/ada", XDG_CONFIG_HOME: "relative" }),
      os: "linux",
    }),
    "/home/ada/.config/mondaykit/OAuthSettings.txt",
  );
});

Deno.test("defaultSettingsPath: without a home directory it is a TypeError naming the variables", () => {
  assert.throws(
    () => defaultSettingsPath({ env: fakeEnv(), os: "linux" }),
    (e: unknown) => e instanceof TypeError && /HOME/.test(e.message),
  );
  assert.throws(
    () => defaultSettingsPath({ env: fakeEnv(), os: "windows" }),
    /APPDATA/,
  );
});
