// @vitest-environment node
import { beforeEach, describe, expect, it, vi } from "vitest";

const auth = vi.fn();
const adminFetch = vi.fn();
vi.mock("@/auth", () => ({ auth: () => auth() }));
vi.mock("@/lib/auth/server", () => ({ adminFetch: (...args: unknown[]) => adminFetch(...args) }));

const { GET, POST, DELETE } = await import("@/app/api/admin/[...path]/route");

const context = (path: string[]) => ({ params: Promise.resolve({ path }) });

beforeEach(() => {
  auth.mockReset();
  adminFetch.mockReset();
});

describe("/api/admin/[...path]", () => {
  it("re-checks the session itself: no session, no proxy call", async () => {
    auth.mockResolvedValue(null);
    const res = await GET(new Request("http://portal/api/admin/tenants"), context(["tenants"]));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
    expect(adminFetch).not.toHaveBeenCalled();
  });

  it("forwards method, path, query and body for a signed-in operator", async () => {
    auth.mockResolvedValue({ operator: { id: "o-1", role: "tenant_admin", tenant_id: "t-1", email: "a@b.c" } });
    adminFetch.mockResolvedValue(Response.json({ id: "a-1" }, { status: 201 }));
    const res = await POST(
      new Request("http://portal/api/admin/tenants/t-1/agents?x=1", { method: "POST", body: '{"name":"Ava"}' }),
      context(["tenants", "t-1", "agents"]),
    );
    expect(adminFetch).toHaveBeenCalledWith("tenants/t-1/agents?x=1", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"name":"Ava"}',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: "a-1" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("encodes path segments so ids cannot climb out of /admin", async () => {
    auth.mockResolvedValue({ operator: { id: "o-1", role: "platform_admin", tenant_id: null, email: "a@b.c" } });
    adminFetch.mockResolvedValue(new Response(null, { status: 204 }));
    const res = await DELETE(new Request("http://portal/api/admin/x", { method: "DELETE" }), context(["tenants", "../internal"]));
    expect(adminFetch.mock.calls[0]?.[0]).toBe("tenants/..%2Finternal");
    expect(res.status).toBe(204);
  });

  it("passes the proxy's errors through (e.g. 404 for another tenant)", async () => {
    auth.mockResolvedValue({ operator: { id: "o-1", role: "tenant_admin", tenant_id: "t-1", email: "a@b.c" } });
    adminFetch.mockResolvedValue(
      Response.json({ error: { message: "Tenant not found", type: "not_found", code: "not_found" } }, { status: 404 }),
    );
    const res = await GET(new Request("http://portal/api/admin/tenants/t-2"), context(["tenants", "t-2"]));
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toBe("Tenant not found");
  });

  it("answers 502 when the proxy is unreachable", async () => {
    auth.mockResolvedValue({ operator: { id: "o-1", role: "platform_admin", tenant_id: null, email: "a@b.c" } });
    adminFetch.mockRejectedValue(new TypeError("fetch failed"));
    const res = await GET(new Request("http://portal/api/admin/tenants"), context(["tenants"]));
    expect(res.status).toBe(502);
  });
});
