// Logout: revoke every token of the operator at the proxy (session version bump), then clear the cookie.
// A plain form POST, so the browser does a full navigation and keeps no cached portal pages.
import { auth, signOut } from "@/auth";
import { adminFetch } from "@/lib/auth/server";

function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  return new URL(origin).host === host;
}

export async function POST(request: Request): Promise<Response> {
  if (!sameOrigin(request)) return new Response("Cross-origin logout refused.", { status: 403 });
  const session = await auth();
  if (session?.operator) {
    // The cookie is cleared whatever the proxy says; a dead or unreachable proxy must not keep anyone signed in.
    await adminFetch("auth/logout", { method: "POST" }).catch(() => undefined);
  }
  await signOut({ redirect: false });
  return new Response(null, { status: 303, headers: { Location: "/login", "Cache-Control": "no-store" } });
}
