// Tenant queries and mutations against the admin API.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { ItemList, Tenant, TenantCreate, TenantUpdate } from "@/lib/api/types";
import { toast } from "@/lib/toast";

export type TenantFilters = { q?: string; status?: string };

export const tenantKeys = {
  all: ["tenants"] as const,
  list: (filters: TenantFilters) => ["tenants", "list", filters] as const,
  one: (tenantId: string) => ["tenants", "one", tenantId] as const,
};

export function useTenants(filters: TenantFilters) {
  return useQuery({
    queryKey: tenantKeys.list(filters),
    queryFn: ({ signal }) => api<ItemList<Tenant>>("tenants", { query: filters, signal }),
  });
}

export function useTenant(tenantId: string) {
  return useQuery({
    queryKey: tenantKeys.one(tenantId),
    queryFn: ({ signal }) => api<Tenant>(`tenants/${seg(tenantId)}`, { signal }),
  });
}

export function useCreateTenant() {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Tenant created" },
    mutationFn: (body: TenantCreate) => api<Tenant>("tenants", { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }),
  });
}

export function useUpdateTenant(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Tenant saved" },
    mutationFn: (body: TenantUpdate) => api<Tenant>(`tenants/${seg(tenantId)}`, { method: "PATCH", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }),
  });
}

export function useSetTenantStatus(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: "suspend" | "resume") => api<Tenant>(`tenants/${seg(tenantId)}/${action}`, { method: "POST" }),
    onSuccess: (tenant) => {
      // The message depends on the answer, so this one is not a static `meta.success`.
      toast(tenant.status === "suspended" ? "Tenant suspended" : "Tenant resumed");
      return client.invalidateQueries({ queryKey: tenantKeys.all });
    },
  });
}

export function useDeleteTenant() {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Tenant deleted" },
    mutationFn: (tenantId: string) => api<void>(`tenants/${seg(tenantId)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }),
  });
}
