// Tenant overview.
import type { Metadata } from "next";
import { TenantOverview } from "@/features/tenants/tenant-overview";
import { requireOperator } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Tenant" };

export default async function TenantPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const operator = await requireOperator();
  return <TenantOverview tenantId={tenantId} canManage={operator.role === "platform_admin"} />;
}
