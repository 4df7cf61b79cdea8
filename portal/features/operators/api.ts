// Operator queries and mutations (platform admins only; the proxy enforces it too).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { ItemList, Operator, OperatorCreate } from "@/lib/api/types";

const operatorKeys = { all: ["operators"] as const };

export function useOperators() {
  return useQuery({
    queryKey: operatorKeys.all,
    queryFn: ({ signal }) => api<ItemList<Operator>>("operators", { signal }),
  });
}

export function useInviteOperator() {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Operator invited" },
    mutationFn: (body: OperatorCreate) => api<Operator>("operators", { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }),
  });
}

export function useDeleteOperator() {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Operator removed" },
    mutationFn: (operatorId: string) => api<void>(`operators/${seg(operatorId)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }),
  });
}
