// A change confirmed by a toast, through the real query client and forms; only the network is answered (MSW).
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Providers } from "@/components/providers";
import { LimitsCard } from "@/features/limits/limits-card";
import type { Limits, LimitsUpdate } from "@/lib/api/types";
import { admin, apiError, received, server } from "@/tests/msw";

const limits: Limits = {
  rpm_limit: 600,
  tpm_limit: null,
  monthly_budget_usd: "250.0000",
  tenant_messages_per_minute: 30,
  channel_messages_per_minute: 10,
  degrade_at_share: "0.800",
};

describe("toasts", () => {
  it("confirm a saved change, and say nothing when it failed", async () => {
    server.use(
      admin("get", "/admin/tenants/{tenant_id}/limits", limits),
      admin("put", "/admin/tenants/{tenant_id}/limits", ({ body }) =>
        String(body.monthly_budget_usd) === "1"
          ? apiError(422, "Budget below this month's spend", "validation_error", "validation_error")
          : { ...limits, monthly_budget_usd: body.monthly_budget_usd == null ? null : String(body.monthly_budget_usd) },
      ),
    );
    render(
      <Providers>
        <LimitsCard tenantId="t-1" />
      </Providers>,
    );
    const budget = await screen.findByLabelText("Monthly budget (USD)");
    const notifications = screen.getByRole("region", { name: "Notifications" });

    await userEvent.clear(budget);
    await userEvent.type(budget, "1");
    await userEvent.click(screen.getByRole("button", { name: "Save limits" }));
    expect(await screen.findByText("Budget below this month's spend")).toBeInTheDocument();
    expect(notifications).toBeEmptyDOMElement();

    await userEvent.clear(budget);
    await userEvent.type(budget, "99");
    await userEvent.click(screen.getByRole("button", { name: "Save limits" }));
    expect(await within(notifications).findByText("Limits saved")).toBeInTheDocument();
    const puts = received.filter((request) => request.method === "PUT");
    expect(puts.map((request) => [request.path, (request.body as LimitsUpdate).monthly_budget_usd])).toEqual([
      ["/api/admin/tenants/t-1/limits", "1"],
      ["/api/admin/tenants/t-1/limits", "99"],
    ]);
    await userEvent.click(within(notifications).getByRole("button", { name: "Dismiss" }));
    expect(notifications).toBeEmptyDOMElement();
  });
});
