// Next 16 proxy (formerly middleware): sends signed-out visitors to /login. Convenience only — every
// page, route handler and server action checks auth() itself.
import { NextResponse } from "next/server";
import { auth } from "@/auth";

export default auth((request) => {
  if (request.auth?.operator) return NextResponse.next();
  const login = new URL("/login", request.nextUrl.origin);
  return NextResponse.redirect(login);
});

export const config = {
  // Not the login page, Auth.js and the admin API forwarder (which answer 401 themselves), logout,
  // the health check, or assets.
  matcher: ["/((?!login|logout|healthz|api/|_next/|favicon.ico).*)"],
};
