// A change confirmed by a toast, through the real query client and forms; only the network is stubbed.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Providers } from "@/components/providers";
import { LimitsCard } from "@/features/limits/limits-card";

const limits = {
  rpm_limit: 600,
  tpm_limit: null,
  monthly_budget_usd: "250.0000",
  tenant_messages_per_minute: 30,
  channel_messages_per_minute: 10,
  degrade_at_share: "0.800",
};

afterEach(() => vi.unstubAllGlobals());

describe("toasts", () => {
  it("confirm a saved change, and say nothing when it failed", async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === "PUT") {
        const body = JSON.parse(String(init.body)) as { monthly_budget_usd: string };
        if (body.monthly_budget_usd === "1") {
          return Response.json({ error: { message: "Budget below this month's spend", type: "validation_error", code: "validation_error" } }, { status: 422 });
        }
        return Response.json({ ...limits, ...body });
      }
      expect(url).toBe("/api/admin/tenants/t-1/limits");
      return Response.json(limits);
    });
    vi.stubGlobal("fetch", fetchMock);
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
    await userEvent.click(within(notifications).getByRole("button", { name: "Dismiss" }));
    expect(notifications).toBeEmptyDOMElement();
  });
});
