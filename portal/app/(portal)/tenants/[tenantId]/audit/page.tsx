// A tenant's audit log; its first page comes with the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { AuditLog } from "@/features/audit/audit-log";
import { auditQuery, FIRST_AUDIT_PAGE } from "@/features/audit/queries";
import { prefetch } from "@/lib/api/prefetch";
import { serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Audit" };

export default async function TenantAuditPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return (
    <Prefetched state={await prefetch(auditQuery({ kind: "tenant", tenantId }, FIRST_AUDIT_PAGE, serverApi))}>
      <AuditLog scope={{ kind: "tenant", tenantId }} />
    </Prefetched>
  );
}
