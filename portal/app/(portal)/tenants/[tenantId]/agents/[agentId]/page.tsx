// Agent Designer for a saved agent (with live preview and "Try it"); unknown agents render not-found.
import type { Metadata } from "next";
import { AgentDesigner } from "@/features/agents/agent-designer";
import type { Agent } from "@/lib/api/types";
import { requireResource } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Agent" };

export default async function AgentPage({ params }: { params: Promise<{ tenantId: string; agentId: string }> }) {
  const { tenantId, agentId } = await params;
  await requireResource<Agent>(`tenants/${encodeURIComponent(tenantId)}/agents/${encodeURIComponent(agentId)}`);
  return <AgentDesigner tenantId={tenantId} agentId={agentId} />;
}
