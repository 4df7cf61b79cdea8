import { describe, expect, it } from "vitest";
import { isActive, navItems, tenantIdFromPath } from "@/components/shell/nav";

describe("sidebar navigation", () => {
  it("gives platform admins Tenants and Operators, with tenant sections for the current tenant", () => {
    const items = navItems("platform_admin", "t-1");
    expect(items.map((item) => item.label)).toEqual(["Tenants", "Agents", "Tools", "Keys", "Slack", "Limits", "Usage", "Operators", "Audit"]);
    expect(items.find((item) => item.label === "Keys")?.href).toBe("/tenants/t-1/keys");
  });

  it("disables tenant sections until a platform admin picks a tenant", () => {
    const items = navItems("platform_admin", null);
    expect(items.find((item) => item.label === "Agents")?.href).toBeNull();
    expect(items.find((item) => item.label === "Tenants")?.href).toBe("/tenants");
  });

  it("never shows tenant admins the tenants list or operators", () => {
    const labels = navItems("tenant_admin", "t-9").map((item) => item.label);
    expect(labels).not.toContain("Tenants");
    expect(labels).not.toContain("Operators");
    expect(navItems("tenant_admin", "t-9")[0]).toMatchObject({ label: "Overview", href: "/tenants/t-9" });
  });

  it("reads the tenant from the URL and marks the active section", () => {
    expect(tenantIdFromPath("/tenants/abc%20d/agents/x")).toBe("abc d");
    expect(tenantIdFromPath("/operators")).toBeNull();
    const [tenants, agents] = navItems("platform_admin", "t-1");
    expect(isActive(agents!, "/tenants/t-1/agents/new")).toBe(true);
    expect(isActive(tenants!, "/tenants/t-1/agents")).toBe(false);
  });
});
