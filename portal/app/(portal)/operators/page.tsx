// Operators — platform admins only (tenant admins get not-found, as from the proxy). Its lists come with the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { auditQuery, FIRST_AUDIT_PAGE } from "@/features/audit/queries";
import { OperatorsList } from "@/features/operators/operators-list";
import { invitationsQuery, OPERATORS_TENANTS, operatorsQuery } from "@/features/operators/queries";
import { tenantsQuery } from "@/features/tenants/queries";
import { prefetch } from "@/lib/api/prefetch";
import { requirePlatformAdmin, serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Operators" };

export default async function OperatorsPage({ searchParams }: { searchParams: Promise<{ tenant?: string }> }) {
  const operator = await requirePlatformAdmin();
  const { tenant } = await searchParams;
  const state = await prefetch(
    operatorsQuery(serverApi),
    invitationsQuery(serverApi),
    tenantsQuery(OPERATORS_TENANTS, serverApi),
    auditQuery({ kind: "platform" }, FIRST_AUDIT_PAGE, serverApi),
  );
  return (
    <Prefetched state={state}>
      <OperatorsList currentOperatorId={operator.id} inviteForTenantId={tenant} />
    </Prefetched>
  );
}
