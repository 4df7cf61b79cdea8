// Tenant key queries: the key and fetcher the client hooks (api.ts) use and the pages prefetch on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { ItemList, TenantKey } from "@/lib/api/types";

export const keysPath = (tenantId: string) => `tenants/${seg(tenantId)}/keys`;
export const keyKeys = { list: (tenantId: string) => ["keys", tenantId] as const };

export const keysQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: keyKeys.list(tenantId),
  queryFn: ({ signal }: { signal?: AbortSignal }) => call<ItemList<TenantKey>>(keysPath(tenantId), { signal }),
});
