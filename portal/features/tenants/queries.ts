// Tenant queries: the keys and fetchers the client hooks (api.ts) use and the pages prefetch on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { PagedList, Tenant, TenantSort, TenantStats, TenantSummary } from "@/lib/api/types";

export type TenantFilters = { q?: string; status?: string; sort?: TenantSort; order?: "asc" | "desc"; limit?: number; offset?: number };

export const TENANTS_PAGE_SIZE = 25;

/** The tenants list as it opens: by name, the first page. */
export const FIRST_TENANTS_PAGE = { sort: "name", order: "asc", limit: TENANTS_PAGE_SIZE, offset: 0 } as const satisfies TenantFilters;

/** The tenant switcher's list: the proxy's default page. */
export const SWITCHER_TENANTS = {} as const satisfies TenantFilters;

export const tenantKeys = {
  all: ["tenants"] as const,
  list: (filters: TenantFilters) => ["tenants", "list", filters] as const,
  one: (tenantId: string) => ["tenants", "one", tenantId] as const,
  stats: (tenantId: string) => ["tenants", "stats", tenantId] as const,
};

type Context = { signal?: AbortSignal };

export const tenantsQuery = (filters: TenantFilters, call: AdminCall = api) => ({
  queryKey: tenantKeys.list(filters),
  queryFn: ({ signal }: Context) => call<PagedList<TenantSummary>>("tenants", { query: filters, signal }),
});

export const tenantQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: tenantKeys.one(tenantId),
  queryFn: ({ signal }: Context) => call<Tenant>(`tenants/${seg(tenantId)}`, { signal }),
});

export const tenantStatsQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: tenantKeys.stats(tenantId),
  queryFn: ({ signal }: Context) => call<TenantStats>(`tenants/${seg(tenantId)}/stats`, { signal }),
});
