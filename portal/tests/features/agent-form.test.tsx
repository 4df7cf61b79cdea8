import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AgentForm } from "@/features/agents/agent-form";
import { suggestAgentName } from "@/features/agents/names";
import { agentDefaults } from "@/features/agents/schema";
import { ApiError } from "@/lib/api/errors";
import { renderWithRegistry } from "./registry-fixture";

function renderForm(onSubmit = vi.fn().mockResolvedValue(undefined), aside?: (overrides: unknown) => React.ReactNode) {
  renderWithRegistry(<AgentForm tenantId="t-1" defaultValues={agentDefaults("Ava Thompson")} submitLabel="Create agent" onSubmit={onSubmit} aside={aside} />);
  return onSubmit;
}

async function fillRequired() {
  await userEvent.type(screen.getByLabelText("Role"), "Customer support specialist");
  await userEvent.type(screen.getByLabelText("Persona"), "Warm and concise.");
}

describe("AgentForm", () => {
  it("starts with the suggested name and requires role and persona", async () => {
    const onSubmit = renderForm();
    expect(screen.getByLabelText("Name")).toHaveValue("Ava Thompson");
    await userEvent.clear(screen.getByLabelText("Name"));
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));
    await waitFor(() => expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(/Give the agent a name\./));
    expect(screen.getByLabelText("Role")).toHaveAccessibleDescription(/Describe the agent's role/);
    expect(screen.getByLabelText("Persona")).toHaveAccessibleDescription(/Describe how the agent speaks/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("validates escalation rows: keywords and a Slack id of the right kind", async () => {
    const onSubmit = renderForm();
    await fillRequired();
    await userEvent.click(screen.getByRole("button", { name: "Add escalation rule" }));
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));
    await screen.findByText("Add at least one keyword.");
    const row = screen.getByRole("group", { name: "Escalation rule 1" });
    expect(within(row).getByText("Add at least one keyword.")).toBeInTheDocument();
    expect(within(row).getByText("Enter the Slack id to escalate to.")).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Keywords (rule 1)"), "refund{Enter}");
    await userEvent.type(screen.getByLabelText("Slack id (rule 1)"), "C024BE91L");
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));
    await waitFor(() => expect(screen.getByLabelText("Slack id (rule 1)")).toHaveAccessibleDescription(/A Slack user id starts with U or W/));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("submits registry tools with their policies, escalation rules, tier and flags as the API's agent", async () => {
    const onSubmit = renderForm();
    await fillRequired();
    await userEvent.click(await screen.findByLabelText("Use of order_lookup"));
    await userEvent.click(await screen.findByRole("option", { name: "Ask first" }));
    await userEvent.click(screen.getByLabelText("Use of refunds"));
    await userEvent.click(await screen.findByRole("option", { name: "Automatic" }));
    await userEvent.click(screen.getByRole("button", { name: "Add escalation rule" }));
    await userEvent.type(screen.getByLabelText("Keywords (rule 1)"), "refund{Enter}angry{Enter}");
    await userEvent.click(screen.getByLabelText("Escalate to (rule 1)"));
    await userEvent.click(await screen.findByRole("option", { name: "Channel" }));
    await userEvent.type(screen.getByLabelText("Slack id (rule 1)"), "C024BE91L");
    await userEvent.type(screen.getByLabelText("Note (rule 1)"), "VIP customers");
    await userEvent.click(screen.getByLabelText("Model tier"));
    await userEvent.click(await screen.findByRole("option", { name: /Quality/ }));
    await userEvent.click(screen.getByRole("switch", { name: "Default agent" }));
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));

    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit).toHaveBeenCalledWith({
      tools: [
        { http_tool_id: "h-1", policy: "ask" },
        { mcp_server_id: "m-1", mcp_tool_name: "refunds", policy: "auto" },
      ],
      agent: {
      name: "Ava Thompson",
      role: "Customer support specialist",
      persona: "Warm and concise.",
      system_prompt: "",
      job_description: "",
      statement_of_work: "",
      max_tool_steps: 8,
      turn_deadline_seconds: 90,
      approver_ids: [],
      escalation_rules: [{ keywords: ["refund", "angry"], target_type: "channel", target: "C024BE91L", note: "VIP customers" }],
      model_tier: "quality",
      is_default: true,
      is_active: true,
      },
    });
  });

  it("sends the job, the turn's limits and approvers, and checks them", async () => {
    const onSubmit = renderForm();
    await fillRequired();
    await userEvent.type(screen.getByLabelText("Job description"), "Answers order questions.");
    await userEvent.type(screen.getByLabelText("Statement of work"), "Looks the order up first.");
    await userEvent.clear(screen.getByLabelText("Tool steps per turn"));
    await userEvent.type(screen.getByLabelText("Tool steps per turn"), "99");
    await userEvent.type(screen.getByLabelText("Approvers (Slack user ids)"), "U024BE7LH{Enter}");
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));
    expect(await screen.findByText("Tool steps per turn is a whole number from 1 to 50.")).toBeInTheDocument();
    expect(onSubmit).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText("Tool steps per turn"));
    await userEvent.type(screen.getByLabelText("Tool steps per turn"), "3");
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith(
        expect.objectContaining({ agent: expect.objectContaining({
          job_description: "Answers order questions.",
          statement_of_work: "Looks the order up first.",
          max_tool_steps: 3,
          turn_deadline_seconds: 90,
          approver_ids: ["U024BE7LH"],
        }) }),
      ),
    );
  });

  it("removes escalation rows, and a tool set back to off", async () => {
    const onSubmit = renderForm();
    await fillRequired();
    await userEvent.click(await screen.findByLabelText("Use of order_lookup"));
    await userEvent.click(await screen.findByRole("option", { name: "Automatic" }));
    await userEvent.click(screen.getByLabelText("Use of order_lookup"));
    await userEvent.click(await screen.findByRole("option", { name: "Off" }));
    await userEvent.click(screen.getByRole("button", { name: "Add escalation rule" }));
    await userEvent.click(screen.getByRole("button", { name: "Remove rule 1" }));
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ agent: expect.objectContaining({ escalation_rules: [] }), tools: [] }));
  });

  it("maps proxy field errors, including nested escalation ones", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(422, {
        message: "Invalid agent",
        type: "validation_error",
        code: "validation_error",
        fields: [
          { field: "name", message: "An agent with this name exists." },
          { field: "escalation_rules.0.target", message: "No such Slack user in this workspace." },
        ],
      }),
    );
    renderForm(onSubmit);
    await fillRequired();
    await userEvent.click(screen.getByRole("button", { name: "Add escalation rule" }));
    await userEvent.type(screen.getByLabelText("Keywords (rule 1)"), "refund{Enter}");
    await userEvent.type(screen.getByLabelText("Slack id (rule 1)"), "U024BE7LH");
    await userEvent.click(screen.getByRole("button", { name: "Create agent" }));
    expect(await screen.findByText("An agent with this name exists.")).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveFocus();
    expect(screen.getByLabelText("Slack id (rule 1)")).toHaveAccessibleDescription("No such Slack user in this workspace.");
    expect(screen.queryByText("Invalid agent")).not.toBeInTheDocument();
  });

  it("hands the current values to the preview as overrides", async () => {
    const aside = vi.fn(() => null);
    renderForm(undefined, aside);
    await userEvent.type(screen.getByLabelText("Persona"), "Calm");
    expect(aside).toHaveBeenLastCalledWith(expect.objectContaining({ name: "Ava Thompson", persona: "Calm" }));
  });
});

describe("suggestAgentName", () => {
  it("suggests a human-like name no agent has yet", () => {
    expect(suggestAgentName([], () => 0)).toBe("Ava Thompson");
    expect(suggestAgentName(["ava thompson"], () => 0)).toBe("Noah Patel");
  });
});
