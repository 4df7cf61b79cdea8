import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SecretDialog } from "@/features/keys/secret-dialog";
import type { TenantKeyCreated } from "@/lib/api/types";

const created: TenantKeyCreated = {
  id: "k-1",
  name: "billing-app",
  prefix: "sk-kon-abc",
  rpm_limit: null,
  tpm_limit: null,
  expires_at: null,
  revoked_at: null,
  last_used_at: null,
  created_at: "2026-01-01T00:00:00Z",
  secret: "sk-kon-abc123secret",
};

describe("SecretDialog", () => {
  it("shows the secret once with a curl line against the gateway, focusing the copy button", async () => {
    render(<SecretDialog created={created} gatewayUrl="http://127.0.0.1:4000" onClose={vi.fn()} />);
    const dialog = screen.getByRole("dialog", { name: "Key billing-app issued" });
    expect(dialog).toHaveTextContent("it is shown only once");
    expect(screen.getByTestId("key-secret")).toHaveTextContent("sk-kon-abc123secret");
    expect(dialog).toHaveTextContent(
      `curl http://127.0.0.1:4000/v1/chat/completions -H "Authorization: Bearer sk-kon-abc123secret" -H "Content-Type: application/json" -d '{"model":"konstruct-fast","messages":[{"role":"user","content":"Hello!"}]}'`,
    );
    expect(screen.getByRole("button", { name: "Copy secret" })).toHaveFocus();
  });

  it("copies the secret to the clipboard", async () => {
    const user = userEvent.setup();
    render(<SecretDialog created={created} gatewayUrl="http://127.0.0.1:4000" onClose={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: "Copy secret" }));
    await expect(navigator.clipboard.readText()).resolves.toBe("sk-kon-abc123secret");
    expect(screen.getByRole("button", { name: "Copy secret copied" })).toHaveTextContent("Copied");
  });

  it("closes only by an explicit action, then the secret is gone", async () => {
    const onClose = vi.fn();
    const { rerender } = render(<SecretDialog created={created} gatewayUrl="http://127.0.0.1:4000" onClose={onClose} />);
    await userEvent.click(screen.getByRole("button", { name: "I have copied it" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    rerender(<SecretDialog created={null} gatewayUrl="http://127.0.0.1:4000" onClose={onClose} />);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.queryByText(/sk-kon-abc123secret/)).not.toBeInTheDocument();
  });

  it("asks before Escape closes it; keeping it open keeps the secret", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<SecretDialog created={created} gatewayUrl="http://127.0.0.1:4000" onClose={onClose} />);
    await user.keyboard("{Escape}");
    const confirm = await screen.findByRole("alertdialog", { name: "Close without the secret?" });
    expect(confirm).toHaveTextContent("only time the secret is shown");
    await user.click(screen.getByRole("button", { name: "Keep it open" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("key-secret")).toHaveTextContent("sk-kon-abc123secret");
    expect(onClose).not.toHaveBeenCalled();
  });

  it("the close button asks too, and closes once confirmed", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<SecretDialog created={created} gatewayUrl="http://127.0.0.1:4000" onClose={onClose} />);
    await user.click(screen.getByRole("button", { name: "Close" }));
    expect(onClose).not.toHaveBeenCalled();
    await user.click(await screen.findByRole("button", { name: "Close anyway" }));
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
  });
});
