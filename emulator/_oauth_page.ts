/**
 * The HTML pages of the emulated OAuth server: the consent page and the
 * error page shown when the request cannot be redirected back.
 *
 * @module
 */

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @param text Any text.
 * @returns The text with `&`, `<`, `>`, `"` and `'` escaped.
 *
 * @example Escape
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./_oauth_page.ts";
 *
 * assert.equal(escapeHtml("<a href='x'>"), "&lt;a href=&#39;x&#39;&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(
    />/g,
    "&gt;",
  ).replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function page(status: number, title: string, body: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #323338; }
h1 { font-size: 1.4rem; }
button { font-size: 1rem; padding: .5rem 1.5rem; margin-right: .5rem; border-radius: 4px; border: 1px solid #0073ea; cursor: pointer; }
button[value=approve] { background: #0073ea; color: white; }
button[value=deny] { background: white; color: #0073ea; }
code { background: #f5f6f8; padding: 0 .25rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-frame-options": "DENY",
    },
  });
}

/**
 * The consent page: what the app asks for, and a form that posts the
 * decision back to `/oauth2/authorize` with an Approve and a Deny button
 * (`<button name="decision" value="approve">`).
 *
 * @param requestId The pending authorization's id (a hidden form field).
 * @param clientId The app asking.
 * @param scopes The scopes it asks for.
 * @returns A 200 HTML response.
 *
 * @example Buttons
 * ```ts
 * import assert from "node:assert/strict";
 * import { consentPage } from "./_oauth_page.ts";
 *
 * const html = await consentPage("req1", "client", ["me:read"]).text();
 * assert.ok(html.includes('<button type="submit" name="decision" value="approve">Approve</button>'));
 * ```
 */
export function consentPage(
  requestId: string,
  clientId: string,
  scopes: readonly string[],
): Response {
  const items = scopes.length === 0
    ? "<li>Basic access</li>"
    : scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`)
      .join("\n");
  return page(
    200,
    "Authorize app - monday.com emulator",
    `<h1>Allow this app to access your monday.com account?</h1>
<p>App <code id="client-id">${escapeHtml(clientId)}</code> asks for:</p>
<ul id="scopes">
${items}
</ul>
<form id="consent" method="post" action="/oauth2/authorize">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/**
 * The error page for requests that cannot be sent back to the app (unknown
 * client, unregistered redirect URI).
 *
 * @param error An OAuth error code, e.g. `invalid_request`.
 * @param description What is wrong.
 * @param status The HTTP status.
 * @returns An HTML response.
 *
 * @example Unknown client
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorPage } from "./_oauth_page.ts";
 *
 * const response = errorPage("invalid_client", "Unknown client", 400);
 * assert.equal(response.status, 400);
 * await response.body?.cancel();
 * ```
 */
export function errorPage(
  error: string,
  description: string,
  status: number,
): Response {
  return page(
    status,
    "Authorization error - monday.com emulator",
    `<h1>Authorization failed</h1>
<p id="error">${escapeHtml(error)}</p>
<p id="error-description">${escapeHtml(description)}</p>`,
  );
}
