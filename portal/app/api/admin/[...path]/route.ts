// Forwards browser calls to the proxy admin API with the operator token, after re-checking the session
// here: proxy.ts (the middleware) is not an authorization boundary (CVE-2025-29927).
import { auth } from "@/auth";
import { adminFetch, PROXY_UNREACHABLE } from "@/lib/auth/server";

type Context = { params: Promise<{ path: string[] }> };

const FORWARDED_RESPONSE_HEADERS = ["content-type", "content-disposition", "retry-after"];

function unauthorized(): Response {
  return Response.json(
    { error: { message: "Your session has ended. Please sign in again.", type: "auth", code: "unauthorized" } },
    { status: 401 },
  );
}

async function forward(request: Request, { params }: Context): Promise<Response> {
  const session = await auth();
  if (!session?.operator) return unauthorized();

  const { path } = await params;
  const search = new URL(request.url).search;
  const hasBody = request.method !== "GET" && request.method !== "DELETE";
  const body = hasBody ? await request.text() : undefined;

  let upstream: Response;
  try {
    upstream = await adminFetch(`${path.map(encodeURIComponent).join("/")}${search}`, {
      method: request.method,
      headers: body ? { "Content-Type": "application/json" } : undefined,
      body: body || undefined,
      // The browser stopping (a cancelled "try it") stops the proxy's work too.
      signal: request.signal,
    });
  } catch {
    return Response.json({ error: PROXY_UNREACHABLE }, { status: 502 });
  }

  const headers = new Headers({ "Cache-Control": "no-store" });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) headers.set(name, value);
  }
  if (upstream.status === 204) return new Response(null, { status: 204, headers });
  if (upstream.headers.get("content-type")?.startsWith("application/x-ndjson")) {
    // A streamed turn: each event goes on as it arrives, never collected first (nor by a reverse proxy).
    headers.set("X-Accel-Buffering", "no");
    // no-transform: the server's gzip would otherwise hold events back until its buffer fills.
    headers.set("Cache-Control", "no-store, no-transform");
    return new Response(upstream.body, { status: upstream.status, headers });
  }
  return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers });
}

export const GET = forward;
export const POST = forward;
export const PUT = forward;
export const PATCH = forward;
export const DELETE = forward;
