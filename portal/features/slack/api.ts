// Slack connection queries and mutations, and the "Add to Slack" install link.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { ItemList, SlackConnection, SlackConnectionCreate, SlackConnectionUpdate, SlackInstallLink } from "@/lib/api/types";

const connectionsPath = (tenantId: string) => `tenants/${seg(tenantId)}/slack-connections`;
export const slackKeys = { list: (tenantId: string) => ["slack-connections", tenantId] as const };

export function useSlackConnections(tenantId: string) {
  return useQuery({
    queryKey: slackKeys.list(tenantId),
    queryFn: ({ signal }) => api<ItemList<SlackConnection>>(connectionsPath(tenantId), { signal }),
  });
}

export function useCreateSlackConnection(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Workspace connected" },
    mutationFn: (body: SlackConnectionCreate) => api<SlackConnection>(connectionsPath(tenantId), { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: slackKeys.list(tenantId) }),
  });
}

export function useUpdateSlackConnection(tenantId: string, connectionId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Workspace saved" },
    mutationFn: (body: SlackConnectionUpdate) =>
      api<SlackConnection>(`${connectionsPath(tenantId)}/${seg(connectionId)}`, { method: "PATCH", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: slackKeys.list(tenantId) }),
  });
}

export function useDeleteSlackConnection(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Workspace disconnected" },
    mutationFn: (connectionId: string) => api<void>(`${connectionsPath(tenantId)}/${seg(connectionId)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: slackKeys.list(tenantId) }),
  });
}

export function useSlackInstallLink(tenantId: string) {
  return useMutation({
    mutationFn: () => api<SlackInstallLink>(`tenants/${seg(tenantId)}/slack-install-link`, { method: "POST" }),
  });
}
