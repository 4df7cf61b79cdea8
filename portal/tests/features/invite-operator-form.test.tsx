import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { InviteOperatorForm } from "@/features/operators/invite-operator-form";
import { ApiError } from "@/lib/api/errors";

const tenants = [
  { value: "t-1", label: "Acme" },
  { value: "t-2", label: "Globex" },
];

describe("InviteOperatorForm", () => {
  it("requires an email and a tenant for tenant admins, and asks for no password", async () => {
    const onSubmit = vi.fn();
    render(<InviteOperatorForm tenants={tenants} onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Email"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "Create invitation link" }));

    await screen.findByText("Choose the tenant this admin manages.");
    expect(screen.getByLabelText("Email")).toHaveAccessibleDescription("Enter a valid email address.");
    expect(screen.queryByLabelText(/password/i)).not.toBeInTheDocument();
    expect(screen.getByLabelText("Tenant")).toHaveAccessibleDescription("Choose the tenant this admin manages.");
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("invites a tenant admin for the preselected tenant", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<InviteOperatorForm tenants={tenants} defaultTenantId="t-2" onSubmit={onSubmit} />);
    expect(screen.getByLabelText("Tenant")).toHaveTextContent("Globex");
    await userEvent.type(screen.getByLabelText("Email"), "boss@globex.test");
    await userEvent.click(screen.getByRole("button", { name: "Create invitation link" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ email: "boss@globex.test", role: "tenant_admin", tenant_id: "t-2" }));
  });

  it("invites a platform admin without a tenant", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<InviteOperatorForm tenants={tenants} onSubmit={onSubmit} />);
    await userEvent.click(screen.getByLabelText("Role"));
    await userEvent.click(await screen.findByRole("option", { name: /Platform admin/ }));
    expect(screen.queryByLabelText("Tenant")).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Email"), "ops@konstruct.test");
    await userEvent.click(screen.getByRole("button", { name: "Create invitation link" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ email: "ops@konstruct.test", role: "platform_admin", tenant_id: null }));
  });

  it("maps the proxy's field error onto the email", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(422, { message: "Invalid", type: "validation_error", code: "validation_error", fields: [{ field: "email", message: "This email is already an operator." }] }),
    );
    render(<InviteOperatorForm tenants={tenants} defaultTenantId="t-1" onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Email"), "boss@acme.test");
    await userEvent.click(screen.getByRole("button", { name: "Create invitation link" }));
    expect(await screen.findByText("This email is already an operator.")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveFocus();
  });
});
