// The Designer's tools: every tool of the tenant's registry, each off, "ask first" or automatic for this agent.
"use client";

import Link from "next/link";
import { ErrorState, LoadingState } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { SelectField } from "@/components/ui/select-field";
import { useRegistry } from "@/features/tools/api";
import { toolKey, type ToolChoice } from "@/features/tools/schema";
import type { ToolAssignment } from "@/lib/api/types";

const POLICIES = [
  { value: "off", label: "Off" },
  { value: "ask", label: "Ask first" },
  { value: "auto", label: "Automatic" },
];

type Row = { key: string; name: string; description: string; source: string; available: boolean };

export function ToolPicker({
  tenantId,
  value,
  onChange,
  assigned = [],
  error,
}: {
  tenantId: string;
  value: ToolChoice[];
  onChange: (value: ToolChoice[]) => void;
  /** The agent's saved tools: one its MCP server no longer lists still shows, so it can be turned off. */
  assigned?: ToolAssignment[];
  error?: string;
}) {
  const registry = useRegistry(tenantId);
  if (registry.isPending) return <LoadingState label="Loading tools…" rows={2} />;
  if (registry.isError) return <ErrorState error={registry.error} onRetry={() => registry.refetch()} />;

  const rows: Row[] = registry.data.items.map((tool) => ({
    key: toolKey(tool),
    name: tool.name,
    description: tool.description,
    source: tool.kind === "mcp" ? `MCP · ${tool.mcp_server_name ?? "server"}` : "HTTP",
    available: true,
  }));
  const listed = new Set(rows.map((row) => row.key));
  for (const tool of assigned) {
    const key = toolKey(tool);
    if (!listed.has(key)) rows.push({ key, name: tool.name, description: tool.description, source: tool.kind === "mcp" ? "MCP" : "HTTP", available: false });
  }
  const policyOf = (key: string) => value.find((choice) => choice.key === key)?.policy ?? "off";
  const setPolicy = (key: string, policy: string) => {
    const rest = value.filter((choice) => choice.key !== key);
    onChange(policy === "auto" || policy === "ask" ? [...rest, { key, policy }] : rest);
  };

  return (
    <fieldset className="grid gap-3" aria-describedby={error ? "agent-tools-error" : "agent-tools-description"}>
      <legend className="text-sm font-medium">Tools</legend>
      <p id="agent-tools-description" className="text-xs text-muted-foreground">
        “Ask first” waits for an approver in Slack before each call; “Automatic” calls right away.{" "}
        <Link className="underline underline-offset-2" href={`/tenants/${encodeURIComponent(tenantId)}/tools`}>
          Manage tools
        </Link>
      </p>
      {error ? (
        <p id="agent-tools-error" role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {rows.length === 0 ? <p className="text-sm text-muted-foreground">No tools registered yet: add an MCP server or an HTTP tool first.</p> : null}
      {rows.map((row, index) => (
        <div key={row.key} className="grid gap-2 rounded-md border p-3 sm:grid-cols-[minmax(0,1fr)_11rem] sm:items-end">
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2 text-sm">
              <span className="font-mono [overflow-wrap:anywhere]">{row.name}</span>
              <Badge variant="outline">{row.source}</Badge>
              {row.available ? null : <Badge variant="warning">no longer offered</Badge>}
            </p>
            {row.description ? <p className="text-xs text-muted-foreground [overflow-wrap:anywhere]">{row.description}</p> : null}
          </div>
          <SelectField id={`agent-tool-${index}`} label={`Use of ${row.name}`} value={policyOf(row.key)} onChange={(policy) => setPolicy(row.key, policy)} options={POLICIES} />
        </div>
      ))}
    </fieldset>
  );
}
