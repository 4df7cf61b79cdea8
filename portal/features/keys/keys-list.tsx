// A tenant's keys: issue, rotate and revoke; listed by prefix, never by secret.
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
import { errorMessage } from "@/lib/api/errors";
import type { TenantKey, TenantKeyCreated } from "@/lib/api/types";
import { formatDateTime, formatNumber } from "@/lib/utils";
import { useIssueKey, useKeys, useRevokeKey, useRotateKey } from "./api";
import { IssueKeyForm } from "./issue-key-form";
import { SecretDialog } from "./secret-dialog";

function keyState(key: TenantKey): { label: string; variant: "success" | "destructive" | "outline" } {
  if (key.revoked_at) return { label: "Revoked", variant: "destructive" };
  if (key.expires_at && new Date(key.expires_at).getTime() <= Date.now()) return { label: "Expired", variant: "outline" };
  return { label: "Active", variant: "success" };
}

const limit = (value: number | null) => (value === null ? "tenant" : formatNumber(value));

export function KeysList({ tenantId, gatewayUrl }: { tenantId: string; gatewayUrl: string }) {
  const keys = useKeys(tenantId);
  const issueKey = useIssueKey(tenantId);
  const rotateKey = useRotateKey(tenantId);
  const revokeKey = useRevokeKey(tenantId);
  const [issuing, setIssuing] = useState(false);
  const [created, setCreated] = useState<TenantKeyCreated | null>(null);
  const actionError = rotateKey.error ?? revokeKey.error;

  return (
    <>
      <PageHeader
        title="Keys"
        description="OpenAI-compatible API keys for this tenant's own apps. Secrets are shown once, when issued."
        actions={
          <Dialog open={issuing} onOpenChange={setIssuing}>
            <DialogTrigger asChild>
              <Button>
                <Plus aria-hidden />
                Issue key
              </Button>
            </DialogTrigger>
            <DialogContent>
              <DialogHeader>
                <DialogTitle>Issue a key</DialogTitle>
                <DialogDescription>Name it after the app that will use it.</DialogDescription>
              </DialogHeader>
              <IssueKeyForm
                onCancel={() => setIssuing(false)}
                onSubmit={async (body) => {
                  const key = await issueKey.mutateAsync(body);
                  setIssuing(false);
                  setCreated(key);
                }}
              />
            </DialogContent>
          </Dialog>
        }
      />
      <SecretDialog created={created} gatewayUrl={gatewayUrl} onClose={() => setCreated(null)} />
      {actionError ? (
        <p role="alert" className="mb-4 text-sm text-destructive">
          {errorMessage(actionError)}
        </p>
      ) : null}
      <Card>
        <CardContent className="pt-5">
          {keys.isPending ? (
            <LoadingState label="Loading keys…" />
          ) : keys.isError ? (
            <ErrorState error={keys.error} onRetry={() => keys.refetch()} />
          ) : keys.data.items.length === 0 ? (
            <EmptyState title="No keys yet" description="Issue a key to call the gateway from the tenant's own apps." />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Prefix</TableHead>
                  <TableHead>Limits (rpm / tpm)</TableHead>
                  <TableHead>Last used</TableHead>
                  <TableHead>Expires</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {keys.data.items.map((key) => {
                  const state = keyState(key);
                  return (
                    <TableRow key={key.id}>
                      <TableCell className="font-medium">{key.name}</TableCell>
                      <TableCell label="Prefix" className="font-mono text-xs">
                        {key.prefix}…
                      </TableCell>
                      <TableCell label="Limits (rpm / tpm)">
                        {limit(key.rpm_limit)} / {limit(key.tpm_limit)}
                      </TableCell>
                      <TableCell label="Last used">{key.last_used_at ? formatDateTime(key.last_used_at) : "Never"}</TableCell>
                      <TableCell label="Expires">{key.expires_at ? formatDateTime(key.expires_at) : "Never"}</TableCell>
                      <TableCell label="Status">
                        <Badge variant={state.variant}>{state.label}</Badge>
                      </TableCell>
                      <TableCell className="sm:text-right">
                        {key.revoked_at ? null : (
                          <div className="flex gap-2 sm:justify-end">
                            <ConfirmKeyAction
                              trigger="Rotate"
                              title={`Rotate ${key.name}?`}
                              description="A new secret is issued and the current one stops working right away."
                              confirm="Rotate key"
                              onConfirm={() => rotateKey.mutate(key.id, { onSuccess: setCreated })}
                            />
                            <ConfirmKeyAction
                              trigger="Revoke"
                              title={`Revoke ${key.name}?`}
                              description="Apps using this key are refused from now on. This cannot be undone."
                              confirm="Revoke key"
                              onConfirm={() => revokeKey.mutate(key.id)}
                            />
                          </div>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}

function ConfirmKeyAction(props: { trigger: string; title: string; description: string; confirm: string; onConfirm: () => void }) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm">
          {props.trigger}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{props.title}</AlertDialogTitle>
          <AlertDialogDescription>{props.description}</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction onClick={props.onConfirm}>{props.confirm}</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
