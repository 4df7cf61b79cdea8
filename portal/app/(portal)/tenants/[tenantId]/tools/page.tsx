// A tenant's tool registry: MCP servers and HTTP tools, listed in the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { httpToolsQuery, mcpServersQuery } from "@/features/tools/queries";
import { ToolsPage } from "@/features/tools/tools-page";
import { prefetch } from "@/lib/api/prefetch";
import { serverApi } from "@/lib/auth/server";

export const metadata: Metadata = { title: "Tools" };

export default async function TenantToolsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return (
    <Prefetched state={await prefetch(mcpServersQuery(tenantId, serverApi), httpToolsQuery(tenantId, serverApi))}>
      <ToolsPage tenantId={tenantId} />
    </Prefetched>
  );
}
