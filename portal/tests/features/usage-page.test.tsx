import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { toolCallDays } from "@/features/usage/agent-activity";
import { UsagePage } from "@/features/usage/usage-page";
import type { AgentFeedback, ToolCallUsage, Usage } from "@/lib/api/types";
import { agent } from "@/tests/fixtures";
import { admin, apiError, requestsTo, server } from "@/tests/msw";

const ALICE = "11111111-1111-4111-8111-111111111111";
const BOB = "22222222-2222-4222-8222-222222222222";
const GONE = "33333333-3333-4333-8333-333333333333";

const zero = { calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: "0.0000", avg_latency_ms: null, p95_latency_ms: null };
const usage: Usage = {
  start: "2026-11-02",
  end: "2026-12-01",
  totals: zero,
  budget: { monthly_budget_usd: null, share: null, spent_usd: "0.0000" },
  by_day: [{ day: "2026-12-01", ...zero }],
  by_key: [],
  by_agent: [],
  by_model: [],
};

type Answers = { toolCalls?: ToolCallUsage[] | Response; feedback?: AgentFeedback[] | Response };

/** The proxy, as the browser reaches it through `/api/admin/...` (MSW); the rest of the stack is real. */
function proxy({ toolCalls = [], feedback = [] }: Answers) {
  server.use(
    admin("get", "/admin/tenants/{tenant_id}/usage", usage),
    admin("get", "/admin/tenants/{tenant_id}/keys", { items: [] }),
    admin("get", "/admin/tenants/{tenant_id}/agents", { items: [agent(ALICE, "Alice"), agent(BOB, "Bob")] }),
    admin("get", "/admin/tenants/{tenant_id}/usage/tool-calls", () => (toolCalls instanceof Response ? toolCalls : { items: toolCalls })),
    admin("get", "/admin/tenants/{tenant_id}/usage/feedback", () => (feedback instanceof Response ? feedback : { items: feedback })),
  );
}

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <UsagePage tenantId="t-1" />
    </QueryClientProvider>,
  );
}

const rowsOf = (caption: string) => within(screen.getByRole("table", { name: caption })).getAllByRole("row").slice(1);
const cells = (row: HTMLElement) => within(row).getAllByRole("cell").map((cell) => cell.textContent);

describe("UsagePage: tool calls and answer feedback per agent", () => {
  it("shows each agent's tool calls (failures, total and average time) and 👍/👎 with the helpful share", async () => {
    proxy({
      toolCalls: [
        { agent_id: BOB, agent_name: "Bob", tool_name: "order_lookup", calls: 4, failed: 1, duration_ms: 2600 },
        { agent_id: ALICE, agent_name: "Alice", tool_name: "refunds", calls: 2, failed: 0, duration_ms: 300 },
        { agent_id: GONE, agent_name: null, tool_name: "search", calls: 1, failed: 1, duration_ms: 0 },
      ],
      feedback: [
        { agent_id: BOB, up: 3, down: 1 },
        { agent_id: GONE, up: 0, down: 2 },
      ],
    });
    renderPage();

    await screen.findByRole("table", { name: "Tool calls per agent and tool" });
    // The rows as the text a phone card and a desktop row both show (the phone's labels are aria-hidden spans).
    expect(rowsOf("Tool calls per agent and tool").map(cells)).toEqual([
      ["Alice", "Toolrefunds", "Calls2", "Failed0", "Time300 ms / 150 ms"],
      ["Bob", "Toolorder_lookup", "Calls4", "Failed1", "Time2.6 s / 650 ms"],
      ["Deleted agent (33333333)", "Toolsearch", "Calls1", "Failed1", "Time0 ms / 0 ms"],
    ]);
    await screen.findByRole("table", { name: "Answer feedback per agent" });
    expect(rowsOf("Answer feedback per agent").map(cells)).toEqual([
      ["Bob", "👍 Helpful3", "👎 Not helpful1", "Helpful share75%"],
      ["Deleted agent (33333333)", "👍 Helpful0", "👎 Not helpful2", "Helpful share0%"],
    ]);
    expect(requestsTo("/api/admin/tenants/t-1/usage/tool-calls").map((request) => [request.method, request.query])).toEqual([["GET", { days: "30" }]]);
    expect(requestsTo("/api/admin/tenants/t-1/usage/feedback").map((request) => [request.method, request.query])).toEqual([["GET", {}]]);
    expect(requestsTo("/api/admin/tenants/t-1/usage").map((request) => request.query)).toEqual([{ days: "30" }]);
  });

  it("says in words when no tool was called and no answer rated", async () => {
    proxy({});
    renderPage();
    expect(await screen.findByText("No agent called a tool in this period.")).toBeInTheDocument();
    expect(await screen.findByText("No one has rated an answer yet.")).toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Tool calls per agent and tool" })).not.toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Answer feedback per agent" })).not.toBeInTheDocument();
  });

  it("asks for the chosen period's tool calls and keeps to the chosen agent", async () => {
    proxy({
      toolCalls: [
        { agent_id: ALICE, agent_name: "Alice", tool_name: "refunds", calls: 2, failed: 0, duration_ms: 300 },
        { agent_id: BOB, agent_name: "Bob", tool_name: "order_lookup", calls: 4, failed: 1, duration_ms: 2600 },
      ],
      feedback: [{ agent_id: ALICE, up: 1, down: 0 }],
    });
    renderPage();
    await screen.findByRole("table", { name: "Tool calls per agent and tool" });

    await userEvent.click(screen.getByLabelText("Period"));
    await userEvent.click(await screen.findByRole("option", { name: "Last 7 days" }));
    expect(await screen.findByText(/The last 7 days, per agent and tool/)).toBeInTheDocument();
    expect(requestsTo("/api/admin/tenants/t-1/usage/tool-calls").map((request) => request.query)).toEqual([{ days: "30" }, { days: "7" }]);

    await userEvent.click(screen.getByLabelText("Agent"));
    await userEvent.click(await screen.findByRole("option", { name: "Bob" }));
    expect(rowsOf("Tool calls per agent and tool").map((row) => cells(row)[0])).toEqual(["Bob"]);
    expect(await screen.findByText("No one has rated this agent's answers yet.")).toBeInTheDocument();
  });

  it("shows the proxy's error for one section and keeps the other", async () => {
    proxy({
      toolCalls: apiError(503, "The usage store is not reachable", "unavailable", "server_error"),
      feedback: [{ agent_id: ALICE, up: 2, down: 0 }],
    });
    renderPage();
    expect(await screen.findByText("The usage store is not reachable")).toBeInTheDocument();
    await screen.findByRole("table", { name: "Answer feedback per agent" });
    expect(rowsOf("Answer feedback per agent").map(cells)).toEqual([["Alice", "👍 Helpful2", "👎 Not helpful0", "Helpful share100%"]]);
  });
});

describe("toolCallDays", () => {
  it("counts a custom range from its first day up to today, within the proxy's 1–366", () => {
    expect(toolCallDays({ days: 90 }, "2026-12-01")).toBe(90);
    expect(toolCallDays({ start: "2026-12-01" }, "2026-12-01")).toBe(1);
    expect(toolCallDays({ start: "2026-11-02" }, "2026-12-01")).toBe(30);
    expect(toolCallDays({ start: "2020-01-01" }, "2026-12-01")).toBe(366);
  });
});
