import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { LimitsForm } from "@/features/limits/limits-form";
import { ApiError } from "@/lib/api/errors";
import type { Limits } from "@/lib/api/types";

const limits: Limits = {
  rpm_limit: 600,
  tpm_limit: null,
  monthly_budget_usd: "250.0000",
  tenant_messages_per_minute: 30,
  channel_messages_per_minute: 10,
  degrade_at_share: "0.800",
};

const field = (label: string) => screen.getByLabelText(label);

async function replace(label: string, text: string) {
  await userEvent.clear(field(label));
  if (text) await userEvent.type(field(label), text);
}

describe("LimitsForm", () => {
  it("shows the current limits, the degrade share as a percentage", () => {
    render(<LimitsForm limits={limits} onSubmit={vi.fn()} />);
    expect(field("Requests per minute (per key)")).toHaveValue("600");
    expect(field("Tokens per minute (per key)")).toHaveValue("");
    expect(field("Monthly budget (USD)")).toHaveValue("250");
    expect(field("Degrade to the fast tier at (% of budget)")).toHaveValue("80");
    expect(field("Slack messages per minute (tenant)")).toHaveValue("30");
  });

  it("rejects values outside the proxy's bounds", async () => {
    const onSubmit = vi.fn();
    render(<LimitsForm limits={limits} onSubmit={onSubmit} />);
    await replace("Requests per minute (per key)", "fast");
    await replace("Monthly budget (USD)", "$100");
    await replace("Degrade to the fast tier at (% of budget)", "120");
    await replace("Slack messages per minute (tenant)", "");
    await replace("Slack messages per minute (per channel)", "2.5");
    await userEvent.click(screen.getByRole("button", { name: "Save limits" }));

    await screen.findByText(/an amount in USD/);
    expect(field("Requests per minute (per key)")).toHaveAccessibleDescription(/must be a whole number from 1 to 1,000,000/);
    expect(field("Monthly budget (USD)")).toHaveAccessibleDescription(/an amount in USD/);
    expect(field("Degrade to the fast tier at (% of budget)")).toHaveAccessibleDescription(/above 0 and up to 100/);
    expect(field("Slack messages per minute (tenant)")).toHaveAccessibleDescription(/from 0 to 100,000/);
    expect(field("Slack messages per minute (per channel)")).toHaveAccessibleDescription(/from 0 to 100,000/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("puts empty rate limits and budget as null, money and the share as decimal strings", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<LimitsForm limits={limits} onSubmit={onSubmit} />);
    await replace("Monthly budget (USD)", "99.50");
    await replace("Degrade to the fast tier at (% of budget)", "75.5");
    await replace("Requests per minute (per key)", "");
    await replace("Slack messages per minute (per channel)", "0");
    await userEvent.click(screen.getByRole("button", { name: "Save limits" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit).toHaveBeenCalledWith({
      rpm_limit: null,
      tpm_limit: null,
      monthly_budget_usd: "99.50",
      degrade_at_share: "0.755",
      tenant_messages_per_minute: 30,
      channel_messages_per_minute: 0,
    });
    // Saved: nothing is left unsaved, so there is nothing to save again.
    await waitFor(() => expect(screen.getByRole("button", { name: "Save limits" })).toBeDisabled());
    expect(screen.queryByText("Unsaved changes")).not.toBeInTheDocument();
  });

  it("maps the proxy's degrade_at_share error onto the percentage field", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(422, { message: "Invalid", type: "validation_error", code: "validation_error", fields: [{ field: "degrade_at_share", message: "Must be below 1." }] }),
    );
    render(<LimitsForm limits={limits} onSubmit={onSubmit} />);
    await replace("Degrade to the fast tier at (% of budget)", "100");
    await userEvent.click(screen.getByRole("button", { name: "Save limits" }));
    expect(await screen.findByText("Must be below 1.")).toBeInTheDocument();
  });
});
