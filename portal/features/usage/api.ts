// Usage report for a tenant over a date range, optionally one key's or one agent's; its CSV link; tool calls
// and answer feedback per agent.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { adminUrl, seg } from "@/lib/api/client";
import { feedbackQuery, toolCallUsageQuery, usageQuery, type UsageQuery } from "./queries";

export type { UsageQuery } from "./queries";

export function useUsage(tenantId: string, query: UsageQuery) {
  return useQuery({ ...usageQuery(tenantId, query), placeholderData: keepPreviousData });
}

export function usageCsvUrl(tenantId: string, query: UsageQuery): string {
  return adminUrl(`tenants/${seg(tenantId)}/usage/export.csv`, query);
}

/** Tool calls of the last `days` days (1–366), per agent and tool. */
export function useToolCallUsage(tenantId: string, days: number) {
  return useQuery({ ...toolCallUsageQuery(tenantId, days), placeholderData: keepPreviousData });
}

/** 👍/👎 on answers in Slack, per agent, since the start. */
export function useFeedback(tenantId: string) {
  return useQuery(feedbackQuery(tenantId));
}
