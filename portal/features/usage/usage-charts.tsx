// Usage charts (recharts): tokens and cost per day, and per agent / per model breakdowns.
"use client";

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Usage } from "@/lib/api/types";
import { formatUsd } from "@/lib/utils";

const COLORS = {
  prompt: "var(--color-chart-1)",
  completion: "var(--color-chart-2)",
  cost: "var(--color-chart-3)",
};

/** Axis text and lines in the theme's colours, so the charts read in dark mode too. */
const AXIS = { fontSize: 12, tick: { fill: "var(--color-muted-foreground)" }, stroke: "var(--color-border)" };
const TOOLTIP = {
  contentStyle: { background: "var(--color-popover)", borderColor: "var(--color-border)", color: "var(--color-popover-foreground)" },
  cursor: { fill: "var(--color-muted)" },
};

const shortDay = (day: string) => day.slice(5);

const axisUsd = (value: number) => (value === 0 ? "$0" : value < 0.01 ? `$${value.toPrecision(1)}` : formatUsd(value));

/** One day of usage with the cost as a number (the API sends a decimal string). */
export type ChartDay = Omit<Usage["by_day"][number], "cost_usd"> & { cost_usd: number };

export type BreakdownRow = { label: string; tokens: number; cost_usd: string };

export function DailyTokensChart({ days }: { days: ChartDay[] }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} {...AXIS} />
        <YAxis {...AXIS} width={56} />
        <Tooltip {...TOOLTIP} />
        <Legend />
        <Bar dataKey="prompt_tokens" name="Prompt tokens" stackId="tokens" fill={COLORS.prompt} isAnimationActive={false} />
        <Bar dataKey="completion_tokens" name="Completion tokens" stackId="tokens" fill={COLORS.completion} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function DailyCostChart({ days }: { days: ChartDay[] }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} {...AXIS} />
        <YAxis {...AXIS} width={80} tickFormatter={axisUsd} />
        <Tooltip {...TOOLTIP} formatter={(value) => formatUsd(Number(value))} />
        <Line type="monotone" dataKey="cost_usd" name="Cost (USD)" stroke={COLORS.cost} strokeWidth={2} dot={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function BreakdownChart({ rows }: { rows: BreakdownRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={Math.max(160, rows.length * 44)}>
      <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" {...AXIS} />
        <YAxis type="category" dataKey="label" width={130} {...AXIS} />
        <Tooltip {...TOOLTIP} />
        <Bar dataKey="tokens" name="Tokens" fill={COLORS.prompt} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
