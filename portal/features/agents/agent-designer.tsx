// Agent Designer page body: new agents get a suggested name; saved agents get the live preview and "Try it".
"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorState, LoadingState, PageHeader } from "@/components/states";
import type { Agent } from "@/lib/api/types";
import { useAgent, useAgents, useSaveAgent } from "./api";
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
      <PageHeader title="New agent" description="Describe your AI employee. The preview and Try it appear once it is created." />
      <AgentForm
        defaultValues={defaults}
        submitLabel="Create agent"
        onSubmit={async (body) => {
          const agent = await save.mutateAsync(body);
          router.replace(`/tenants/${encodeURIComponent(tenantId)}/agents/${encodeURIComponent(agent.id)}`);
        }}
        aside={(overrides) => <PromptPreview tenantId={tenantId} overrides={overrides} />}
      />
    </>
  );
}

export function AgentDesigner({ tenantId, agentId }: { tenantId: string; agentId: string }) {
  const agent = useAgent(tenantId, agentId);
  if (agent.isPending) return <LoadingState label="Loading agent…" rows={6} />;
  if (agent.isError) return <ErrorState error={agent.error} onRetry={() => agent.refetch()} />;
  return <EditAgentForm tenantId={tenantId} agent={agent.data} />;
}

function EditAgentForm({ tenantId, agent }: { tenantId: string; agent: Agent }) {
  const save = useSaveAgent(tenantId, agent.id);
  const [defaults] = useState(() => agentToValues(agent));
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
        defaultValues={defaults}
        submitLabel="Save agent"
        onSubmit={(body) => save.mutateAsync(body)}
        aside={(overrides) => (
          <>
            <PromptPreview tenantId={tenantId} agentId={agent.id} overrides={overrides} />
            <TryAgent tenantId={tenantId} agentId={agent.id} />
          </>
        )}
      />
    </>
  );
}
