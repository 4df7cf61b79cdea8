// Tenant key queries and mutations; issuing and rotating answer the secret exactly once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { ItemList, TenantKey, TenantKeyCreate, TenantKeyCreated } from "@/lib/api/types";

const keysPath = (tenantId: string) => `tenants/${seg(tenantId)}/keys`;
export const keyKeys = { list: (tenantId: string) => ["keys", tenantId] as const };

export function useKeys(tenantId: string) {
  return useQuery({
    queryKey: keyKeys.list(tenantId),
    queryFn: ({ signal }) => api<ItemList<TenantKey>>(keysPath(tenantId), { signal }),
  });
}

export function useIssueKey(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Key issued" },
    mutationFn: (body: TenantKeyCreate) => api<TenantKeyCreated>(keysPath(tenantId), { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: keyKeys.list(tenantId) }),
  });
}

export function useRotateKey(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Key rotated: the old secret no longer works" },
    mutationFn: (keyId: string) => api<TenantKeyCreated>(`${keysPath(tenantId)}/${seg(keyId)}/rotate`, { method: "POST" }),
    onSuccess: () => client.invalidateQueries({ queryKey: keyKeys.list(tenantId) }),
  });
}

export function useRevokeKey(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Key revoked" },
    mutationFn: (keyId: string) => api<TenantKey>(`${keysPath(tenantId)}/${seg(keyId)}/revoke`, { method: "POST" }),
    onSuccess: () => client.invalidateQueries({ queryKey: keyKeys.list(tenantId) }),
  });
}
