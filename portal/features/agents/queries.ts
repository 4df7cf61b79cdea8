// Agent queries: the keys and fetchers the client hooks (api.ts) use and the pages prefetch on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { Agent, AgentUpdate, ItemList } from "@/lib/api/types";

export const agentKeys = {
  list: (tenantId: string) => ["agents", tenantId] as const,
  one: (tenantId: string, agentId: string) => ["agents", tenantId, agentId] as const,
  preview: (tenantId: string, agentId: string, overrides: AgentUpdate) => ["agent-preview", tenantId, agentId, overrides] as const,
};

export const agentsPath = (tenantId: string) => `tenants/${seg(tenantId)}/agents`;
export const agentPath = (tenantId: string, agentId: string) => `${agentsPath(tenantId)}/${seg(agentId)}`;

type Context = { signal?: AbortSignal };

export const agentsQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: agentKeys.list(tenantId),
  queryFn: ({ signal }: Context) => call<ItemList<Agent>>(agentsPath(tenantId), { signal }),
});

export const agentQuery = (tenantId: string, agentId: string, call: AdminCall = api) => ({
  queryKey: agentKeys.one(tenantId, agentId),
  queryFn: ({ signal }: Context) => call<Agent>(agentPath(tenantId, agentId), { signal }),
});
