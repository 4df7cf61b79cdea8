// The tenant's tool registry as the proxy answers it, for forms that show the Designer's tool picker.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import type { RegistryTool } from "@/lib/api/types";
import { admin, server } from "@/tests/msw";

export const REGISTRY: RegistryTool[] = [
  { kind: "http", name: "order_lookup", description: "Looks an order up.", http_tool_id: "h-1", mcp_server_id: null, mcp_server_name: null, mcp_tool_name: null },
  { kind: "mcp", name: "refunds", description: "Issues a refund.", http_tool_id: null, mcp_server_id: "m-1", mcp_server_name: "Shop", mcp_tool_name: "refunds" },
];

/** Renders with a query client; the network answers the tenant's registry (MSW), nothing of ours is replaced. */
export function renderWithRegistry(ui: ReactElement, registry: RegistryTool[] = REGISTRY) {
  server.use(admin("get", "/admin/tenants/{tenant_id}/tools", { items: registry }));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}
