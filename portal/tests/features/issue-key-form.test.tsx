import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { IssueKeyForm } from "@/features/keys/issue-key-form";
import { ApiError } from "@/lib/api/errors";

describe("IssueKeyForm", () => {
  it("requires a name and whole-number limits", async () => {
    const onSubmit = vi.fn();
    render(<IssueKeyForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Requests per minute"), "12.5");
    await userEvent.type(screen.getByLabelText("Tokens per minute"), "-3");
    await userEvent.click(screen.getByRole("button", { name: "Issue key" }));

    await screen.findByText(/Name the key after who uses it/);
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(/Name the key after who uses it/);
    expect(screen.getByLabelText("Requests per minute")).toHaveAccessibleDescription(/must be a whole number from 1 to/);
    expect(screen.getByLabelText("Tokens per minute")).toHaveAccessibleDescription(/must be a whole number from 1 to/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("refuses an expiry date in the past", async () => {
    render(<IssueKeyForm onSubmit={vi.fn()} />);
    await userEvent.type(screen.getByLabelText("Name"), "billing-app");
    await userEvent.type(screen.getByLabelText("Expires on (optional)"), "2020-01-01");
    await userEvent.click(screen.getByRole("button", { name: "Issue key" }));
    await waitFor(() => expect(screen.getByLabelText("Expires on (optional)")).toHaveAccessibleDescription(/The expiry date must be in the future\./));
  });

  it("sends empty limits as null (the tenant's limits apply)", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<IssueKeyForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), " billing-app ");
    await userEvent.type(screen.getByLabelText("Requests per minute"), "60");
    await userEvent.type(screen.getByLabelText("Expires on (optional)"), "2099-12-31");
    await userEvent.click(screen.getByRole("button", { name: "Issue key" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit).toHaveBeenCalledWith({
      name: "billing-app",
      rpm_limit: 60,
      tpm_limit: null,
      expires_at: "2099-12-31T23:59:59.000Z",
    });
  });

  it("shows the proxy's error", async () => {
    const onSubmit = vi.fn().mockRejectedValue(new ApiError(403, { message: "Tenant is suspended", type: "forbidden", code: "forbidden" }));
    render(<IssueKeyForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "billing-app");
    await userEvent.click(screen.getByRole("button", { name: "Issue key" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Tenant is suspended");
  });
});
