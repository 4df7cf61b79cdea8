// Per agent, on the usage page: tool calls (calls, failures, time per tool) and 👍/👎 on answers in Slack.
"use client";

import { ErrorState, LoadingState } from "@/components/states";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { Agent, AgentFeedback, ToolCallUsage } from "@/lib/api/types";
import { formatNumber } from "@/lib/utils";
import { useFeedback, useToolCallUsage } from "./api";

function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** An agent's name, or a short id for one deleted since (the proxy keeps its figures). */
function agentLabel(id: string | null, name: string | null | undefined): string {
  if (name) return name;
  return id ? `Deleted agent (${id.slice(0, 8)})` : "No agent";
}

/** The proxy counts tool calls back from now: a custom range asks from its first day on. */
export function toolCallDays(range: { days: number } | { start: string }, today: string): number {
  if ("days" in range) return range.days;
  const days = Math.round((Date.parse(today) - Date.parse(range.start)) / 86_400_000) + 1;
  return Math.min(366, Math.max(1, days));
}

export function ToolCallsCard({
  tenantId,
  days,
  since,
  agentId,
}: {
  tenantId: string;
  days: number;
  /** The custom range's first day: tool calls are counted from it up to today. */
  since?: string;
  agentId?: string;
}) {
  const usage = useToolCallUsage(tenantId, days);
  const rows = (usage.data?.items ?? [])
    .filter((row) => agentId === undefined || row.agent_id === agentId)
    .map((row) => ({ ...row, agent: agentLabel(row.agent_id, row.agent_name) }))
    .sort((a, b) => a.agent.localeCompare(b.agent) || b.calls - a.calls || a.tool_name.localeCompare(b.tool_name));
  const period = since ? `From ${since} to today` : `The last ${days} days`;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Tool calls</CardTitle>
        <CardDescription>{period}, per agent and tool. Tool calls are not counted per key.</CardDescription>
      </CardHeader>
      <CardContent>
        {usage.isPending ? (
          <LoadingState label="Loading tool calls…" />
        ) : usage.isError ? (
          <ErrorState error={usage.error} onRetry={() => usage.refetch()} />
        ) : rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            {agentId === undefined ? "No agent called a tool in this period." : "This agent called no tool in this period."}
          </p>
        ) : (
          <ToolCallsTable rows={rows} />
        )}
      </CardContent>
    </Card>
  );
}

function ToolCallsTable({ rows }: { rows: (ToolCallUsage & { agent: string })[] }) {
  return (
    <Table>
      <caption className="sr-only">Tool calls per agent and tool</caption>
      <TableHeader>
        <TableRow>
          <TableHead>Agent</TableHead>
          <TableHead>Tool</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">Failed</TableHead>
          <TableHead className="text-right">Time total / avg</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={`${row.agent_id ?? "none"}-${row.tool_name}`}>
            <TableCell className="font-medium sm:font-normal">{row.agent}</TableCell>
            <TableCell label="Tool" className="font-mono text-xs">
              {row.tool_name}
            </TableCell>
            <TableCell label="Calls" className="text-right tabular-nums">
              {formatNumber(row.calls)}
            </TableCell>
            <TableCell label="Failed" className={row.failed > 0 ? "text-right tabular-nums text-destructive" : "text-right tabular-nums"}>
              {formatNumber(row.failed)}
            </TableCell>
            <TableCell label="Time" className="text-right tabular-nums">
              {formatDuration(row.duration_ms)} / {formatDuration(row.calls > 0 ? row.duration_ms / row.calls : null)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function FeedbackCard({ tenantId, agents, agentId }: { tenantId: string; agents: Agent[] | undefined; agentId?: string }) {
  const feedback = useFeedback(tenantId);
  const names = new Map((agents ?? []).map((agent) => [agent.id, agent.name]));
  const rows = (feedback.data?.items ?? [])
    .filter((row) => agentId === undefined || row.agent_id === agentId)
    .map((row) => ({ ...row, agent: agentLabel(row.agent_id, names.get(row.agent_id)) }))
    .sort((a, b) => a.agent.localeCompare(b.agent));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Answer feedback</CardTitle>
        <CardDescription>👍 and 👎 people gave the agents&apos; answers in Slack, since the start (a later vote replaces an earlier one).</CardDescription>
      </CardHeader>
      <CardContent>
        {feedback.isPending ? (
          <LoadingState label="Loading feedback…" />
        ) : feedback.isError ? (
          <ErrorState error={feedback.error} onRetry={() => feedback.refetch()} />
        ) : rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            {agentId === undefined ? "No one has rated an answer yet." : "No one has rated this agent's answers yet."}
          </p>
        ) : (
          <FeedbackTable rows={rows} />
        )}
      </CardContent>
    </Card>
  );
}

function positiveShare(row: AgentFeedback): string {
  const votes = row.up + row.down;
  return votes === 0 ? "—" : `${Math.round((row.up / votes) * 100)}%`;
}

function FeedbackTable({ rows }: { rows: (AgentFeedback & { agent: string })[] }) {
  return (
    <Table>
      <caption className="sr-only">Answer feedback per agent</caption>
      <TableHeader>
        <TableRow>
          <TableHead>Agent</TableHead>
          <TableHead className="text-right">👍 Helpful</TableHead>
          <TableHead className="text-right">👎 Not helpful</TableHead>
          <TableHead className="text-right">Helpful share</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.agent_id}>
            <TableCell className="font-medium sm:font-normal">{row.agent}</TableCell>
            <TableCell label="👍 Helpful" className="text-right tabular-nums">
              {formatNumber(row.up)}
            </TableCell>
            <TableCell label="👎 Not helpful" className="text-right tabular-nums">
              {formatNumber(row.down)}
            </TableCell>
            <TableCell label="Helpful share" className="text-right tabular-nums">
              {positiveShare(row)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
