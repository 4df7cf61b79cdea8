import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PromptPreview } from "@/features/agents/prompt-preview";

function renderPreview(overrides: Record<string, unknown>) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <PromptPreview tenantId="t-1" agentId="a-1" overrides={overrides} />
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("PromptPreview", () => {
  it("posts the overrides to the preview endpoint and highlights the AI-transparency line", async () => {
    const fetchMock = vi.fn().mockResolvedValue(
      Response.json({ system_prompt: "You are Ava, support.\nWarm.\nYou are an AI assistant; say so when asked." }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderPreview({ persona: "Warm." });

    const line = await screen.findByText("You are an AI assistant; say so when asked.", {}, { timeout: 3000 });
    expect(line).toHaveClass("bg-amber-100");
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/admin/tenants/t-1/agents/a-1/preview",
      expect.objectContaining({ method: "POST", body: JSON.stringify({ persona: "Warm." }) }),
    );
  });

  it("shows the proxy's message when the preview fails", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(Response.json({ error: { message: "Persona too long", type: "validation_error", code: "validation_error" } }, { status: 422 })),
    );
    renderPreview({ persona: "x" });
    expect(await screen.findByText("Persona too long", {}, { timeout: 3000 })).toBeInTheDocument();
  });
});
