// Operator queries: the keys and fetchers the client hooks (api.ts) use and the page prefetches on the server.
import { api, type AdminCall } from "@/lib/api/client";
import type { Invitation, ItemList, Operator } from "@/lib/api/types";
import type { TenantFilters } from "@/features/tenants/queries";

export const operatorKeys = { all: ["operators"] as const, invitations: ["operators", "invitations"] as const };

/** The tenants the operators page names and offers in its invite form. */
export const OPERATORS_TENANTS = { limit: 200 } as const satisfies TenantFilters;

type Context = { signal?: AbortSignal };

export const operatorsQuery = (call: AdminCall = api) => ({
  queryKey: operatorKeys.all,
  queryFn: ({ signal }: Context) => call<ItemList<Operator>>("operators", { signal }),
});

export const invitationsQuery = (call: AdminCall = api) => ({
  queryKey: operatorKeys.invitations,
  queryFn: ({ signal }: Context) => call<ItemList<Invitation>>("operators/invitations", { signal }),
});
