// Tenants list — platform admins only; a tenant admin is sent to its own tenant.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { TenantsList } from "@/features/tenants/tenants-list";
import { homePath, requireOperator } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Tenants" };

export default async function TenantsPage() {
  const operator = await requireOperator();
  if (operator.role !== "platform_admin") redirect(homePath(operator));
  return <TenantsList />;
}
