import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { DeleteTenantDialog } from "@/features/tenants/delete-tenant-dialog";
import { ApiError } from "@/lib/api/errors";

const tenant = { id: "t-1", name: "Acme", slug: "acme" };

async function openDialog() {
  await userEvent.click(screen.getByRole("button", { name: "Delete tenant" }));
  return screen.getByRole("dialog");
}

describe("DeleteTenantDialog", () => {
  it("focuses the confirmation box and refuses anything but the slug", async () => {
    const onDelete = vi.fn();
    render(<DeleteTenantDialog tenant={tenant} onDelete={onDelete} />);
    const dialog = await openDialog();
    const input = screen.getByLabelText(/Type acme to confirm/);
    expect(input).toHaveFocus();

    await userEvent.type(input, "Acme");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete tenant" }));
    await waitFor(() => expect(input).toHaveAccessibleDescription("Type acme to confirm."));
    expect(onDelete).not.toHaveBeenCalled();
  });

  it("deletes once the slug is typed", async () => {
    const onDelete = vi.fn().mockResolvedValue(undefined);
    const onDeleted = vi.fn();
    render(<DeleteTenantDialog tenant={tenant} onDelete={onDelete} onDeleted={onDeleted} />);
    const dialog = await openDialog();
    await userEvent.type(screen.getByLabelText(/Type acme to confirm/), "acme");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete tenant" }));
    await waitFor(() => expect(onDelete).toHaveBeenCalledWith("t-1"));
    expect(onDeleted).toHaveBeenCalled();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("keeps the dialog open with the proxy's message on failure", async () => {
    const onDelete = vi.fn().mockRejectedValue(new ApiError(404, { message: "Tenant not found", type: "not_found", code: "not_found" }));
    render(<DeleteTenantDialog tenant={tenant} onDelete={onDelete} />);
    const dialog = await openDialog();
    await userEvent.type(screen.getByLabelText(/Type acme to confirm/), "acme");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete tenant" }));
    expect(await within(dialog).findByText("Tenant not found")).toBeInTheDocument();
  });
});

