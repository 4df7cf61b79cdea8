// Agent Designer page body: new agents get a suggested name; both try the draft as it stands; saved agents add the live preview.
"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorState, LoadingState, PageHeader } from "@/components/states";
import { useAgentTools } from "@/features/tools/api";
import { errorMessage } from "@/lib/api/errors";
import type { Agent, ToolAssignment } from "@/lib/api/types";
import { toast } from "@/lib/toast";
import { ToolsNotSaved, useAgent, useAgents, useSaveAgent } from "./api";
import { AgentForm } from "./agent-form";
import { DeleteAgentButton } from "./delete-agent-button";
import { suggestAgentName } from "./names";
import { PromptPreview } from "./prompt-preview";
import { agentDefaults, agentToValues } from "./schema";
import { TryAgent } from "./try-agent";

export function NewAgentDesigner({ tenantId }: { tenantId: string }) {
  const agents = useAgents(tenantId);
  if (agents.isPending) return <LoadingState label="Loading…" />;
  if (agents.isError) return <ErrorState error={agents.error} onRetry={() => agents.refetch()} />;
  return <NewAgentForm tenantId={tenantId} takenNames={agents.data.items.map((agent) => agent.name)} />;
}

function NewAgentForm({ tenantId, takenNames }: { tenantId: string; takenNames: string[] }) {
  const router = useRouter();
  const save = useSaveAgent(tenantId);
  const [defaults] = useState(() => agentDefaults(suggestAgentName(takenNames)));
  return (
    <>
      <PageHeader title="New agent" description="Describe your AI employee and try it as you go. The prompt preview appears once it is created." />
      <AgentForm
        tenantId={tenantId}
        defaultValues={defaults}
        submitLabel="Create agent"
        onSubmit={async (body) => {
          const open = (agentId: string) => router.replace(`/tenants/${encodeURIComponent(tenantId)}/agents/${encodeURIComponent(agentId)}`);
          try {
            open((await save.mutateAsync(body)).agent.id);
          } catch (error) {
            // The agent exists; only its tools failed. Its page shows them unassigned, to set again.
            if (!(error instanceof ToolsNotSaved)) throw error;
            toast(`Agent created, but its tools were not saved: ${errorMessage(error.cause)}`);
            open(error.agent.id);
          }
        }}
        aside={(overrides) => (
          <>
            <PromptPreview tenantId={tenantId} overrides={overrides} />
            <TryAgent tenantId={tenantId} draft={overrides} />
          </>
        )}
      />
    </>
  );
}

export function AgentDesigner({ tenantId, agentId }: { tenantId: string; agentId: string }) {
  const agent = useAgent(tenantId, agentId);
  const tools = useAgentTools(tenantId, agentId);
  if (agent.isPending || tools.isPending) return <LoadingState label="Loading agent…" rows={6} />;
  if (agent.isError) return <ErrorState error={agent.error} onRetry={() => agent.refetch()} />;
  if (tools.isError) return <ErrorState error={tools.error} onRetry={() => tools.refetch()} />;
  return <EditAgentForm tenantId={tenantId} agent={agent.data} tools={tools.data.items} />;
}

function EditAgentForm({ tenantId, agent, tools }: { tenantId: string; agent: Agent; tools: ToolAssignment[] }) {
  const save = useSaveAgent(tenantId, agent.id);
  const [defaults] = useState(() => agentToValues(agent, tools));
  return (
    <>
      <PageHeader
        title={agent.name}
        description={
          <>
            {agent.role} · header <code className="font-mono [overflow-wrap:anywhere]">X-Konstruct-Agent: {agent.slug || agent.id}</code>
          </>
        }
        actions={<DeleteAgentButton tenantId={tenantId} agent={agent} />}
      />
      <AgentForm
        tenantId={tenantId}
        defaultValues={defaults}
        assignedTools={tools}
        submitLabel="Save agent"
        onSubmit={(body) => save.mutateAsync(body)}
        aside={(overrides) => (
          <>
            <PromptPreview tenantId={tenantId} agentId={agent.id} overrides={overrides} />
            <TryAgent tenantId={tenantId} agentId={agent.id} draft={overrides} />
          </>
        )}
      />
    </>
  );
}
