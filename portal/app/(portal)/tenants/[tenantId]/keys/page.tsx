// A tenant's API keys, listed in the HTML.
import type { Metadata } from "next";
import { Prefetched } from "@/components/prefetched";
import { KeysList } from "@/features/keys/keys-list";
import { keysQuery } from "@/features/keys/queries";
import { prefetch } from "@/lib/api/prefetch";
import { serverApi } from "@/lib/auth/server";
import { proxyUrl } from "@/lib/config";

export const metadata: Metadata = { title: "Keys" };

export default async function KeysPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return (
    <Prefetched state={await prefetch(keysQuery(tenantId, serverApi))}>
      <KeysList tenantId={tenantId} gatewayUrl={proxyUrl} />
    </Prefetched>
  );
}
