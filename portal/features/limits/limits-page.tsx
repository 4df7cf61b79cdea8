// Limits and budget of one tenant, with this month's spend beside the budget.
"use client";

import Link from "next/link";
import { PageHeader } from "@/components/states";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useTenantStats } from "@/features/tenants/api";
import { SpendAgainstBudget } from "@/features/tenants/tenant-figures";
import { LimitsCard } from "./limits-card";

export function LimitsPage({ tenantId }: { tenantId: string }) {
  const stats = useTenantStats(tenantId);
  return (
    <>
      <PageHeader
        title="Limits"
        description="How much this tenant may spend and send: the monthly budget, rate limits per key, and the Slack message limits."
      />
      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>This month</CardTitle>
            <CardDescription>
              Spend so far against the budget (calendar month, UTC).{" "}
              <Link href={`/tenants/${encodeURIComponent(tenantId)}/usage`} className="text-primary underline underline-offset-2">
                See usage
              </Link>
            </CardDescription>
          </CardHeader>
          <CardContent>{stats.data ? <SpendAgainstBudget stats={stats.data} label="This month" /> : <p className="text-sm text-muted-foreground">…</p>}</CardContent>
        </Card>
        <LimitsCard tenantId={tenantId} />
      </div>
    </>
  );
}
