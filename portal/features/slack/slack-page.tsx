// Slack for one tenant: install, manual connection, workspace status, channel routing, and limits.
"use client";

import { useMemo } from "react";
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
import type { SelectOption } from "@/components/ui/select-field";
import { useAgents } from "@/features/agents/api";
import { LimitsCard } from "@/features/limits/limits-card";
import { errorMessage } from "@/lib/api/errors";
import type { SlackConnection } from "@/lib/api/types";
import { formatDateTime } from "@/lib/utils";
import { AddToSlackButton } from "./add-to-slack-button";
import { useCreateSlackConnection, useDeleteSlackConnection, useSlackConnections, useUpdateSlackConnection } from "./api";
import { ChannelAgentsForm } from "./channel-agents-form";
import { SlackConnectionForm } from "./slack-connection-form";

export function SlackPage({ tenantId }: { tenantId: string }) {
  const connections = useSlackConnections(tenantId);
  const agents = useAgents(tenantId);
  const createConnection = useCreateSlackConnection(tenantId);
  const agentOptions = useMemo<SelectOption[]>(
    () => (agents.data?.items ?? []).map((agent) => ({ value: agent.id, label: agent.name })),
    [agents.data],
  );

  return (
    <>
      <PageHeader title="Slack" description="Where this tenant's AI employees work, which agent answers in which channel, and how much." />
      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Connect a workspace</CardTitle>
            <CardDescription>Install the Konstruct app with Slack’s consent screen, or paste a bot token you already have.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-6">
            <AddToSlackButton tenantId={tenantId} />
            <details className="rounded-md border p-4">
              <summary className="cursor-pointer text-sm font-medium">Enter a bot token manually</summary>
              <div className="mt-4">
                <SlackConnectionForm agents={agentOptions} onSubmit={(body) => createConnection.mutateAsync(body)} />
              </div>
            </details>
          </CardContent>
        </Card>
        <section aria-labelledby="workspaces-heading" className="grid gap-4">
          <h2 id="workspaces-heading" className="text-lg font-semibold">
            Workspaces
          </h2>
          {connections.isPending || agents.isPending ? (
            <LoadingState label="Loading workspaces…" />
          ) : connections.isError ? (
            <ErrorState error={connections.error} onRetry={() => connections.refetch()} />
          ) : agents.isError ? (
            <ErrorState error={agents.error} onRetry={() => agents.refetch()} />
          ) : connections.data.items.length === 0 ? (
            <EmptyState title="No Slack workspace yet" description="Add the app to a workspace to let the agents answer there." />
          ) : (
            connections.data.items.map((connection) => (
              <ConnectionCard key={connection.id} tenantId={tenantId} connection={connection} agents={agentOptions} />
            ))
          )}
        </section>
        <LimitsCard tenantId={tenantId} />
      </div>
    </>
  );
}

function ConnectionCard({ tenantId, connection, agents }: { tenantId: string; connection: SlackConnection; agents: SelectOption[] }) {
  const update = useUpdateSlackConnection(tenantId, connection.id);
  const remove = useDeleteSlackConnection(tenantId);
  const name = connection.workspace_name || connection.workspace_id;
  const active = connection.status === "active";
  const actionError = remove.error ?? (update.isError && !update.variables?.channel_agents ? update.error : null);
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="grid gap-1">
          <CardTitle>{name}</CardTitle>
          <CardDescription>
            <span className="font-mono">{connection.workspace_id}</span> · bot <span className="font-mono">{connection.bot_user_id}</span> · connected{" "}
            {formatDateTime(connection.created_at)}
          </CardDescription>
        </div>
        <div className="flex items-center gap-2">
          <Badge variant={active ? "success" : "warning"} className="capitalize">
            {connection.status}
          </Badge>
          <Button variant="outline" size="sm" disabled={update.isPending} onClick={() => update.mutate({ status: active ? "disabled" : "active" })}>
            {active ? "Disable" : "Enable"}
          </Button>
          <AlertDialog>
            <AlertDialogTrigger asChild>
              <Button variant="outline" size="sm">
                Disconnect
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>Disconnect {name}?</AlertDialogTitle>
                <AlertDialogDescription>The agents stop answering in this workspace and its bot token is deleted.</AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>Cancel</AlertDialogCancel>
                <AlertDialogAction onClick={() => remove.mutate(connection.id)}>Disconnect</AlertDialogAction>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
        </div>
      </CardHeader>
      <CardContent>
        {actionError ? (
          <p role="alert" className="mb-3 text-sm text-destructive">
            {errorMessage(actionError)}
          </p>
        ) : null}
        <ChannelAgentsForm connection={connection} agents={agents} onSubmit={(body) => update.mutateAsync(body)} />
      </CardContent>
    </Card>
  );
}
