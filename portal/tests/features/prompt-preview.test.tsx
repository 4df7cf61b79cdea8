import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PromptPreview } from "@/features/agents/prompt-preview";
import { admin, apiError, received, server } from "@/tests/msw";

function renderPreview(overrides: Record<string, unknown>) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <PromptPreview tenantId="t-1" agentId="a-1" overrides={overrides} />
    </QueryClientProvider>,
  );
}

describe("PromptPreview", () => {
  it("posts the overrides to the preview endpoint and highlights the AI-transparency line", async () => {
    server.use(
      admin("post", "/admin/tenants/{tenant_id}/agents/{agent_id}/preview", {
        system_prompt: "You are Ava, support.\nWarm.\nYou are an AI assistant; say so when asked.",
      }),
    );
    renderPreview({ persona: "Warm." });

    const line = await screen.findByText("You are an AI assistant; say so when asked.", {}, { timeout: 3000 });
    expect(line).toHaveClass("bg-amber-100");
    expect(received).toEqual([{ method: "POST", path: "/api/admin/tenants/t-1/agents/a-1/preview", query: {}, body: { persona: "Warm." } }]);
  });

  it("shows the proxy's message when the preview fails", async () => {
    server.use(admin("post", "/admin/tenants/{tenant_id}/agents/{agent_id}/preview", () => apiError(422, "Persona too long", "validation_error", "validation_error")));
    renderPreview({ persona: "x" });
    expect(await screen.findByText("Persona too long", {}, { timeout: 3000 })).toBeInTheDocument();
  });
});
