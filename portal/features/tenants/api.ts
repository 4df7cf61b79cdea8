// Tenant queries and mutations against the admin API.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { Tenant, TenantCreate, TenantUpdate } from "@/lib/api/types";
import { toast } from "@/lib/toast";
import { tenantKeys, tenantQuery, tenantsQuery, tenantStatsQuery, type TenantFilters } from "./queries";

export function useTenants(filters: TenantFilters) {
  return useQuery({
    ...tenantsQuery(filters),
    // The current page stays on screen while the next one loads (sorting, paging, typing a search).
    placeholderData: keepPreviousData,
  });
}

export function useTenantStats(tenantId: string) {
  return useQuery(tenantStatsQuery(tenantId));
}

export function useTenant(tenantId: string) {
  return useQuery(tenantQuery(tenantId));
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
