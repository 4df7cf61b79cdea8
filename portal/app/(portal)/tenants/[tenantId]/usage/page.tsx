// A tenant's usage and budget.
import type { Metadata } from "next";
import { UsagePage } from "@/features/usage/usage-page";

export const metadata: Metadata = { title: "Usage" };

export default async function TenantUsagePage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return <UsagePage tenantId={tenantId} />;
}
