// Usage report for a tenant over the last N days.
import { useQuery } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { Usage } from "@/lib/api/types";

export function useUsage(tenantId: string, days: number) {
  return useQuery({
    queryKey: ["usage", tenantId, days],
    queryFn: ({ signal }) => api<Usage>(`tenants/${seg(tenantId)}/usage`, { query: { days }, signal }),
  });
}
