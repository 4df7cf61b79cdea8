// Tool registry queries: the keys and fetchers the client hooks (api.ts) use and the pages prefetch on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { HttpTool, ItemList, McpServer, RegistryTool, ToolAssignment } from "@/lib/api/types";

export const toolKeys = {
  all: (tenantId: string) => ["tools", tenantId] as const,
  registry: (tenantId: string) => ["tools", tenantId, "registry"] as const,
  mcp: (tenantId: string) => ["tools", tenantId, "mcp"] as const,
  http: (tenantId: string) => ["tools", tenantId, "http"] as const,
  agent: (tenantId: string, agentId: string) => ["tools", tenantId, "agent", agentId] as const,
};

export const toolsBase = (tenantId: string) => `tenants/${seg(tenantId)}`;

type Context = { signal?: AbortSignal };

export const registryQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: toolKeys.registry(tenantId),
  queryFn: ({ signal }: Context) => call<ItemList<RegistryTool>>(`${toolsBase(tenantId)}/tools`, { signal }),
});

export const mcpServersQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: toolKeys.mcp(tenantId),
  queryFn: ({ signal }: Context) => call<ItemList<McpServer>>(`${toolsBase(tenantId)}/mcp-servers`, { signal }),
});

export const httpToolsQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: toolKeys.http(tenantId),
  queryFn: ({ signal }: Context) => call<ItemList<HttpTool>>(`${toolsBase(tenantId)}/http-tools`, { signal }),
});

export const agentToolsQuery = (tenantId: string, agentId: string, call: AdminCall = api) => ({
  queryKey: toolKeys.agent(tenantId, agentId),
  queryFn: ({ signal }: Context) => call<ItemList<ToolAssignment>>(`${toolsBase(tenantId)}/agents/${seg(agentId)}/tools`, { signal }),
});
