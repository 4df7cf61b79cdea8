// Slack queries: the keys and fetchers the client hooks (api.ts) use and the page prefetches on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { ItemList, SlackApp, SlackChannelList, SlackConnection } from "@/lib/api/types";

export const connectionsPath = (tenantId: string) => `tenants/${seg(tenantId)}/slack-connections`;
export const slackKeys = {
  list: (tenantId: string) => ["slack-connections", tenantId] as const,
  channels: (tenantId: string, connectionId: string) => ["slack-channels", tenantId, connectionId] as const,
  app: ["slack-app"] as const,
};

type Context = { signal?: AbortSignal };

export const slackConnectionsQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: slackKeys.list(tenantId),
  queryFn: ({ signal }: Context) => call<ItemList<SlackConnection>>(connectionsPath(tenantId), { signal }),
});

export const slackChannelsQuery = (tenantId: string, connectionId: string, call: AdminCall = api) => ({
  queryKey: slackKeys.channels(tenantId, connectionId),
  queryFn: ({ signal }: Context) => call<SlackChannelList>(`${connectionsPath(tenantId)}/${seg(connectionId)}/channels`, { signal }),
});

/** The Slack app's scopes and manifest, the same for every tenant. */
export const slackAppQuery = (call: AdminCall = api) => ({
  queryKey: slackKeys.app,
  queryFn: ({ signal }: Context) => call<SlackApp>("slack-app", { signal }),
});
