// A page's server-fetched data, as the browser's first render gets it: the server's query client fetches (through
// the network edge, MSW), its state crosses to the browser as plain JSON, and the list renders from it — rows or
// the error in words, never a loading state, and without asking the network again.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Prefetched } from "@/components/prefetched";
import { AgentsList } from "@/features/agents/agents-list";
import { agentsQuery } from "@/features/agents/queries";
import { dehydrateSettled } from "@/lib/api/dehydrate";
import { agent } from "@/tests/fixtures";
import { admin, apiError, requestsTo, server } from "@/tests/msw";

const AGENTS = "/admin/tenants/{tenant_id}/agents" as const;

/** What a page's server component hands the browser, through JSON as React's server/client boundary does. */
async function prefetched(...queries: Parameters<QueryClient["prefetchQuery"]>[0][]) {
  const client = new QueryClient();
  await Promise.all(queries.map((query) => client.prefetchQuery(query)));
  return JSON.parse(JSON.stringify(dehydrateSettled(client))) as ReturnType<typeof dehydrateSettled>;
}

/** The browser's own query client (components/providers.tsx has the same defaults that matter here). */
function page(state: ReturnType<typeof dehydrateSettled>, children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: 15_000, retry: false } } });
  return (
    <QueryClientProvider client={client}>
      <Prefetched state={state}>{children}</Prefetched>
    </QueryClientProvider>
  );
}

describe("a list prefetched on the server", () => {
  it("is in the server's HTML with its rows and no loading state, and the browser does not fetch it again", async () => {
    server.use(admin("get", AGENTS, { items: [agent("a-1", "Maya"), agent("a-2", "Noah")] }));
    const state = await prefetched(agentsQuery("t-1"));

    const html = renderToString(page(state, <AgentsList tenantId="t-1" />));
    expect(html).toContain(">Maya</a>");
    expect(html).toContain(">Noah</a>");
    expect(html).not.toMatch(/Loading/);

    render(page(state, <AgentsList tenantId="t-1" />));
    expect(screen.getByRole("link", { name: "Maya" })).toBeInTheDocument();
    expect(screen.queryByText(/^Loading/)).not.toBeInTheDocument();
    expect(requestsTo("/api/admin/tenants/t-1/agents")).toHaveLength(1);
  });

  it("shows the proxy's error in the same words, and Try again fetches it", async () => {
    server.use(admin("get", AGENTS, () => apiError(503, "The agent store is not reachable", "unavailable", "server_error")));
    const state = await prefetched(agentsQuery("t-1"));

    const html = renderToString(page(state, <AgentsList tenantId="t-1" />));
    expect(html).toContain("Could not load this");
    expect(html).toContain("The agent store is not reachable");
    expect(html).not.toMatch(/Loading/);

    render(page(state, <AgentsList tenantId="t-1" />));
    expect(screen.getByRole("alert")).toHaveTextContent("The agent store is not reachable");
    expect(requestsTo("/api/admin/tenants/t-1/agents")).toHaveLength(1);

    server.use(admin("get", AGENTS, { items: [agent("a-1", "Maya")] }));
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "Maya" })).toBeInTheDocument();
    expect(requestsTo("/api/admin/tenants/t-1/agents")).toHaveLength(2);
  });

  it("keeps anything but a proxy error on the server, in plain words", async () => {
    const state = await prefetched({
      ...agentsQuery("t-1"),
      queryFn: () => Promise.reject(new Error("connect ECONNREFUSED postgresql://konstruct:hunter2@10.0.0.5/konstruct")),
    });
    expect(JSON.stringify(state)).not.toMatch(/hunter2|ECONNREFUSED|10\.0\.0\.5/);

    const html = renderToString(page(state, <AgentsList tenantId="t-1" />));
    expect(html).toContain("The server had a problem. Try again shortly.");
  });
});
