// Agent queries and mutations, plus the live prompt preview and the "Try it" call.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { Agent, AgentCreate, AgentPreview, AgentTryResult, AgentUpdate, ItemList } from "@/lib/api/types";

export const agentKeys = {
  list: (tenantId: string) => ["agents", tenantId] as const,
  one: (tenantId: string, agentId: string) => ["agents", tenantId, agentId] as const,
  preview: (tenantId: string, agentId: string, overrides: AgentUpdate) => ["agent-preview", tenantId, agentId, overrides] as const,
};

const agentsPath = (tenantId: string) => `tenants/${seg(tenantId)}/agents`;
const agentPath = (tenantId: string, agentId: string) => `${agentsPath(tenantId)}/${seg(agentId)}`;

export function useAgents(tenantId: string) {
  return useQuery({
    queryKey: agentKeys.list(tenantId),
    queryFn: ({ signal }) => api<ItemList<Agent>>(agentsPath(tenantId), { signal }),
  });
}

export function useAgent(tenantId: string, agentId: string) {
  return useQuery({
    queryKey: agentKeys.one(tenantId, agentId),
    queryFn: ({ signal }) => api<Agent>(agentPath(tenantId, agentId), { signal }),
  });
}

export function useSaveAgent(tenantId: string, agentId?: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: agentId ? "Agent saved" : "Agent created" },
    mutationFn: (body: AgentCreate) =>
      agentId
        ? api<Agent>(agentPath(tenantId, agentId), { method: "PATCH", body })
        : api<Agent>(agentsPath(tenantId), { method: "POST", body }),
    onSuccess: (agent) => {
      client.setQueryData(agentKeys.one(tenantId, agent.id), agent);
      return client.invalidateQueries({ queryKey: agentKeys.list(tenantId) });
    },
  });
}

export function useDeleteAgent(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Agent deleted" },
    mutationFn: (agentId: string) => api<void>(agentPath(tenantId, agentId), { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: agentKeys.list(tenantId) }),
  });
}

/** The composed system prompt for the form's current values (sent as overrides of the saved agent). */
export function usePromptPreview(tenantId: string, agentId: string | undefined, overrides: AgentUpdate) {
  return useQuery({
    queryKey: agentKeys.preview(tenantId, agentId ?? "", overrides),
    queryFn: ({ signal }) =>
      api<AgentPreview>(`${agentPath(tenantId, agentId ?? "")}/preview`, { method: "POST", body: overrides, signal }),
    enabled: Boolean(agentId),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useTryAgent(tenantId: string, agentId: string) {
  return useMutation({
    mutationFn: (message: string) =>
      api<AgentTryResult>(`${agentPath(tenantId, agentId)}/try`, { method: "POST", body: { message } }),
  });
}
