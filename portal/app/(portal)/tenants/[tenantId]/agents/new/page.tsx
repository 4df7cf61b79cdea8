// Agent Designer for a new agent.
import type { Metadata } from "next";
import { NewAgentDesigner } from "@/features/agents/agent-designer";

export const metadata: Metadata = { title: "New agent" };

export default async function NewAgentPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return <NewAgentDesigner tenantId={tenantId} />;
}
