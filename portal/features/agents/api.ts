// Agent queries and mutations (the agent with its tools), plus the live prompt preview.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { putAgentTools } from "@/features/tools/api";
import { toolKeys } from "@/features/tools/queries";
import type { Agent, AgentCreate, AgentPreview, AgentUpdate, ToolAssignment, ToolAssignmentIn } from "@/lib/api/types";
import { agentKeys, agentPath, agentQuery, agentsPath, agentsQuery } from "./queries";

export function useAgents(tenantId: string) {
  return useQuery(agentsQuery(tenantId));
}

export function useAgent(tenantId: string, agentId: string) {
  return useQuery(agentQuery(tenantId, agentId));
}

export type AgentSave = { agent: AgentCreate; tools: ToolAssignmentIn[] };
export type SavedAgent = { agent: Agent; tools: ToolAssignment[] };

/** Thrown when a new agent was created but its tools were not saved: the agent exists, go to it. */
export class ToolsNotSaved extends Error {
  constructor(
    readonly agent: Agent,
    readonly cause: unknown,
  ) {
    super("The agent was created, but its tools were not saved.");
  }
}

/** The agent, then its tools: one change, confirmed once both are stored. */
export function useSaveAgent(tenantId: string, agentId?: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: agentId ? "Agent saved" : "Agent created" },
    mutationFn: async ({ agent: body, tools }: AgentSave): Promise<SavedAgent> => {
      const agent = agentId
        ? await api<Agent>(agentPath(tenantId, agentId), { method: "PATCH", body })
        : await api<Agent>(agentsPath(tenantId), { method: "POST", body });
      if (!agentId && tools.length === 0) return { agent, tools: [] };
      try {
        return { agent, tools: await putAgentTools(tenantId, agent.id, tools) };
      } catch (error) {
        client.setQueryData(agentKeys.one(tenantId, agent.id), agent);
        throw agentId ? error : new ToolsNotSaved(agent, error);
      }
    },
    onSuccess: ({ agent, tools }) => {
      client.setQueryData(agentKeys.one(tenantId, agent.id), agent);
      client.setQueryData(toolKeys.agent(tenantId, agent.id), { items: tools });
      // Not awaited: the form is clean the moment the proxy has the agent, not after the list refetched.
      void client.invalidateQueries({ queryKey: agentKeys.list(tenantId) });
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
