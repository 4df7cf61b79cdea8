// Usage: budget progress, per-day charts, and per-agent / per-model breakdowns with a daily table.
"use client";

import { useState } from "react";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Progress } from "@/components/ui/progress";
import { SelectField } from "@/components/ui/select-field";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { Usage } from "@/lib/api/types";
import { formatNumber, formatUsd } from "@/lib/utils";
import { useUsage } from "./api";
import { BreakdownChart, DailyCostChart, DailyTokensChart, type BreakdownRow } from "./usage-charts";

const RANGES = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
];

export function UsagePage({ tenantId }: { tenantId: string }) {
  const [days, setDays] = useState("30");
  const usage = useUsage(tenantId, Number(days));

  return (
    <>
      <PageHeader
        title="Usage"
        description="Tokens and cost of every model call, from Slack and from the tenant's own apps."
        actions={<SelectField id="usage-range" label={<span className="sr-only">Period</span>} value={days} onChange={setDays} options={RANGES} className="w-44" />}
      />
      {usage.isPending ? (
        <LoadingState label="Loading usage…" rows={6} />
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => usage.refetch()} />
      ) : (
        <UsageReport usage={usage.data} />
      )}
    </>
  );
}

function BudgetCard({ budget }: { budget: Usage["budget"] }) {
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
        <p className="text-xs text-muted-foreground">{limited ? `${percent}% used` : "Set a budget under Slack → Limits."}</p>
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

function UsageReport({ usage }: { usage: Usage }) {
  const { totals } = usage;
  const byAgent = usage.by_agent.map((row) => ({
    label: row.agent_name ?? (row.agent_id ? row.agent_id.slice(0, 8) : "No agent"),
    tokens: row.prompt_tokens + row.completion_tokens,
    cost_usd: row.cost_usd,
  }));
  const byModel = usage.by_model.map((row) => ({ label: row.model, tokens: row.prompt_tokens + row.completion_tokens, cost_usd: row.cost_usd }));
  const byDay = usage.by_day.map((row) => ({ ...row, cost_usd: Number(row.cost_usd) }));

  return (
    <div className="grid gap-6">
      <div className="grid grid-cols-2 gap-4 xl:grid-cols-4">
        <Stat label="Calls" value={formatNumber(totals.calls)} />
        <Stat label="Prompt tokens" value={formatNumber(totals.prompt_tokens)} />
        <Stat label="Completion tokens" value={formatNumber(totals.completion_tokens)} />
        <Stat label="Cost" value={formatUsd(totals.cost_usd)} />
      </div>
      <BudgetCard budget={usage.budget} />
      {totals.calls === 0 ? (
        <EmptyState title="No usage in this period" description="Calls from Slack and from the tenant's keys show up here within a minute." />
      ) : (
        <>
          <div className="grid gap-6 xl:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Tokens per day</CardTitle>
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
            <Card>
              <CardHeader>
                <CardTitle>By agent</CardTitle>
              </CardHeader>
              <CardContent>
                <BreakdownChart rows={byAgent} />
                <BreakdownTable rows={byAgent} caption="Usage by agent" />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>By model</CardTitle>
              </CardHeader>
              <CardContent>
                <BreakdownChart rows={byModel} />
                <BreakdownTable rows={byModel} caption="Usage by model" />
              </CardContent>
            </Card>
          </div>
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
                  {usage.by_day.map((row) => (
                    <TableRow key={row.day}>
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
        </>
      )}
    </div>
  );
}

function BreakdownTable({ rows, caption }: { rows: BreakdownRow[]; caption: string }) {
  return (
    <Table>
      <caption className="sr-only">{caption}</caption>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead className="text-right">Tokens</TableHead>
          <TableHead className="text-right">Cost</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.label}>
            <TableCell className="font-medium sm:font-normal">{row.label}</TableCell>
            <TableCell label="Tokens" className="text-right tabular-nums">
              {formatNumber(row.tokens)}
            </TableCell>
            <TableCell label="Cost" className="text-right tabular-nums">
              {formatUsd(row.cost_usd)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
