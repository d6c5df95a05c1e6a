/**
 * Test helper, run as its own process: opens an authorization URL in headless Chromium
 * (driven by playwright-core), clicks Approve on the emulator's consent page, and waits
 * for the redirect to the callback. playwright-core probes `/proc` at load time, which
 * Deno grants only with --allow-all, so this runs apart from the test process.
 *
 * Usage: deno run --allow-all tests/cli/_approve_in_chromium.ts <chromium> <url> <callback-url>
 *
 * @module
 */

import { chromium } from "playwright-core";

const [executablePath, url, callbackUrl] = Deno.args;
if (!executablePath || !url || !callbackUrl) {
  console.error(
    "usage: _approve_in_chromium.ts <chromium> <url> <callback-url>",
  );
  Deno.exit(2);
}
const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  const html = await page.content();
  if (!html.includes("Approve")) {
    throw new Error(
      `No Approve button on the consent page: ${html.slice(0, 500)}`,
    );
  }
  let reached = "";
  page.on("request", (request) => {
    if (request.url().startsWith(callbackUrl)) reached = request.url();
  });
  await page.click('button[value="approve"]');
  for (let i = 0; i < 300 && reached === ""; i++) await page.waitForTimeout(50);
  if (reached === "") {
    throw new Error("The browser never reached the callback URL");
  }
  console.log(
    `approved; browser went to ${new URL(reached).origin}${
      new URL(reached).pathname
    }`,
  );
} finally {
  await browser.close();
}
