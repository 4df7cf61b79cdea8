// Slack connection queries and mutations, the workspace's channel list, and the "Add to Slack" install link.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { SlackConnection, SlackConnectionCreate, SlackConnectionUpdate, SlackInstallLink } from "@/lib/api/types";
import { connectionsPath, slackAppQuery, slackChannelsQuery, slackConnectionsQuery, slackKeys } from "./queries";

export function useSlackConnections(tenantId: string) {
  return useQuery(slackConnectionsQuery(tenantId));
}

/** The workspace's channels as Slack lists them to the bot; no retry, so a refusal shows at once (links still work). */
export function useSlackChannels(tenantId: string, connectionId: string) {
  return useQuery({ ...slackChannelsQuery(tenantId, connectionId), staleTime: 60_000, retry: false });
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

export function useSlackApp() {
  return useQuery({ ...slackAppQuery(), staleTime: 5 * 60_000 });
}
