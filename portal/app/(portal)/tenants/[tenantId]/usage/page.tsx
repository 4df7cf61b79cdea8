// A tenant's usage and budget; the default period's report, tool calls and feedback come with the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { agentsQuery } from "@/features/agents/queries";
import { keysQuery } from "@/features/keys/queries";
import { DEFAULT_USAGE_DAYS, feedbackQuery, toolCallUsageQuery, usageQuery } from "@/features/usage/queries";
import { UsagePage } from "@/features/usage/usage-page";
import { prefetch } from "@/lib/api/prefetch";
import { serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Usage" };

export default async function TenantUsagePage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const state = await prefetch(
    usageQuery(tenantId, { days: DEFAULT_USAGE_DAYS }, serverApi),
    toolCallUsageQuery(tenantId, DEFAULT_USAGE_DAYS, serverApi),
    feedbackQuery(tenantId, serverApi),
    keysQuery(tenantId, serverApi),
    agentsQuery(tenantId, serverApi),
  );
  return (
    <Prefetched state={state}>
      <UsagePage tenantId={tenantId} />
    </Prefetched>
  );
}
