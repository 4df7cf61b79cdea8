import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { expect, it, vi } from "vitest";
import { AgentForm } from "@/features/agents/agent-form";
import { agentToValues } from "@/features/agents/schema";
import type { Agent, ToolAssignment } from "@/lib/api/types";
import { renderWithRegistry } from "./registry-fixture";

const agent = {
  id: "a-1", tenant_id: "t-1", slug: "maya", name: "Maya", role: "Support", persona: "Warm.", system_prompt: "Orders ship.",
  job_description: "", statement_of_work: "", max_tool_steps: 8, turn_deadline_seconds: 90, approver_ids: [],
  escalation_rules: [{ keywords: ["refund"], target_type: "user", target: "U024BE7LH", note: "" }],
  model_tier: "fast", is_default: true, is_active: true, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
} as unknown as Agent;

it("is no longer dirty after a save", async () => {
  const onSubmit = vi.fn().mockResolvedValue(undefined);
  renderWithRegistry(<AgentForm tenantId="t-1" defaultValues={agentToValues(agent)} submitLabel="Save agent" onSubmit={onSubmit} />);
  expect(screen.queryByText("Unsaved changes")).not.toBeInTheDocument();
  await userEvent.clear(screen.getByLabelText("Role"));
  await userEvent.type(screen.getByLabelText("Role"), "Senior");
  expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Save agent" }));
  await waitFor(() => expect(onSubmit).toHaveBeenCalled());
  await waitFor(() => expect(screen.queryByText("Unsaved changes")).not.toBeInTheDocument());
});

it("takes the agent the proxy stored as its new clean state", async () => {
  // The proxy answers in its own shapes (numbers, a derived slug, a note as null): the form is still clean.
  const stored = { ...agent, role: "Senior", slug: "maya-2", max_tool_steps: 12, escalation_rules: [{ ...agent.escalation_rules[0], note: null }] } as unknown as Agent;
  const onSubmit = vi.fn().mockResolvedValue({ agent: stored, tools: [] });
  renderWithRegistry(<AgentForm tenantId="t-1" defaultValues={agentToValues(agent)} submitLabel="Save agent" onSubmit={onSubmit} />);
  await userEvent.clear(screen.getByLabelText("Role"));
  await userEvent.type(screen.getByLabelText("Role"), "Senior");
  await userEvent.click(screen.getByRole("button", { name: "Save agent" }));
  await waitFor(() => expect(screen.getByLabelText("Tool steps per turn")).toHaveValue("12"));
  expect(screen.getByLabelText("Slug (optional)")).toHaveValue("maya-2");
  expect(screen.queryByText("Unsaved changes")).not.toBeInTheDocument();
});

it("is clean after saving tools, and again dirty when a policy changes", async () => {
  const assigned = [
    { id: "x-1", name: "order_lookup", kind: "http", policy: "ask", description: "", http_tool_id: "h-1", mcp_server_id: null, mcp_tool_name: null, available: true },
  ] satisfies ToolAssignment[];
  const onSubmit = vi.fn().mockResolvedValue({ agent, tools: [{ ...assigned[0], policy: "auto" }] });
  renderWithRegistry(<AgentForm tenantId="t-1" defaultValues={agentToValues(agent, assigned)} assignedTools={assigned} submitLabel="Save agent" onSubmit={onSubmit} />);
  await userEvent.click(await screen.findByLabelText("Use of order_lookup"));
  await userEvent.click(await screen.findByRole("option", { name: "Automatic" }));
  expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Save agent" }));
  await waitFor(() => expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ tools: [{ http_tool_id: "h-1", policy: "auto" }] })));
  await waitFor(() => expect(screen.queryByText("Unsaved changes")).not.toBeInTheDocument());
  expect(screen.getByLabelText("Use of order_lookup")).toHaveTextContent("Automatic");
});
