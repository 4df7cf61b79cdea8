// Operators (platform admins only): invite tenant admins and remove operators.
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
import { Card, CardContent } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTenants } from "@/features/tenants/api";
import { errorMessage } from "@/lib/api/errors";
import { formatDateTime } from "@/lib/utils";
import { useDeleteOperator, useInviteOperator, useOperators } from "./api";
import { InviteOperatorForm } from "./invite-operator-form";

export function OperatorsList({ currentOperatorId, inviteForTenantId }: { currentOperatorId: string; inviteForTenantId?: string }) {
  const operators = useOperators();
  const tenants = useTenants({});
  const invite = useInviteOperator();
  const remove = useDeleteOperator();
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
                <DialogDescription>They sign in with this email and the initial password you set.</DialogDescription>
              </DialogHeader>
              <InviteOperatorForm
                tenants={tenantOptions}
                defaultTenantId={inviteForTenantId}
                onCancel={() => setInviting(false)}
                onSubmit={async (body) => {
                  await invite.mutateAsync(body);
                  setInviting(false);
                }}
              />
            </DialogContent>
          </Dialog>
        }
      />
      {remove.isError ? (
        <p role="alert" className="mb-4 text-sm text-destructive">
          {errorMessage(remove.error)}
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
                    <TableCell className="sm:text-right">
                      {operator.id === currentOperatorId ? (
                        <span className="text-xs text-muted-foreground">You</span>
                      ) : (
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
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
