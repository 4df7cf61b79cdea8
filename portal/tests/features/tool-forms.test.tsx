import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { HttpToolForm, McpServerForm, ToolTestForm } from "@/features/tools/tool-forms";
import { TestResult } from "@/features/tools/tools-page";
import { ApiError } from "@/lib/api/errors";

describe("registering tools", () => {
  it("an MCP server: URL checked, bearer token and secret header sent, never an empty token", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<McpServerForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "Shop");
    await userEvent.type(screen.getByLabelText("URL"), "ftp://shop");
    await userEvent.type(screen.getByLabelText("Secret header (optional)"), "X-Api-Key");
    await userEvent.click(screen.getByRole("button", { name: "Add server" }));
    expect(await screen.findByText("Use an http:// or https:// URL.")).toBeInTheDocument();
    expect(screen.getByText("Enter the header's value.")).toBeInTheDocument();
    expect(onSubmit).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText("URL"));
    await userEvent.type(screen.getByLabelText("URL"), "https://mcp.shop.example/mcp");
    await userEvent.type(screen.getByLabelText("Header value"), "k-123");
    await userEvent.click(screen.getByRole("button", { name: "Add server" }));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({ name: "Shop", url: "https://mcp.shop.example/mcp", bearer_token: null, headers: { "X-Api-Key": "k-123" } }),
    );
  });

  it("an HTTP tool: a {placeholder} must be an argument; the schema is sent as JSON", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<HttpToolForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "order lookup");
    await userEvent.type(screen.getByLabelText("URL"), "https://shop.example/orders/{{order_id}");
    await userEvent.click(screen.getByRole("button", { name: "Add tool" }));
    expect(await screen.findByText(/A tool name has letters/)).toBeInTheDocument();
    expect(screen.getByText("Describe {order_id} in the arguments schema.")).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("Name"));
    await userEvent.type(screen.getByLabelText("Name"), "order_lookup");
    await userEvent.type(screen.getByLabelText("Arguments (JSON Schema, optional)"), '{{"type": "object", "properties": {{"order_id": {{"type": "string"}}}');
    await userEvent.click(screen.getByRole("button", { name: "Add tool" }));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({
        name: "order_lookup",
        description: "",
        method: "GET",
        url: "https://shop.example/orders/{order_id}",
        status_text: "",
        headers: {},
        parameters: { type: "object", properties: { order_id: { type: "string" } } },
      }),
    );
  });

  it("shows the proxy's refusal (a private address) in words", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(422, { message: "The URL points to a private address", type: "validation_error", code: "validation_error", fields: [{ field: "body.url", message: "a private address" }] }),
    );
    render(<McpServerForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "Inside");
    await userEvent.type(screen.getByLabelText("URL"), "http://10.0.0.5/mcp");
    await userEvent.click(screen.getByRole("button", { name: "Add server" }));
    await waitFor(() => expect(screen.getByLabelText("URL")).toHaveAccessibleDescription(/a private address/));
  });
});

describe("testing a tool", () => {
  it("lists an MCP server's tools by default, or calls one with JSON arguments", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    render(<ToolTestForm tools={["refunds"]} onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole("button", { name: "Run test" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ arguments: {} }));
    await userEvent.click(screen.getByLabelText("Call"));
    await userEvent.click(await screen.findByRole("option", { name: "refunds" }));
    await userEvent.type(screen.getByLabelText("Arguments (JSON)"), "not json");
    await userEvent.click(screen.getByRole("button", { name: "Run test" }));
    expect(await screen.findByText(/Write the arguments as a JSON object/)).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("Arguments (JSON)"));
    await userEvent.type(screen.getByLabelText("Arguments (JSON)"), '{{"order": "42"}');
    await userEvent.click(screen.getByRole("button", { name: "Run test" }));
    await waitFor(() => expect(onSubmit).toHaveBeenLastCalledWith({ tool: "refunds", arguments: { order: "42" } }));
  });

  it("says whether it worked, how long it took and what came back", () => {
    render(<TestResult result={{ ok: false, text: "connection refused", duration_ms: 12.4 }} />);
    expect(screen.getByText("Failed")).toBeInTheDocument();
    expect(screen.getByText("12 ms")).toBeInTheDocument();
    expect(screen.getByText("connection refused")).toBeInTheDocument();
  });
});
