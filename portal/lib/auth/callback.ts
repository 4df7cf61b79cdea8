// Where to go after signing in: the page that was asked for, but only a path on this portal (no open redirect).

const ORIGIN = "http://portal.invalid";

/** The page being rendered, as proxy.ts saw it, so a server-side trip through /login can come back to it. */
export const REQUEST_PATH_HEADER = "x-portal-path";

/** A same-origin path ("/tenants/t-1/keys?x=1") from an untrusted callbackUrl, or "/" for anything else. */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== ORIGIN) return "/";
  // Back to the login page would only ask again.
  if (url.pathname === "/login" || url.pathname.startsWith("/login/")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login URL that brings the visitor back to `path` afterwards. */
export function loginPath(path: string, reason?: string): string {
  const params = new URLSearchParams();
  if (reason) params.set("reason", reason);
  const back = safeCallbackPath(path);
  if (back !== "/") params.set("callbackUrl", back);
  const search = params.toString();
  return search ? `/login?${search}` : "/login";
}
