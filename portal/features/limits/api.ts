// Tenant limits (rate limits, budget, Slack message limits).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import type { Limits, LimitsUpdate } from "@/lib/api/types";
import { limitKeys, limitsPath, limitsQuery } from "./queries";

export function useLimits(tenantId: string) {
  return useQuery(limitsQuery(tenantId));
}

export function usePutLimits(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Limits saved" },
    mutationFn: (body: LimitsUpdate) => api<Limits>(limitsPath(tenantId), { method: "PUT", body }),
    onSuccess: (limits) => {
      client.setQueryData(limitKeys.one(tenantId), limits);
      return Promise.all([
        client.invalidateQueries({ queryKey: ["usage", tenantId] }),
        client.invalidateQueries({ queryKey: ["tenants"] }),
      ]);
    },
  });
}
