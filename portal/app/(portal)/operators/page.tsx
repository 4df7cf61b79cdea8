// Operators — platform admins only (tenant admins get not-found, as from the proxy).
import type { Metadata } from "next";
import { OperatorsList } from "@/features/operators/operators-list";
import { requirePlatformAdmin } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Operators" };

export default async function OperatorsPage({ searchParams }: { searchParams: Promise<{ tenant?: string }> }) {
  const operator = await requirePlatformAdmin();
  const { tenant } = await searchParams;
  return <OperatorsList currentOperatorId={operator.id} inviteForTenantId={tenant} />;
}
