// A tenant's Slack workspaces, channel routing and limits.
import type { Metadata } from "next";
import { SlackPage } from "@/features/slack/slack-page";

export const metadata: Metadata = { title: "Slack" };

export default async function TenantSlackPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return <SlackPage tenantId={tenantId} />;
}
