// Usage queries: the keys and fetchers the client hooks (api.ts) use and the page prefetches on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { AgentFeedback, ItemList, ToolCallUsage, Usage } from "@/lib/api/types";

/** `days` (the last N days) or `start`/`end` (YYYY-MM-DD, UTC, both included); filters by key or agent. */
export type UsageQuery = { days?: number; start?: string; end?: string; key_id?: string; agent_id?: string };

/** The period the usage page opens with. */
export const DEFAULT_USAGE_DAYS = 30;

type Context = { signal?: AbortSignal };

export const usageQuery = (tenantId: string, query: UsageQuery, call: AdminCall = api) => ({
  queryKey: ["usage", tenantId, query] as const,
  queryFn: ({ signal }: Context) => call<Usage>(`tenants/${seg(tenantId)}/usage`, { query, signal }),
});

/** Tool calls of the last `days` days (1–366), per agent and tool. */
export const toolCallUsageQuery = (tenantId: string, days: number, call: AdminCall = api) => ({
  queryKey: ["usage", tenantId, "tool-calls", days] as const,
  queryFn: ({ signal }: Context) => call<ItemList<ToolCallUsage>>(`tenants/${seg(tenantId)}/usage/tool-calls`, { query: { days }, signal }),
});

/** 👍/👎 on answers in Slack, per agent, since the start. */
export const feedbackQuery = (tenantId: string, call: AdminCall = api) => ({
  queryKey: ["usage", tenantId, "feedback"] as const,
  queryFn: ({ signal }: Context) => call<ItemList<AgentFeedback>>(`tenants/${seg(tenantId)}/usage/feedback`, { signal }),
});
