// A tenant's figures as operators read them: Slack status in words, spend against the budget.
import { Badge } from "@/components/ui/badge";
import { Progress } from "@/components/ui/progress";
import type { TenantStats } from "@/lib/api/types";
import { formatUsd } from "@/lib/utils";

const SLACK_WORDS: Record<string, string> = {
  active: "Connected",
  disabled: "Disabled",
};

export function SlackStatus({ stats }: { stats: Pick<TenantStats, "slack_status" | "slack_workspaces"> }) {
  if (stats.slack_status === null) return <span className="text-muted-foreground">Not connected</span>;
  const ok = stats.slack_status === "active";
  const words = SLACK_WORDS[stats.slack_status] ?? stats.slack_status.replaceAll("_", " ");
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <Badge variant={ok ? "success" : "warning"}>{words}</Badge>
      {stats.slack_workspaces > 1 ? <span className="text-xs text-muted-foreground">{stats.slack_workspaces} workspaces</span> : null}
    </span>
  );
}

/** Budget share as a percentage (one decimal); null without a budget. */
export function budgetPercent(stats: Pick<TenantStats, "monthly_budget_usd" | "budget_share" | "spend_this_month_usd">): number | null {
  if (stats.monthly_budget_usd === null) return null;
  const budget = Number(stats.monthly_budget_usd);
  const share = stats.budget_share ?? (budget > 0 ? Number(stats.spend_this_month_usd) / budget : 1);
  return Math.round(share * 1000) / 10;
}

export function SpendAgainstBudget({ stats, label }: { stats: TenantStats; label: string }) {
  const percent = budgetPercent(stats);
  return (
    <div className="grid min-w-0 gap-1">
      <span className="tabular-nums">
        {formatUsd(stats.spend_this_month_usd)}
        <span className="text-muted-foreground">{percent === null ? " · no budget" : ` of ${formatUsd(stats.monthly_budget_usd)}`}</span>
      </span>
      {percent === null ? null : (
        <Progress
          value={Math.min(percent, 100)}
          aria-label={`${label}: ${percent}% of the monthly budget spent`}
          className="h-1.5 max-w-40"
          indicatorClassName={percent >= 100 ? "bg-destructive" : percent >= 80 ? "bg-amber-500" : undefined}
        />
      )}
    </div>
  );
}
