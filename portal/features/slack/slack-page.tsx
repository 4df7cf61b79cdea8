// Slack for one tenant: a connection wizard (what the app does, its permissions and manifest, then "Add to
// Slack" or a bot token Konstruct checks with Slack), each workspace's health, and channel routing.
"use client";

import { useMemo, type ReactNode } from "react";
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
import { errorMessage } from "@/lib/api/errors";
import type { SlackConnection } from "@/lib/api/types";
import type { HealthFields } from "./connection-health";
import { formatDateTime } from "@/lib/utils";
import { AddToSlackButton } from "./add-to-slack-button";
import { ConnectionHealth } from "./connection-health";
import { SlackAppManifest, SlackAppPermissions, WhatTheAppDoes } from "./slack-app-guide";
import { useCreateSlackConnection, useDeleteSlackConnection, useSlackConnections, useUpdateSlackConnection } from "./api";
import { ChannelAgentsForm } from "./channel-agents-form";
import { SlackConnectionForm } from "./slack-connection-form";

function Step({ number, title, children }: { number: number; title: string; children: ReactNode }) {
  return (
    <li className="grid gap-3 sm:grid-cols-[2rem_minmax(0,1fr)]">
      <span aria-hidden className="flex size-7 items-center justify-center rounded-full bg-primary text-sm font-semibold text-primary-foreground">
        {number}
      </span>
      <div className="grid min-w-0 gap-3">
        <h3 className="font-medium">{title}</h3>
        {children}
      </div>
    </li>
  );
}

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
      <PageHeader title="Slack" description="Where this tenant's AI employees work, and which agent answers in which channel. Message limits are under Limits." />
      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Connect a workspace</CardTitle>
            <CardDescription>Four steps; the first three say what a workspace admin is agreeing to.</CardDescription>
          </CardHeader>
          <CardContent>
            <ol className="grid gap-6">
              <Step number={1} title="What the app does">
                <WhatTheAppDoes />
              </Step>
              <Step number={2} title="The permissions it asks for, and why">
                <SlackAppPermissions />
              </Step>
              <Step number={3} title="The app in Slack (once per deployment)">
                <details className="rounded-md border p-3">
                  <summary className="cursor-pointer text-sm font-medium">Show the app&apos;s manifest for this deployment</summary>
                  <div className="mt-3">
                    <SlackAppManifest />
                  </div>
                </details>
              </Step>
              <Step number={4} title="Connect">
                <div className="grid gap-4">
                  <p className="text-sm text-muted-foreground">
                    “Add to Slack” opens Slack’s consent screen for the workspace you choose; you come back here when it is done.
                  </p>
                  <AddToSlackButton tenantId={tenantId} />
                  <details className="rounded-md border p-4">
                    <summary className="cursor-pointer text-sm font-medium">Or enter a bot token you already have</summary>
                    <p className="mt-3 text-sm text-muted-foreground">
                      Konstruct checks the token with Slack before saving it: the workspace and bot user must be the ones the token
                      belongs to. It is stored encrypted and never shown again.
                    </p>
                    <div className="mt-4">
                      <SlackConnectionForm agents={agentOptions} onSubmit={(body) => createConnection.mutateAsync(body)} />
                    </div>
                  </details>
                </div>
              </Step>
            </ol>
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
            {(connection as Partial<HealthFields>).is_enterprise_install ? " · org-wide install (Enterprise Grid)" : null}
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
      <CardContent className="grid gap-4">
        <ConnectionHealth connection={connection} />
        {actionError ? (
          <p role="alert" className="mb-3 text-sm text-destructive">
            {errorMessage(actionError)}
          </p>
        ) : null}
        <ChannelAgentsForm tenantId={tenantId} connection={connection} agents={agents} onSubmit={(body) => update.mutateAsync(body)} />
      </CardContent>
    </Card>
  );
}
