// A tenant's API keys.
import type { Metadata } from "next";
import { KeysList } from "@/features/keys/keys-list";
import { proxyUrl } from "@/lib/config";

export const metadata: Metadata = { title: "Keys" };

export default async function KeysPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  return <KeysList tenantId={tenantId} gatewayUrl={proxyUrl} />;
}
