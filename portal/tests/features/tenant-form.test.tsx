import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { TenantForm } from "@/features/tenants/tenant-form";
import { slugify } from "@/features/tenants/schema";
import { ApiError } from "@/lib/api/errors";

describe("TenantForm", () => {
  it("requires a name and a valid slug", async () => {
    const onSubmit = vi.fn();
    render(<TenantForm submitLabel="Create tenant" onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole("button", { name: "Create tenant" }));
    await waitFor(() => expect(screen.getByLabelText("Name")).toHaveAccessibleDescription("Enter the tenant's name."));
    expect(screen.getByText("The slug needs at least 2 characters.")).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Name"), "Acme");
    await userEvent.clear(screen.getByLabelText("Slug"));
    await userEvent.type(screen.getByLabelText("Slug"), "Acme Corp!");
    await userEvent.click(screen.getByRole("button", { name: "Create tenant" }));
    await waitFor(() => expect(screen.getByText(/Use lowercase letters, digits and single hyphens/)).toBeInTheDocument());
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("derives the slug from the name until the slug is edited", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<TenantForm submitLabel="Create tenant" onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "Café Übersee GmbH");
    expect(screen.getByLabelText("Slug")).toHaveValue("cafe-ubersee-gmbh");
    await userEvent.click(screen.getByRole("button", { name: "Create tenant" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ name: "Café Übersee GmbH", slug: "cafe-ubersee-gmbh" }));
  });

  it("starts a new tenant with a budget when one is given, and checks it", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<TenantForm submitLabel="Create tenant" onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "Acme");
    await userEvent.type(screen.getByLabelText("Monthly budget in USD (optional)"), "12.345678");
    await userEvent.click(screen.getByRole("button", { name: "Create tenant" }));
    expect(await screen.findByText(/The budget is an amount in USD/)).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("Monthly budget in USD (optional)"));
    await userEvent.type(screen.getByLabelText("Monthly budget in USD (optional)"), "250");
    await userEvent.click(screen.getByRole("button", { name: "Create tenant" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ name: "Acme", slug: "acme", monthly_budget_usd: "250" }));
  });

  it("asks for no budget when editing (that is under Limits)", () => {
    render(<TenantForm tenant={{ name: "Acme", slug: "acme" }} submitLabel="Save changes" onSubmit={vi.fn()} />);
    expect(screen.queryByLabelText(/Monthly budget/)).not.toBeInTheDocument();
  });

  it("maps the proxy's field errors onto the form", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(409, { message: "Slug taken", type: "conflict", code: "conflict", fields: [{ field: "slug", message: "This slug is taken." }] }),
    );
    render(<TenantForm submitLabel="Create tenant" onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "Acme");
    await userEvent.click(screen.getByRole("button", { name: "Create tenant" }));
    expect(await screen.findByText("This slug is taken.")).toBeInTheDocument();
    expect(screen.getByLabelText("Slug")).toHaveAccessibleDescription(/This slug is taken\./);
  });

  it("shows a proxy message that belongs to no field", async () => {
    const onSubmit = vi.fn().mockRejectedValue(new ApiError(409, { message: "A tenant with this slug exists.", type: "conflict", code: "conflict" }));
    render(<TenantForm tenant={{ name: "Acme", slug: "acme" }} submitLabel="Save changes" onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("A tenant with this slug exists.");
  });

  it("slugifies names", () => {
    expect(slugify("  Hello,   World --  ")).toBe("hello-world");
  });
});
