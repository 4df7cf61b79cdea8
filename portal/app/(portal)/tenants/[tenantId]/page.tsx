// Tenant overview, with the tenant and its figures in the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { tenantQuery, tenantStatsQuery } from "@/features/tenants/queries";
import { TenantOverview } from "@/features/tenants/tenant-overview";
import { prefetch } from "@/lib/api/prefetch";
import { requireOperator, serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Tenant" };

export default async function TenantPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const operator = await requireOperator();
  return (
    <Prefetched state={await prefetch(tenantQuery(tenantId, serverApi), tenantStatsQuery(tenantId, serverApi))}>
      <TenantOverview tenantId={tenantId} canManage={operator.role === "platform_admin"} />
    </Prefetched>
  );
}
