// Operator queries and mutations (platform admins only; the proxy enforces it too): operators, their
// invitations and password resets, and one's own password.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "@/lib/api/client";
import type { InvitationCreate, InvitationIssued } from "@/lib/api/types";
import { invitationsQuery, operatorKeys, operatorsQuery } from "./queries";

export function useOperators() {
  return useQuery(operatorsQuery());
}

export function useInvitations() {
  return useQuery(invitationsQuery());
}

export function useInviteOperator() {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Invitation link created" },
    mutationFn: (body: InvitationCreate) => api<InvitationIssued>("operators/invitations", { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }),
  });
}

export function useWithdrawInvitation() {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Invitation withdrawn" },
    mutationFn: (invitationId: string) => api<void>(`operators/invitations/${seg(invitationId)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: operatorKeys.all }),
  });
}

export function useResetPassword() {
  const client = useQueryClient();
  return useMutation({
    meta: { success: "Password reset: send them the link" },
    mutationFn: (operatorId: string) => api<InvitationIssued>(`operators/${seg(operatorId)}/password-reset`, { method: "POST" }),
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
