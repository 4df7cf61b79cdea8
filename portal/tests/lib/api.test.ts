import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { adminUrl, api, isUnauthorized } from "@/lib/api/client";
import { ApiError, type ApiErrorBody } from "@/lib/api/errors";
import { applyApiError, SERVER_ERROR } from "@/lib/forms";
import { formatUsd } from "@/lib/utils";
import { admin, received, server } from "@/tests/msw";

describe("browser admin API client", () => {
  it("calls the portal's route handler, never the proxy", () => {
    expect(adminUrl("tenants", { q: "acme", status: undefined, days: 30 })).toBe("/api/admin/tenants?q=acme&days=30");
    expect(adminUrl("/tenants/t-1")).toBe("/api/admin/tenants/t-1");
  });

  it("sends the body as JSON and the query's set values, and answers the JSON", async () => {
    server.use(
      admin("post", "/admin/tenants", ({ body }) => ({
        id: "t-1",
        name: body.name,
        slug: body.slug,
        status: "active" as const,
        settings: {},
        created_at: "2026-12-01T00:00:00Z",
      })),
    );
    await expect(api("tenants", { method: "POST", body: { name: "Acme", slug: "acme" }, query: { dry: undefined, q: "" } })).resolves.toMatchObject({
      id: "t-1",
      name: "Acme",
    });
    expect(received).toEqual([{ method: "POST", path: "/api/admin/tenants", query: {}, body: { name: "Acme", slug: "acme" } }]);
  });

  it("turns the proxy's error envelope into an ApiError", async () => {
    const conflict: ApiErrorBody = { error: { message: "Slug taken", type: "conflict", code: "conflict", fields: [{ field: "slug", message: "taken" }] } };
    server.use(admin("post", "/admin/tenants", () => HttpResponse.json(conflict, { status: 409 })));
    const error = await api("tenants", { method: "POST", body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "conflict", message: "Slug taken", fields: [{ field: "slug", message: "taken" }] });
  });

  it("copes with a non-JSON error body and recognises 401", async () => {
    server.use(admin("get", "/admin/tenants", () => new HttpResponse("upstream down", { status: 401 })));
    const error = await api("tenants", { query: { q: "acme", limit: 25 } }).catch((e: unknown) => e);
    expect(isUnauthorized(error)).toBe(true);
    expect((error as Error).message).toMatch(/sign in again/);
    expect(received).toEqual([{ method: "GET", path: "/api/admin/tenants", query: { q: "acme", limit: "25" }, body: undefined }]);
  });

  it("answers undefined for 204", async () => {
    server.use(admin("delete", "/admin/tenants/{tenant_id}", () => new HttpResponse(null, { status: 204 })));
    await expect(api("tenants/t-1", { method: "DELETE" })).resolves.toBeUndefined();
    expect(received).toEqual([{ method: "DELETE", path: "/api/admin/tenants/t-1", query: {}, body: undefined }]);
  });
});

describe("applyApiError", () => {
  it("puts known fields on inputs and the rest on the form", () => {
    const setError = vi.fn();
    const error = new ApiError(422, {
      message: "Invalid",
      type: "validation_error",
      code: "validation_error",
      fields: [
        { field: "body.name", message: "Too long" },
        { field: "mystery", message: "Unknown field" },
      ],
    });
    applyApiError(error, setError, ["name"]);
    expect(setError).toHaveBeenCalledWith("name", { type: "server", message: "Too long" }, { shouldFocus: true });
    expect(setError).toHaveBeenCalledWith(SERVER_ERROR, { type: "server", message: "Invalid" });
  });

  it("reports network failures on the form", () => {
    const setError = vi.fn();
    applyApiError(new TypeError("Failed to fetch"), setError, ["name"]);
    expect(setError).toHaveBeenCalledWith(SERVER_ERROR, { type: "server", message: "Failed to fetch" });
  });
});

describe("formatUsd", () => {
  it("reads the proxy's decimal strings and keeps tiny costs visible", () => {
    expect(formatUsd("12.3400")).toBe("$12.34");
    expect(formatUsd("0.0000012")).toBe("< $0.0001");
    expect(formatUsd(null)).toBe("—");
    expect(formatUsd(0)).toBe("$0.00");
  });
});
