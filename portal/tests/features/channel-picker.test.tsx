import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ChannelAgentsForm } from "@/features/slack/channel-agents-form";
import type { SlackChannelList } from "@/lib/api/types";
import { admin, apiError, received, server } from "@/tests/msw";

const agents = [
  { value: "a-1", label: "Ava Thompson" },
  { value: "a-2", label: "Noah Patel" },
];
const connection = { id: "c-1", default_agent_id: null, channel_agents: { C111AAA: "a-1" } };
const channels: SlackChannelList = {
  truncated: false,
  items: [
    { id: "C111AAA", name: "support", is_private: false, is_member: true },
    { id: "C222BBB", name: "general", is_private: false, is_member: true },
    { id: "G333CCC", name: "leadership", is_private: true, is_member: false },
  ],
};

function renderForm(onSubmit = vi.fn().mockResolvedValue(undefined)) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ChannelAgentsForm tenantId="t-1" connection={connection} agents={agents} onSubmit={onSubmit} />
    </QueryClientProvider>,
  );
  return onSubmit;
}

const CHANNELS = "/admin/tenants/{tenant_id}/slack-connections/{connection_id}/channels" as const;

describe("channel overrides picked by name", () => {
  it("lists the workspace's channels by name and saves the chosen channel's id", async () => {
    server.use(admin("get", CHANNELS, channels));
    const onSubmit = renderForm();

    // The existing override shows by name, not as an id.
    expect(await screen.findByDisplayValue("#support")).toBeInTheDocument();
    expect(received).toEqual([{ method: "GET", path: "/api/admin/tenants/t-1/slack-connections/c-1/channels", query: {}, body: undefined }]);

    await userEvent.click(screen.getByRole("button", { name: "Add channel override" }));
    const picker = screen.getByRole("combobox", { name: "Channel (override 2)" });
    await userEvent.type(picker, "lead");
    const list = screen.getByRole("listbox", { name: "Channels for Channel (override 2)" });
    expect(within(list).getAllByRole("option")).toHaveLength(1);
    const option = within(list).getByRole("option", { name: /#leadership/ });
    expect(within(option).getByRole("img", { name: "private" })).toHaveTextContent("🔒");
    await userEvent.click(option);
    expect(picker).toHaveValue("#leadership");

    await userEvent.click(screen.getByLabelText("Agent (override 2)"));
    await userEvent.click(await screen.findByRole("option", { name: "Noah Patel" }));
    await userEvent.click(screen.getByRole("button", { name: "Save routing" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ default_agent_id: null, channel_agents: { C111AAA: "a-1", G333CCC: "a-2" } }));
  });

  it("chooses with the keyboard, and a typed #name or a pasted link still works", async () => {
    server.use(admin("get", CHANNELS, channels));
    const onSubmit = renderForm();
    await screen.findByDisplayValue("#support");

    await userEvent.click(screen.getByRole("button", { name: "Add channel override" }));
    await userEvent.type(screen.getByRole("combobox", { name: "Channel (override 2)" }), "gen{ArrowDown}{ArrowUp}{Enter}");
    expect(screen.getByRole("combobox", { name: "Channel (override 2)" })).toHaveValue("#general");

    await userEvent.click(screen.getByRole("button", { name: "Add channel override" }));
    await userEvent.type(screen.getByRole("combobox", { name: "Channel (override 3)" }), "https://acme.slack.com/archives/C444DDD");
    for (const index of [2, 3]) {
      await userEvent.click(screen.getByLabelText(`Agent (override ${index})`));
      await userEvent.click(await screen.findByRole("option", { name: "Noah Patel" }));
    }
    await userEvent.click(screen.getByRole("button", { name: "Save routing" }));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({ default_agent_id: null, channel_agents: { C111AAA: "a-1", C222BBB: "a-2", C444DDD: "a-2" } }),
    );
  });

  it("falls back to links and ids, saying why, when Slack's list cannot be loaded", async () => {
    server.use(
      admin("get", CHANNELS, () => apiError(422, "Slack refused this workspace's bot token (invalid_auth).", "validation_error", "invalid_request_error")),
    );
    const onSubmit = renderForm();
    expect(await screen.findByText(/The channel list could not be loaded: Slack refused this workspace's bot token \(invalid_auth\)\./)).toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: /Channel \(override/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Add channel override" }));
    await userEvent.type(screen.getByLabelText("Channel link or id (override 2)"), "C222BBB");
    await userEvent.click(screen.getByLabelText("Agent (override 2)"));
    await userEvent.click(await screen.findByRole("option", { name: "Noah Patel" }));
    await userEvent.click(screen.getByRole("button", { name: "Save routing" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ default_agent_id: null, channel_agents: { C111AAA: "a-1", C222BBB: "a-2" } }));
  });
});
