// GET /healthz: the portal's server is up (load balancers and Kubernetes probes). Signed-out
// callers get it too; it says nothing but "ok" and never calls the proxy.
export const dynamic = "force-dynamic";

export function GET(): Response {
  return new Response(JSON.stringify({ status: "ok" }), {
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}
