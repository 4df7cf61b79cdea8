// Tenant limits (rate limits, budget, Slack message limits).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { Limits, LimitsUpdate } from "@/lib/api/types";

const limitsPath = (tenantId: string) => `tenants/${seg(tenantId)}/limits`;
export const limitKeys = { one: (tenantId: string) => ["limits", tenantId] as const };

export function useLimits(tenantId: string) {
  return useQuery({
    queryKey: limitKeys.one(tenantId),
    queryFn: ({ signal }) => api<Limits>(limitsPath(tenantId), { signal }),
  });
}

export function usePutLimits(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Limits saved" },
    mutationFn: (body: LimitsUpdate) => api<Limits>(limitsPath(tenantId), { method: "PUT", body }),
    onSuccess: (limits) => {
      client.setQueryData(limitKeys.one(tenantId), limits);
      return client.invalidateQueries({ queryKey: ["usage", tenantId] });
    },
  });
}
