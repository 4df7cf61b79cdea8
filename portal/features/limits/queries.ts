// Tenant limits query: the key and fetcher the client hook (api.ts) uses and the page prefetches on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { Limits } from "@/lib/api/types";

export const limitsPath = (tenantId: string) => `tenants/${seg(tenantId)}/limits`;
export const limitKeys = { one: (tenantId: string) => ["limits", tenantId] as const };

export const limitsQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: limitKeys.one(tenantId),
  queryFn: ({ signal }: { signal?: AbortSignal }) => call<Limits>(limitsPath(tenantId), { signal }),
});
