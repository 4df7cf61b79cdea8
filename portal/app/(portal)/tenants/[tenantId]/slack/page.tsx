// A tenant's Slack workspaces, channel routing and limits; the workspaces, agents and the app's permissions
// come with the HTML (each workspace's channel list loads in the browser, from Slack).
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { agentsQuery } from "@/features/agents/queries";
import { slackAppQuery, slackConnectionsQuery } from "@/features/slack/queries";
import { SlackPage } from "@/features/slack/slack-page";
import { prefetch } from "@/lib/api/prefetch";
import { serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Slack" };

export default async function TenantSlackPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const state = await prefetch(slackConnectionsQuery(tenantId, serverApi), agentsQuery(tenantId, serverApi), slackAppQuery(serverApi));
  return (
    <Prefetched state={state}>
      <SlackPage tenantId={tenantId} />
    </Prefetched>
  );
}
