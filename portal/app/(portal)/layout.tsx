// Everything behind sign-in: checks the session on the server, then renders the shell (a platform admin's
// tenant switcher with its tenants already in the HTML).
import type { ReactNode } from "react";
import { Prefetched } from "@/components/prefetched";
import { AppShell } from "@/components/shell/app-shell";
import { SWITCHER_TENANTS, tenantsQuery } from "@/features/tenants/queries";
import { prefetch } from "@/lib/api/prefetch";
import { requireOperator, serverApi } from "@/lib/auth/server";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const operator = await requireOperator();
  const shell = <AppShell operator={operator}>{children}</AppShell>;
  if (operator.role !== "platform_admin") return shell;
  return <Prefetched state={await prefetch(tenantsQuery(SWITCHER_TENANTS, serverApi))}>{shell}</Prefetched>;
}
