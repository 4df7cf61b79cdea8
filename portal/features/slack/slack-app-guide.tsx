// The Slack connection wizard's first steps: what the app does, the permissions it asks for and why, and its
// manifest with this deployment's addresses filled in (copy or download), before "Add to Slack".
"use client";

import { Download } from "lucide-react";
import { ErrorState, LoadingState } from "@/components/states";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { CopyButton } from "@/features/keys/copy-button";
import { useSlackApp } from "./api";
import { eventReason, scopeReason } from "./scopes";

export function WhatTheAppDoes() {
  return (
    <div className="grid gap-2 text-sm">
      <p>
        The Konstruct app puts this tenant&apos;s AI employees into a Slack workspace. People @mention it in a channel or write to it
        directly; it answers in the thread, in the voice and with the rules of the agent you route there, and follows up when
        people reply in that thread.
      </p>
      <p className="text-muted-foreground">
        It reads only messages that mention it, its direct messages, and replies in threads it is part of. Every answer is a model
        call through Konstruct, counted in Usage and held to this tenant&apos;s limits and budget. It always says it is an AI.
      </p>
    </div>
  );
}

export function SlackAppPermissions() {
  const app = useSlackApp();
  if (app.isPending) return <LoadingState label="Loading the app's permissions…" rows={3} />;
  if (app.isError) return <ErrorState error={app.error} onRetry={() => app.refetch()} />;
  return (
    <div className="grid gap-4">
      <Table>
        <caption className="sr-only">Permissions (bot scopes) the app asks for</caption>
        <TableHeader>
          <TableRow>
            <TableHead className="w-1/3">Permission</TableHead>
            <TableHead>Why</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {app.data.bot_scopes.map((scope) => (
            <TableRow key={scope}>
              <TableCell className="font-mono text-xs">{scope}</TableCell>
              <TableCell label="Why">{scopeReason(scope)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <details className="rounded-md border p-3 text-sm">
        <summary className="cursor-pointer font-medium">Events it listens to ({app.data.bot_events.length})</summary>
        <ul className="mt-2 grid gap-1">
          {app.data.bot_events.map((event) => (
            <li key={event}>
              <code className="font-mono text-xs">{event}</code> — {eventReason(event)}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

export function SlackAppManifest() {
  const app = useSlackApp();
  if (app.isPending) return <LoadingState label="Loading the app's manifest…" rows={4} />;
  if (app.isError) return <ErrorState error={app.error} onRetry={() => app.refetch()} />;
  const { manifest_yaml: manifest } = app.data;
  const download = () => {
    const url = URL.createObjectURL(new Blob([manifest], { type: "text/yaml" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: "konstruct-slack-app.yaml" });
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="grid gap-3 text-sm">
      <p>
        Once per deployment, a Slack admin creates the app at <span className="font-medium">api.slack.com/apps → Create New App → From a manifest</span>,
        pastes this, and puts its client id, client secret and signing secret into Konstruct&apos;s settings. Events go to{" "}
        <code className="font-mono text-xs [overflow-wrap:anywhere]">{app.data.events_url}</code>.
      </p>
      {app.data.reachable_by_slack ? null : (
        <Alert variant="destructive">
          Slack can only reach a public https address, and this deployment&apos;s bridge is at{" "}
          <code className="font-mono text-xs [overflow-wrap:anywhere]">{app.data.bridge_url}</code>. Set KONSTRUCT_BRIDGE_URL to its public address
          first.
        </Alert>
      )}
      <div className="flex flex-wrap gap-2">
        <CopyButton text={manifest} label="Copy the manifest" />
        <Button variant="outline" size="sm" onClick={download}>
          <Download aria-hidden />
          Download
        </Button>
      </div>
      <pre
        tabIndex={0}
        aria-label="Slack app manifest"
        className="max-h-72 overflow-auto rounded-md border bg-muted p-3 font-mono text-xs focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        {manifest}
      </pre>
    </div>
  );
}
