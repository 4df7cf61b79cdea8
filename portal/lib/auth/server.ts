// Server-side session checks and proxy calls with the operator's token (route handlers, server components).
import { getToken } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { auth, type SessionOperator } from "@/auth";
import { loginPath, REQUEST_PATH_HEADER } from "@/lib/auth/callback";
import { proxyUrl } from "@/lib/config";
import { answerOf, requestInit, withQuery, type AdminCall, type RequestOptions } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";
import type { Tenant } from "@/lib/api/types";

const SESSION_COOKIE = "authjs.session-token";
const SECURE_SESSION_COOKIE = `__Secure-${SESSION_COOKIE}`;

/** The proxy operator token from the encrypted session cookie; call only after auth() said yes. */
export async function operatorToken(): Promise<string | null> {
  const jar = await cookies();
  const secureCookie = jar.getAll().some((c) => c.name.startsWith(SECURE_SESSION_COOKIE));
  const token = await getToken({
    req: { headers: { cookie: jar.toString() } },
    secret: process.env.AUTH_SECRET,
    secureCookie,
  });
  return token?.accessToken ?? null;
}

/** Calls the proxy admin API as the signed-in operator. `path` starts after `/admin/`. */
export async function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const token = await operatorToken();
  if (!token) return Response.json({ error: { message: "Not signed in.", type: "auth", code: "unauthorized" } }, { status: 401 });
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return fetch(`${proxyUrl}/admin/${path}`, { ...init, headers, cache: "no-store" });
}

/** The proxy not answering, in its error shape: what the browser's forwarder says, and what pages show. */
export const PROXY_UNREACHABLE = { message: "The Konstruct proxy cannot be reached.", type: "proxy", code: "proxy_unavailable" } as const;

/**
 * `api` for server components: the same paths, query strings, answers and errors, as the signed-in operator.
 * A proxy that cannot be reached is a 502 in words; the cause (addresses, ports) stays in the server.
 */
export const serverApi: AdminCall = async <T>(path: string, options: RequestOptions = {}): Promise<T> => {
  let res: Response;
  try {
    res = await adminFetch(withQuery(path.replace(/^\/+/, ""), options.query), requestInit(options));
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(502, PROXY_UNREACHABLE);
  }
  return answerOf<T>(res);
};

async function backToThisPage(reason?: string): Promise<never> {
  redirect(loginPath((await headers()).get(REQUEST_PATH_HEADER) ?? "/", reason));
}

/** The proxy ended the session (logout elsewhere, expiry): sign in again, and come back here. */
export function signInAgain(): Promise<never> {
  return backToThisPage("expired");
}

/** The signed-in operator, or a redirect to /login (and back here afterwards). */
export async function requireOperator(): Promise<SessionOperator> {
  const session = await auth();
  if (!session?.operator) return backToThisPage();
  return session.operator;
}

/** Platform admins only; anyone else gets the not-found page (as the proxy would answer). */
export async function requirePlatformAdmin(): Promise<SessionOperator> {
  const operator = await requireOperator();
  if (operator.role !== "platform_admin") notFound();
  return operator;
}

/** Loads an admin resource for a page; a 404 from the proxy (not this operator's, or gone) renders not-found. */
export async function requireResource<T>(path: string): Promise<T> {
  await requireOperator();
  const res = await adminFetch(path);
  if (res.status === 404 || res.status === 403 || res.status === 422) notFound();
  if (res.status === 401) await signInAgain();
  if (!res.ok) throw new Error(`The proxy answered ${res.status} for ${path}.`);
  return (await res.json()) as T;
}

export function requireTenant(tenantId: string): Promise<Tenant> {
  return requireResource<Tenant>(`tenants/${encodeURIComponent(tenantId)}`);
}

/** Where an operator starts after login: platform admins on the tenants list, tenant admins on their tenant. */
export function homePath(operator: SessionOperator): string {
  if (operator.role === "tenant_admin" && operator.tenant_id) return `/tenants/${operator.tenant_id}`;
  return "/tenants";
}
