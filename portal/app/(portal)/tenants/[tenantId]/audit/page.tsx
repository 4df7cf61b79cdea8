// A tenant's audit log.
import type { Metadata } from "next";
import { AuditLog } from "@/features/audit/audit-log";

export const metadata: Metadata = { title: "Audit" };

export default async function TenantAuditPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return <AuditLog tenantId={tenantId} />;
}
