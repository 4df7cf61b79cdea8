// The tenant's tool registry: MCP servers and HTTP tools (add, test, refresh, remove) and an agent's tools.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { HttpTool, HttpToolCreate, ItemList, McpServer, McpServerCreate, ToolAssignment, ToolAssignmentIn, ToolTest, ToolTestResult } from "@/lib/api/types";
import { agentToolsQuery, httpToolsQuery, mcpServersQuery, registryQuery, toolKeys, toolsBase } from "./queries";

export function useRegistry(tenantId: string) {
  return useQuery(registryQuery(tenantId));
}

export function useMcpServers(tenantId: string) {
  return useQuery(mcpServersQuery(tenantId));
}

export function useHttpTools(tenantId: string) {
  return useQuery(httpToolsQuery(tenantId));
}

/** Any change to the registry changes what the Designer's picker offers too. */
function useRegistryMutation<TVars, TResult>(tenantId: string, success: string | undefined, fn: (vars: TVars) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({
    meta: success ? { success } : undefined,
    mutationFn: fn,
    onSuccess: () => void client.invalidateQueries({ queryKey: toolKeys.all(tenantId) }),
  });
}

export const useCreateMcpServer = (tenantId: string) =>
  useRegistryMutation(tenantId, "MCP server added", (body: McpServerCreate) =>
    api<McpServer>(`${toolsBase(tenantId)}/mcp-servers`, { method: "POST", body }),
  );

export const useRefreshMcpServer = (tenantId: string) =>
  useRegistryMutation(tenantId, "Tool list refreshed", (serverId: string) =>
    api<McpServer>(`${toolsBase(tenantId)}/mcp-servers/${seg(serverId)}/refresh`, { method: "POST" }),
  );

export const useDeleteMcpServer = (tenantId: string) =>
  useRegistryMutation(tenantId, "MCP server removed", (serverId: string) =>
    api<void>(`${toolsBase(tenantId)}/mcp-servers/${seg(serverId)}`, { method: "DELETE" }),
  );

export const useCreateHttpTool = (tenantId: string) =>
  useRegistryMutation(tenantId, "HTTP tool added", (body: HttpToolCreate) =>
    api<HttpTool>(`${toolsBase(tenantId)}/http-tools`, { method: "POST", body }),
  );

export const useDeleteHttpTool = (tenantId: string) =>
  useRegistryMutation(tenantId, "HTTP tool removed", (toolId: string) =>
    api<void>(`${toolsBase(tenantId)}/http-tools/${seg(toolId)}`, { method: "DELETE" }),
  );

/** A test call: an MCP server's tool list or one of its tools, or an HTTP tool, with arguments. */
export function useTestTool(tenantId: string, target: { kind: "mcp" | "http"; id: string }) {
  const path = target.kind === "mcp" ? `mcp-servers/${seg(target.id)}/test` : `http-tools/${seg(target.id)}/test`;
  return useMutation({
    mutationFn: (body: ToolTest) => api<ToolTestResult>(`${toolsBase(tenantId)}/${path}`, { method: "POST", body }),
  });
}

export function useAgentTools(tenantId: string, agentId: string | undefined) {
  return useQuery({ ...agentToolsQuery(tenantId, agentId ?? ""), enabled: Boolean(agentId) });
}

export async function putAgentTools(tenantId: string, agentId: string, tools: ToolAssignmentIn[]): Promise<ToolAssignment[]> {
  const page = await api<ItemList<ToolAssignment>>(`${toolsBase(tenantId)}/agents/${seg(agentId)}/tools`, { method: "PUT", body: { tools } });
  return page.items;
}
