// The sidebar's sections and which tenant the current URL is about.
import type { OperatorRole } from "@/lib/api/types";

export type NavItem = { label: string; href: string | null; match: string };

const TENANT_PATH = /^\/tenants\/([^/]+)/;

export function tenantIdFromPath(pathname: string): string | null {
  const id = TENANT_PATH.exec(pathname)?.[1];
  return id ? decodeURIComponent(id) : null;
}

/** Tenant sections link into the current tenant; with none chosen they are shown disabled (href null). */
export function navItems(role: OperatorRole, tenantId: string | null): NavItem[] {
  const base = tenantId ? `/tenants/${encodeURIComponent(tenantId)}` : null;
  const section = (label: string, sub: string): NavItem => ({
    label,
    href: base ? `${base}/${sub}` : null,
    match: `/${sub}`,
  });
  const first: NavItem =
    role === "platform_admin"
      ? { label: "Tenants", href: "/tenants", match: "/tenants" }
      : { label: "Overview", href: base, match: "" };
  const items = [
    first,
    section("Agents", "agents"),
    section("Tools", "tools"),
    section("Keys", "keys"),
    section("Slack", "slack"),
    section("Limits", "limits"),
    section("Usage", "usage"),
  ];
  if (role === "platform_admin") items.push({ label: "Operators", href: "/operators", match: "/operators" });
  items.push(section("Audit", "audit"));
  return items;
}

export function isActive(item: NavItem, pathname: string): boolean {
  if (!item.href) return false;
  if (item.label === "Tenants") return pathname === "/tenants";
  if (item.label === "Overview") return pathname === item.href;
  return pathname.startsWith(item.href);
}
