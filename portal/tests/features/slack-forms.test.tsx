import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelAgentsForm } from "@/features/slack/channel-agents-form";
import { SlackConnectionForm } from "@/features/slack/slack-connection-form";
import { ApiError } from "@/lib/api/errors";
import { admin, apiError, server } from "@/tests/msw";

const agents = [
  { value: "a-1", label: "Ava Thompson" },
  { value: "a-2", label: "Noah Patel" },
];

describe("SlackConnectionForm", () => {
  it("validates Slack ids and the bot token", async () => {
    const onSubmit = vi.fn();
    render(<SlackConnectionForm agents={agents} onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Workspace id"), "acme");
    await userEvent.type(screen.getByLabelText("Bot token"), "not-a-slack-token");
    await userEvent.click(screen.getByRole("button", { name: "Connect workspace" }));

    await screen.findByText(/A bot token starts with xoxb-/);
    expect(screen.getByLabelText("Workspace id")).toHaveAccessibleDescription(/starts with T/);
    expect(screen.getByLabelText("Bot token")).toHaveAccessibleDescription(/A bot token starts with xoxb-\./);
    expect(screen.getByLabelText("Bot user id")).toHaveAccessibleDescription(/starts with U or B/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("submits a manual connection with the chosen default agent", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<SlackConnectionForm agents={agents} onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Workspace id"), "T024BE7LD");
    await userEvent.type(screen.getByLabelText("Bot token"), "xoxb-1-2-abc");
    await userEvent.type(screen.getByLabelText("Bot user id"), "U0BOT1234");
    await userEvent.click(screen.getByLabelText("Default agent"));
    await userEvent.click(await screen.findByRole("option", { name: "Noah Patel" }));
    await userEvent.click(screen.getByRole("button", { name: "Connect workspace" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit).toHaveBeenCalledWith({
      workspace_id: "T024BE7LD",
      workspace_name: "",
      bot_token: "xoxb-1-2-abc",
      bot_user_id: "U0BOT1234",
      default_agent_id: "a-2",
    });
  });

  it("maps the proxy's field error onto the workspace id", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(422, { message: "Invalid", type: "validation_error", code: "validation_error", fields: [{ field: "workspace_id", message: "This workspace is connected to another tenant." }] }),
    );
    render(<SlackConnectionForm agents={agents} onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Workspace id"), "T024BE7LD");
    await userEvent.type(screen.getByLabelText("Bot token"), "xoxb-1-2-abc");
    await userEvent.type(screen.getByLabelText("Bot user id"), "U0BOT1234");
    await userEvent.click(screen.getByRole("button", { name: "Connect workspace" }));
    expect(await screen.findByText("This workspace is connected to another tenant.")).toBeInTheDocument();
  });
});

describe("ChannelAgentsForm", () => {
  const connection = { id: "c-1", default_agent_id: null, channel_agents: { C111AAA: "a-1" } };
  const renderForm = (ui: ReactElement) =>
    render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>);

  // Slack's channel list is not available here: the form falls back to links and ids.
  beforeEach(() => {
    server.use(
      admin("get", "/admin/tenants/{tenant_id}/slack-connections/{connection_id}/channels", () => apiError(503, "Slack could not be reached", "unavailable", "api_error")),
    );
  });

  it("validates channel ids, duplicates and the agent choice", async () => {
    const onSubmit = vi.fn();
    renderForm(<ChannelAgentsForm tenantId="t-1" connection={connection} agents={agents} onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole("button", { name: "Add channel override" }));
    await userEvent.type(screen.getByLabelText("Channel link or id (override 2)"), "C111AAA");
    await userEvent.click(screen.getByRole("button", { name: "Add channel override" }));
    await userEvent.type(screen.getByLabelText("Channel link or id (override 3)"), "#general");
    await userEvent.click(screen.getByRole("button", { name: "Save routing" }));

    await screen.findByText("This channel already has an override.");
    const second = screen.getByRole("group", { name: "Channel override 2" });
    expect(within(second).getByText("This channel already has an override.")).toBeInTheDocument();
    expect(within(second).getByText("Choose the agent for this channel.")).toBeInTheDocument();
    expect(screen.getByLabelText("Channel link or id (override 3)")).toHaveAccessibleDescription(/Paste the channel.s link or its id/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("saves the routing as channel_agents", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    renderForm(<ChannelAgentsForm tenantId="t-1" connection={connection} agents={agents} onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole("button", { name: "Add channel override" }));
    await userEvent.type(screen.getByLabelText("Channel link or id (override 2)"), "https://acme.slack.com/archives/C222BBB");
    await userEvent.click(screen.getByLabelText("Agent (override 2)"));
    await userEvent.click(await screen.findByRole("option", { name: "Noah Patel" }));
    await userEvent.click(screen.getByRole("button", { name: "Save routing" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ default_agent_id: null, channel_agents: { C111AAA: "a-1", C222BBB: "a-2" } }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Save routing" })).toBeDisabled());
    expect(screen.queryByText("Unsaved changes")).not.toBeInTheDocument();
  });
});
