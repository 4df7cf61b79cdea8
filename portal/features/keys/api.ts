// Tenant key queries and mutations; issuing and rotating answer the secret exactly once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { TenantKey, TenantKeyCreate, TenantKeyCreated } from "@/lib/api/types";
import { keyKeys, keysPath, keysQuery } from "./queries";

export function useKeys(tenantId: string) {
  return useQuery(keysQuery(tenantId));
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
