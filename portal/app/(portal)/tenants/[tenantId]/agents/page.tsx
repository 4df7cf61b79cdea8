// A tenant's agents.
import type { Metadata } from "next";
import { AgentsList } from "@/features/agents/agents-list";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return <AgentsList tenantId={tenantId} />;
}
