// Operators (platform admins only): invite by one-time link, reset passwords by link, remove operators,
// withdraw open invitations; and the platform's own audit log.
"use client";

import { Plus } from "lucide-react";
import { useState } from "react";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTenants } from "@/features/tenants/api";
import { errorMessage } from "@/lib/api/errors";
import { formatDateTime } from "@/lib/utils";
import { AuditLog } from "@/features/audit/audit-log";
import type { InvitationIssued } from "@/lib/api/types";
import { useDeleteOperator, useInvitations, useInviteOperator, useOperators, useResetPassword, useWithdrawInvitation } from "./api";
import { InvitationLinkDialog } from "./invitation-link-dialog";
import { InviteOperatorForm } from "./invite-operator-form";
import { OPERATORS_TENANTS } from "./queries";

export function OperatorsList({ currentOperatorId, inviteForTenantId }: { currentOperatorId: string; inviteForTenantId?: string }) {
  const operators = useOperators();
  const tenants = useTenants(OPERATORS_TENANTS);
  const invitations = useInvitations();
  const invite = useInviteOperator();
  const reset = useResetPassword();
  const withdraw = useWithdrawInvitation();
  const remove = useDeleteOperator();
  const [issued, setIssued] = useState<InvitationIssued | null>(null);
  const [now] = useState(() => Date.now());
  const [inviting, setInviting] = useState(Boolean(inviteForTenantId));
  const tenantOptions = (tenants.data?.items ?? []).map((tenant) => ({ value: tenant.id, label: tenant.name }));
  const tenantName = (id: string | null) => (id ? (tenants.data?.items.find((tenant) => tenant.id === id)?.name ?? id) : "All tenants");

  return (
    <>
      <PageHeader
        title="Operators"
        description="People who can sign in to this portal. Tenant admins see only their own tenant."
        actions={
          <Dialog open={inviting} onOpenChange={setInviting}>
            <DialogTrigger asChild>
              <Button>
                <Plus aria-hidden />
                Invite operator
              </Button>
            </DialogTrigger>
            <DialogContent>
              <DialogHeader>
                <DialogTitle>Invite an operator</DialogTitle>
                <DialogDescription>You get a one-time link (valid 7 days) to send them; they choose their own password with it.</DialogDescription>
              </DialogHeader>
              <InviteOperatorForm
                tenants={tenantOptions}
                defaultTenantId={inviteForTenantId}
                onCancel={() => setInviting(false)}
                onSubmit={async (body) => {
                  setIssued(await invite.mutateAsync(body));
                  setInviting(false);
                }}
              />
            </DialogContent>
          </Dialog>
        }
      />
      <InvitationLinkDialog issued={issued} onClose={() => setIssued(null)} />
      {remove.error ?? reset.error ?? withdraw.error ? (
        <p role="alert" className="mb-4 text-sm text-destructive">
          {errorMessage(remove.error ?? reset.error ?? withdraw.error)}
        </p>
      ) : null}
      <Card>
        <CardContent className="pt-5">
          {operators.isPending ? (
            <LoadingState label="Loading operators…" />
          ) : operators.isError ? (
            <ErrorState error={operators.error} onRetry={() => operators.refetch()} />
          ) : operators.data.items.length === 0 ? (
            <EmptyState title="No operators yet" description="Invite a tenant admin so the business can manage its own AI employees." />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Email</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead>Tenant</TableHead>
                  <TableHead>Added</TableHead>
                  <TableHead>Last sign-in</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {operators.data.items.map((operator) => (
                  <TableRow key={operator.id}>
                    <TableCell className="font-medium">{operator.email}</TableCell>
                    <TableCell label="Role">
                      <Badge variant={operator.role === "platform_admin" ? "default" : "outline"}>
                        {operator.role === "platform_admin" ? "Platform admin" : "Tenant admin"}
                      </Badge>
                    </TableCell>
                    <TableCell label="Tenant">{tenantName(operator.tenant_id)}</TableCell>
                    <TableCell label="Added" className="text-muted-foreground">
                      {formatDateTime(operator.created_at)}
                    </TableCell>
                    <TableCell label="Last sign-in" className="text-muted-foreground">
                      {operator.last_login_at ? formatDateTime(operator.last_login_at) : "Never"}
                    </TableCell>
                    <TableCell className="sm:text-right">
                      {operator.id === currentOperatorId ? (
                        <span className="text-xs text-muted-foreground">You</span>
                      ) : (
                        <span className="flex flex-wrap gap-2 sm:justify-end">
                        <AlertDialog>
                          <AlertDialogTrigger asChild>
                            <Button variant="outline" size="sm">
                              Reset password
                            </Button>
                          </AlertDialogTrigger>
                          <AlertDialogContent>
                            <AlertDialogHeader>
                              <AlertDialogTitle>Reset the password of {operator.email}?</AlertDialogTitle>
                              <AlertDialogDescription>
                                Their password stops working and they are signed out everywhere at once. You get a one-time link (valid 1 day)
                                with which they choose a new one.
                              </AlertDialogDescription>
                            </AlertDialogHeader>
                            <AlertDialogFooter>
                              <AlertDialogCancel>Cancel</AlertDialogCancel>
                              <AlertDialogAction onClick={() => reset.mutate(operator.id, { onSuccess: setIssued })}>Reset password</AlertDialogAction>
                            </AlertDialogFooter>
                          </AlertDialogContent>
                        </AlertDialog>
                        <AlertDialog>
                          <AlertDialogTrigger asChild>
                            <Button variant="outline" size="sm">
                              Remove
                            </Button>
                          </AlertDialogTrigger>
                          <AlertDialogContent>
                            <AlertDialogHeader>
                              <AlertDialogTitle>Remove {operator.email}?</AlertDialogTitle>
                              <AlertDialogDescription>They are signed out everywhere and can no longer sign in.</AlertDialogDescription>
                            </AlertDialogHeader>
                            <AlertDialogFooter>
                              <AlertDialogCancel>Cancel</AlertDialogCancel>
                              <AlertDialogAction onClick={() => remove.mutate(operator.id)}>Remove</AlertDialogAction>
                            </AlertDialogFooter>
                          </AlertDialogContent>
                        </AlertDialog>
                        </span>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Open invitations and reset links</CardTitle>
          <CardDescription>Links not used yet. A new link for the same person replaces the old one.</CardDescription>
        </CardHeader>
        <CardContent>
          {invitations.isPending ? (
            <LoadingState label="Loading invitations…" />
          ) : invitations.isError ? (
            <ErrorState error={invitations.error} onRetry={() => invitations.refetch()} />
          ) : invitations.data.items.length === 0 ? (
            <p className="text-sm text-muted-foreground">No open invitations.</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Email</TableHead>
                  <TableHead>For</TableHead>
                  <TableHead>Expires</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {invitations.data.items.map((invitation) => {
                  const expired = Date.parse(invitation.expires_at) <= now;
                  return (
                    <TableRow key={invitation.id}>
                      <TableCell className="font-medium">{invitation.email}</TableCell>
                      <TableCell label="For">
                        {invitation.purpose === "reset" ? "Password reset" : invitation.role === "platform_admin" ? "Platform admin" : `Tenant admin of ${tenantName(invitation.tenant_id)}`}
                      </TableCell>
                      <TableCell label="Expires">
                        {expired ? <Badge variant="warning">Expired</Badge> : formatDateTime(invitation.expires_at)}
                      </TableCell>
                      <TableCell className="sm:text-right">
                        <Button variant="outline" size="sm" disabled={withdraw.isPending} onClick={() => withdraw.mutate(invitation.id)}>
                          Withdraw
                        </Button>
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <section aria-labelledby="platform-audit" className="mt-6">
        <AuditLog scope={{ kind: "platform" }} headingId="platform-audit" />
      </section>
    </>
  );
}
