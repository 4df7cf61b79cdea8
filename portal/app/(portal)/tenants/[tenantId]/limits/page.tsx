// A tenant's limits and monthly budget: a page of their own, where operators look for them; filled in the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { LimitsPage } from "@/features/limits/limits-page";
import { limitsQuery } from "@/features/limits/queries";
import { tenantStatsQuery } from "@/features/tenants/queries";
import { prefetch } from "@/lib/api/prefetch";
import { serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Limits" };

export default async function TenantLimitsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return (
    <Prefetched state={await prefetch(limitsQuery(tenantId, serverApi), tenantStatsQuery(tenantId, serverApi))}>
      <LimitsPage tenantId={tenantId} />
    </Prefetched>
  );
}
