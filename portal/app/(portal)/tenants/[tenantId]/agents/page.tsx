// A tenant's agents, listed in the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { AgentsList } from "@/features/agents/agents-list";
import { agentsQuery } from "@/features/agents/queries";
import { prefetch } from "@/lib/api/prefetch";
import { serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return (
    <Prefetched state={await prefetch(agentsQuery(tenantId, serverApi))}>
      <AgentsList tenantId={tenantId} />
    </Prefetched>
  );
}
