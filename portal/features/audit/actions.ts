// Audit actions in words, and an entry's detail as "what changed". Unknown actions (a newer proxy) still read
// well: "tool_call.approve" becomes "Tool call: approve".

const ACTIONS: Record<string, string> = {
  "tenant.create": "Tenant created",
  "tenant.update": "Tenant changed",
  "tenant.suspend": "Tenant suspended",
  "tenant.resume": "Tenant resumed",
  "tenant.delete": "Tenant deleted",
  "agent.create": "Agent created",
  "agent.update": "Agent changed",
  "agent.delete": "Agent deleted",
  "key.issue": "Key issued",
  "key.rotate": "Key rotated",
  "key.revoke": "Key revoked",
  "limits.update": "Limits changed",
  "slack.connect": "Slack workspace connected",
  "slack.install": "Slack app installed",
  "slack.install_link": "“Add to Slack” link created",
  "slack.update": "Slack workspace changed",
  "slack.disabled": "Slack workspace disabled",
  "slack.disconnect": "Slack workspace disconnected",
  "operator.create": "Operator created",
  "operator.delete": "Operator removed",
  "operator.invite": "Operator invited",
  "operator.invite_withdraw": "Invitation withdrawn",
  "operator.join": "Invitation accepted",
  "operator.password_change": "Password changed",
  "operator.password_reset": "Password reset by an admin",
  "operator.password_set": "New password set from a reset link",
  "mcp_server.create": "MCP server added",
  "mcp_server.update": "MCP server changed",
  "mcp_server.delete": "MCP server removed",
  "mcp_server.refresh": "MCP server's tools listed again",
  "mcp_server.test": "MCP server tested",
  "http_tool.create": "HTTP tool added",
  "http_tool.update": "HTTP tool changed",
  "http_tool.delete": "HTTP tool removed",
  "http_tool.test": "HTTP tool tested",
};

const words = (text: string) => text.replaceAll("_", " ");

export function actionLabel(action: string): string {
  const known = ACTIONS[action];
  if (known) return known;
  const [family, ...rest] = action.split(".");
  const what = words(family ?? action);
  const label = what.charAt(0).toUpperCase() + what.slice(1);
  return rest.length ? `${label}: ${words(rest.join("."))}` : label;
}

const FIELD_WORDS: Record<string, string> = {
  rpm_limit: "requests per minute",
  tpm_limit: "tokens per minute",
  monthly_budget_usd: "monthly budget (USD)",
  degrade_at_share: "degrade at share",
  tenant_messages_per_minute: "Slack messages per minute (tenant)",
  channel_messages_per_minute: "Slack messages per minute (channel)",
  system_prompt: "instructions",
  statement_of_work: "statement of work",
};

const fieldWords = (key: string) => FIELD_WORDS[key] ?? words(key);

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(valueText).join(", ");
  return JSON.stringify(value);
}

/** The detail as lines a person reads: "Changed: name, persona" for field lists, "key: value" otherwise. */
export function detailLines(detail: Record<string, unknown> | null | undefined): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(detail ?? {})) {
    if (key === "fields" && Array.isArray(value)) {
      lines.push(`Changed: ${value.length ? value.map((field) => fieldWords(String(field))).join(", ") : "nothing"}`);
    } else {
      lines.push(`${fieldWords(key).replace(/^./, (c) => c.toUpperCase())}: ${valueText(value)}`);
    }
  }
  return lines;
}
