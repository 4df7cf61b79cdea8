// Every page under a tenant: the proxy must know the tenant for this operator, else not-found.
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requireOperator, requireTenant } from "@/lib/auth/server";

export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ tenantId: string }>;
}) {
  const { tenantId } = await params;
  const operator = await requireOperator();
  if (operator.role === "tenant_admin" && operator.tenant_id !== tenantId) notFound();
  await requireTenant(tenantId);
  return children;
}
