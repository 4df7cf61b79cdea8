// Usage: a date range (presets or custom days), one key's or one agent's view, budget progress, per-day
// charts with every day of the range, per-key, per-agent and per-model breakdowns, a CSV export, and per agent
// its tool calls and the 👍/👎 on its answers.
"use client";

import { Download } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Progress } from "@/components/ui/progress";
import { SelectField } from "@/components/ui/select-field";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAgents } from "@/features/agents/api";
import { useKeys } from "@/features/keys/api";
import type { Usage } from "@/lib/api/types";
import { formatNumber, formatUsd } from "@/lib/utils";
import { FeedbackCard, ToolCallsCard, toolCallDays } from "./agent-activity";
import { usageCsvUrl, useUsage } from "./api";
import { DEFAULT_USAGE_DAYS, type UsageQuery } from "./queries";
import { BreakdownChart, DailyCostChart, DailyTokensChart, type BreakdownRow } from "./usage-charts";

const RANGES = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "custom", label: "Custom dates" },
];
const ALL = "all";
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The custom range as typed, or why it cannot be asked for yet. */
export function customRange(start: string, end: string): { start: string; end: string } | { error: string } {
  if (!DAY.test(start) || !DAY.test(end)) return { error: "Choose a first and a last day." };
  if (start > end) return { error: "The first day is after the last day." };
  const days = (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1;
  if (days > 366) return { error: "Choose at most 366 days." };
  return { start, end };
}

export function UsagePage({ tenantId }: { tenantId: string }) {
  const [today] = useState(() => isoDay(new Date()));
  const [range, setRange] = useState(String(DEFAULT_USAGE_DAYS));
  const [start, setStart] = useState(() => isoDay(new Date(Date.now() - 29 * 86_400_000)));
  const [end, setEnd] = useState(today);
  const [keyId, setKeyId] = useState(ALL);
  const [agentId, setAgentId] = useState(ALL);
  const keys = useKeys(tenantId);
  const agents = useAgents(tenantId);

  const custom = range === "custom" ? customRange(start, end) : null;
  const filters = { key_id: keyId === ALL ? undefined : keyId, agent_id: agentId === ALL ? undefined : agentId };
  const query: UsageQuery | null =
    custom === null ? { days: Number(range), ...filters } : "error" in custom ? null : { ...custom, ...filters };
  const usage = useUsage(tenantId, query ?? { days: DEFAULT_USAGE_DAYS, ...filters });

  const keyOptions = [{ value: ALL, label: "All keys" }, ...(keys.data?.items ?? []).map((key) => ({ value: key.id, label: `${key.name} (${key.prefix}…)` }))];
  const agentOptions = [{ value: ALL, label: "All agents" }, ...(agents.data?.items ?? []).map((agent) => ({ value: agent.id, label: agent.name }))];

  return (
    <>
      <PageHeader
        title="Usage"
        description="Calls, tokens, cost and latency of every model call, from Slack and from the tenant's own apps. Days are UTC."
        actions={
          query ? (
            <Button asChild variant="outline">
              <a href={usageCsvUrl(tenantId, query)} download>
                <Download aria-hidden />
                Export CSV
              </a>
            </Button>
          ) : null
        }
      />
      <Card className="mb-6">
        <CardContent className="grid gap-4 pt-5 sm:grid-cols-2 xl:grid-cols-5">
          <SelectField id="usage-range" label="Period" value={range} onChange={setRange} options={RANGES} />
          {range === "custom" ? (
            <div className="grid grid-cols-2 gap-3 sm:col-span-2">
              <Field id="usage-start" label="First day" error={custom && "error" in custom ? custom.error : undefined}>
                <Input type="date" className="min-w-0" value={start} max={today} onChange={(event) => setStart(event.target.value)} />
              </Field>
              <Field id="usage-end" label="Last day">
                <Input type="date" className="min-w-0" value={end} max={today} onChange={(event) => setEnd(event.target.value)} />
              </Field>
            </div>
          ) : null}
          <SelectField id="usage-key" label="Key" value={keyId} onChange={setKeyId} options={keyOptions} />
          <SelectField id="usage-agent" label="Agent" value={agentId} onChange={setAgentId} options={agentOptions} />
        </CardContent>
      </Card>
      {usage.isPending ? (
        <LoadingState label="Loading usage…" rows={6} />
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => usage.refetch()} />
      ) : (
        <UsageReport usage={usage.data} tenantId={tenantId} />
      )}
      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <ToolCallsCard
          tenantId={tenantId}
          days={toolCallDays(custom && "start" in custom ? { start: custom.start } : { days: custom === null ? Number(range) : DEFAULT_USAGE_DAYS }, today)}
          since={custom && "start" in custom ? custom.start : undefined}
          agentId={filters.agent_id}
        />
        <FeedbackCard tenantId={tenantId} agents={agents.data?.items} agentId={filters.agent_id} />
      </div>
    </>
  );
}

function BudgetCard({ budget, tenantId }: { budget: Usage["budget"]; tenantId: string }) {
  const limit = budget.monthly_budget_usd === null ? null : Number(budget.monthly_budget_usd);
  const limited = limit !== null;
  const share = limit === null ? 0 : (budget.share ?? (limit > 0 ? Number(budget.spent_usd) / limit : 1));
  const percent = Math.round(share * 1000) / 10;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Monthly budget</CardTitle>
        <CardDescription>
          {limited ? `${formatUsd(budget.spent_usd)} of ${formatUsd(budget.monthly_budget_usd)} spent this month` : `${formatUsd(budget.spent_usd)} spent this month · no budget set`}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-2">
        <Progress
          value={limited ? percent : 0}
          aria-label="Budget spent"
          indicatorClassName={percent >= 100 ? "bg-destructive" : percent >= 80 ? "bg-amber-500" : undefined}
        />
        <p className="text-xs text-muted-foreground">
          {limited ? `${percent}% used. ` : null}
          <Link href={`/tenants/${encodeURIComponent(tenantId)}/limits`} className="text-primary underline underline-offset-2">
            {limited ? "Change the budget" : "Set a budget"}
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <CardContent className="pt-5">
        <p className="text-xs uppercase tracking-wide text-muted-foreground">{label}</p>
        <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      </CardContent>
    </Card>
  );
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

type Figures = Usage["totals"];

function rowOf(label: string, figures: Figures): BreakdownRow & { figures: Figures } {
  return { label, tokens: figures.prompt_tokens + figures.completion_tokens, cost_usd: figures.cost_usd, figures };
}

function UsageReport({ usage, tenantId }: { usage: Usage; tenantId: string }) {
  const { totals } = usage;
  const byAgent = usage.by_agent.map((row) => rowOf(row.agent_name ?? (row.agent_id ? row.agent_id.slice(0, 8) : "No agent"), row));
  const byKey = usage.by_key.map((row) =>
    rowOf(row.key_name ? `${row.key_name}${row.key_kind === "bridge" ? " (Slack)" : ""}` : row.key_id ? `${row.key_id.slice(0, 8)} (deleted)` : "No key", row),
  );
  const byModel = usage.by_model.map((row) => rowOf(row.model, row));
  const byDay = usage.by_day.map((row) => ({ ...row, cost_usd: Number(row.cost_usd) }));
  const period = usage.start === usage.end ? usage.start : `${usage.start} to ${usage.end}`;

  return (
    <div className="grid gap-6">
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {period} · {usage.by_day.length} days
      </p>
      <div className="grid grid-cols-2 gap-4 xl:grid-cols-5">
        <Stat label="Calls" value={formatNumber(totals.calls)} />
        <Stat label="Prompt tokens" value={formatNumber(totals.prompt_tokens)} />
        <Stat label="Completion tokens" value={formatNumber(totals.completion_tokens)} />
        <Stat label="Cost" value={formatUsd(totals.cost_usd)} />
        <Stat label="Latency (avg)" value={formatLatency(totals.avg_latency_ms)} />
      </div>
      <BudgetCard budget={usage.budget} tenantId={tenantId} />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Tokens per day</CardTitle>
            <CardDescription>{totals.calls === 0 ? "No calls in this period yet." : "Every day of the period, days without calls at zero."}</CardDescription>
          </CardHeader>
          <CardContent>
            <DailyTokensChart days={byDay} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Cost per day</CardTitle>
          </CardHeader>
          <CardContent>
            <DailyCostChart days={byDay} />
          </CardContent>
        </Card>
      </div>
      {totals.calls === 0 ? null : (
        <div className="grid gap-6 xl:grid-cols-2">
          <Breakdown title="By key" caption="Usage by key" rows={byKey} />
          <Breakdown title="By agent" caption="Usage by agent" rows={byAgent} />
          <Breakdown title="By model" caption="Usage by model" rows={byModel} />
        </div>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Per day</CardTitle>
        </CardHeader>
        <CardContent>
          <Table>
            <caption className="sr-only">Usage per day</caption>
            <TableHeader>
              <TableRow>
                <TableHead>Day</TableHead>
                <TableHead className="text-right">Calls</TableHead>
                <TableHead className="text-right">Prompt tokens</TableHead>
                <TableHead className="text-right">Completion tokens</TableHead>
                <TableHead className="text-right">Cost</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {[...usage.by_day].reverse().map((row) => (
                <TableRow key={row.day} className={row.calls === 0 ? "text-muted-foreground" : undefined}>
                  <TableCell className="font-medium sm:font-normal">{row.day}</TableCell>
                  <TableCell label="Calls" className="text-right tabular-nums">
                    {formatNumber(row.calls)}
                  </TableCell>
                  <TableCell label="Prompt tokens" className="text-right tabular-nums">
                    {formatNumber(row.prompt_tokens)}
                  </TableCell>
                  <TableCell label="Completion tokens" className="text-right tabular-nums">
                    {formatNumber(row.completion_tokens)}
                  </TableCell>
                  <TableCell label="Cost" className="text-right tabular-nums">
                    {formatUsd(row.cost_usd)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </div>
  );
}

function Breakdown({ title, caption, rows }: { title: string; caption: string; rows: (BreakdownRow & { figures: Figures })[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <BreakdownChart rows={rows} />
        <Table>
          <caption className="sr-only">{caption}</caption>
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead className="text-right">Calls</TableHead>
              <TableHead className="text-right">Tokens</TableHead>
              <TableHead className="text-right">Cost</TableHead>
              <TableHead className="text-right">Latency avg / p95</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((row, index) => (
              <TableRow key={`${index}-${row.label}`}>
                <TableCell className="font-medium sm:font-normal">{row.label}</TableCell>
                <TableCell label="Calls" className="text-right tabular-nums">
                  {formatNumber(row.figures.calls)}
                </TableCell>
                <TableCell label="Tokens" className="text-right tabular-nums">
                  {formatNumber(row.tokens)}
                </TableCell>
                <TableCell label="Cost" className="text-right tabular-nums">
                  {formatUsd(row.cost_usd)}
                </TableCell>
                <TableCell label="Latency" className="text-right tabular-nums">
                  {formatLatency(row.figures.avg_latency_ms)} / {formatLatency(row.figures.p95_latency_ms)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
