// Tenants list — platform admins only; a tenant admin is sent to its own tenant. Its first page comes with the HTML.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Prefetched } from "@/components/prefetched";
import { FIRST_TENANTS_PAGE, tenantsQuery } from "@/features/tenants/queries";
import { TenantsList } from "@/features/tenants/tenants-list";
import { prefetch } from "@/lib/api/prefetch";
import { homePath, requireOperator, serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Tenants" };

export default async function TenantsPage() {
  const operator = await requireOperator();
  if (operator.role !== "platform_admin") redirect(homePath(operator));
  return (
    <Prefetched state={await prefetch(tenantsQuery(FIRST_TENANTS_PAGE, serverApi))}>
      <TenantsList />
    </Prefetched>
  );
}
