// Next 16 proxy (formerly middleware): security headers and a fresh CSP nonce on every response, and
// signed-out visitors sent to /login with the page they asked for. The redirect is convenience only —
// every page, route handler and server action checks auth() itself.
import { NextResponse } from "next/server";
import { auth } from "@/auth";
import { loginPath, REQUEST_PATH_HEADER } from "@/lib/auth/callback";
import { pageCsp, SECURITY_HEADERS } from "@/lib/security-headers";

/** Reachable signed out: the login page, an invitation link, Auth.js and the admin API forwarder (which answer 401 themselves), logout, the health check, the icon. */
const PUBLIC = /^\/(login|logout|invite$|healthz|api\/|icon\.svg$|favicon\.ico$)/;

function withSecurityHeaders(response: NextResponse, csp: string): NextResponse {
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

export default auth((request) => {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const csp = pageCsp(nonce, process.env.NODE_ENV === "development");
  const { pathname, search } = request.nextUrl;
  const signedIn = Boolean(request.auth?.operator);

  if (!signedIn && !PUBLIC.test(pathname)) {
    return withSecurityHeaders(NextResponse.redirect(new URL(loginPath(`${pathname}${search}`), request.nextUrl.origin)), csp);
  }
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", csp);
  headers.set("x-nonce", nonce);
  headers.set(REQUEST_PATH_HEADER, `${pathname}${search}`);
  return withSecurityHeaders(NextResponse.next({ request: { headers } }), csp);
});

export const config = {
  // Everything but the build's static files, which get their headers from next.config.ts.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
