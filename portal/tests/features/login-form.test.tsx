import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { LoginForm } from "@/features/auth/login-form";
import { LOGIN_ERRORS } from "@/features/auth/schema";

describe("LoginForm", () => {
  it("requires email and password, wiring each error to its input", async () => {
    const action = vi.fn();
    render(<LoginForm action={action} />);
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    await screen.findByText("Enter your password.");
    const email = screen.getByLabelText("Email");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Enter your email.");
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription("Enter your password.");
    expect(action).not.toHaveBeenCalled();
  });

  it("rejects a malformed email", async () => {
    render(<LoginForm action={vi.fn()} />);
    await userEvent.type(screen.getByLabelText("Email"), "not-an-email");
    await userEvent.type(screen.getByLabelText("Password"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByLabelText("Email")).toHaveAccessibleDescription("Enter a valid email address."));
  });

  it("submits the credentials and shows the sign-in error", async () => {
    const action = vi.fn().mockResolvedValue({ error: LOGIN_ERRORS.invalid_credentials });
    render(<LoginForm action={action} />);
    await userEvent.type(screen.getByLabelText("Email"), "ops@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "hunter2");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    await waitFor(() => expect(action).toHaveBeenCalled());
    expect(action).toHaveBeenCalledWith({ email: "ops@example.com", password: "hunter2" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password.");
  });

  it("tells a throttled operator to wait a minute", async () => {
    const action = vi.fn().mockResolvedValue({ error: LOGIN_ERRORS.rate_limited });
    render(<LoginForm action={action} />);
    await userEvent.type(screen.getByLabelText("Email"), "ops@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "hunter2");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/too many attempts, try again in a minute/i);
  });
});
