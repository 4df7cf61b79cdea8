// Tool registry rules (the proxy's own, so mistakes show before a round trip) and form ↔ API conversions.
import { z } from "zod";
import type { HttpToolCreate, McpServerCreate, RegistryTool, ToolAssignment, ToolAssignmentIn, ToolPolicy } from "@/lib/api/types";

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const RESERVED_HEADERS = new Set(["host", "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive", "proxy-authorization", "mcp-session-id", "mcp-protocol-version", "last-event-id", "accept"]);

const url = z
  .string()
  .trim()
  .min(1, "Enter the URL.")
  .max(2000, "Keep the URL under 2000 characters.")
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), "Use an http:// or https:// URL.");

const secretHeader = {
  header_name: z
    .string()
    .trim()
    .refine((value) => value === "" || HEADER_NAME.test(value), "A header name has letters, digits and hyphens.")
    .refine((value) => !RESERVED_HEADERS.has(value.toLowerCase()), "Konstruct sets this header itself."),
  header_value: z.string().max(4096, "Keep the value under 4096 characters."),
};

function headerPair(values: { header_name: string; header_value: string }, ctx: z.RefinementCtx) {
  if (values.header_name && !values.header_value) ctx.addIssue({ code: "custom", path: ["header_value"], message: "Enter the header's value." });
  if (!values.header_name && values.header_value) ctx.addIssue({ code: "custom", path: ["header_name"], message: "Name the header." });
}

export const mcpServerSchema = z
  .object({
    name: z.string().trim().min(1, "Name the server.").max(100, "Keep the name under 100 characters."),
    url,
    bearer_token: z.string().max(4096, "Keep the token under 4096 characters."),
    ...secretHeader,
  })
  .superRefine(headerPair);
export type McpServerValues = z.infer<typeof mcpServerSchema>;

/** The JSON object a text holds, or null when it holds anything else (or is not JSON). */
function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const argumentsSchema = z
  .string()
  .refine((text) => !text.trim() || jsonObject(text) !== null, "Write the arguments as a JSON object, e.g. {\"order_id\": \"1234\"}.");

export const httpToolSchema = z
  .object({
    name: z.string().trim().regex(TOOL_NAME, "A tool name has letters, digits, _ and - (up to 64), e.g. order_lookup."),
    description: z.string().max(2000, "Keep the description under 2000 characters."),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    url,
    parameters: z
      .string()
      .refine((text) => !text.trim() || jsonObject(text)?.type === "object", 'Write a JSON Schema with "type": "object".'),
    status_text: z.string().trim().max(100, "Keep the status text under 100 characters."),
    ...secretHeader,
  })
  .superRefine(headerPair)
  .superRefine((values, ctx) => {
    // The proxy refuses a {placeholder} that is not an argument; say so before the round trip.
    const placeholders = [...values.url.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? "");
    const schema = values.parameters.trim() ? jsonObject(values.parameters) : {};
    if (schema === null) return;
    const properties = typeof schema.properties === "object" && schema.properties !== null ? schema.properties : {};
    const missing = placeholders.filter((name) => !(name in properties));
    if (missing.length) ctx.addIssue({ code: "custom", path: ["url"], message: `Describe ${missing.map((name) => `{${name}}`).join(", ")} in the arguments schema.` });
  });
export type HttpToolValues = z.infer<typeof httpToolSchema>;

export const toolTestSchema = z.object({ tool: z.string(), arguments: argumentsSchema });
export type ToolTestValues = z.infer<typeof toolTestSchema>;

const headers = (values: { header_name: string; header_value: string }) => (values.header_name ? { [values.header_name]: values.header_value } : {});

export function mcpServerPayload(values: McpServerValues): McpServerCreate {
  return { name: values.name, url: values.url, bearer_token: values.bearer_token || null, headers: headers(values) };
}

export function httpToolPayload(values: HttpToolValues): HttpToolCreate {
  return {
    name: values.name,
    description: values.description.trim(),
    method: values.method,
    url: values.url,
    status_text: values.status_text,
    headers: headers(values),
    ...(values.parameters.trim() ? { parameters: jsonObject(values.parameters) ?? {} } : {}),
  };
}

export function parseArguments(text: string): Record<string, unknown> {
  return (text.trim() && jsonObject(text)) || {};
}

// ---------------------------------------------------------------- the Designer's picker

/** One tool chosen for an agent; a tool set to "off" is not in the list. */
export type ToolChoice = { key: string; policy: Exclude<ToolPolicy, "off"> };

type ToolRef = Pick<RegistryTool, "kind" | "http_tool_id" | "mcp_server_id" | "mcp_tool_name">;

/** A registry tool's stable key: the HTTP tool's id, or the MCP server's id with the tool's name. */
export function toolKey(tool: ToolRef): string {
  return tool.kind === "http" ? `http:${tool.http_tool_id ?? ""}` : `mcp:${tool.mcp_server_id ?? ""}:${tool.mcp_tool_name ?? ""}`;
}

export function assignmentsToChoices(assignments: ToolAssignment[]): ToolChoice[] {
  return assignments.flatMap((assignment) => (assignment.policy === "off" ? [] : [{ key: toolKey(assignment), policy: assignment.policy }]));
}

export function choicesToAssignments(choices: ToolChoice[]): ToolAssignmentIn[] {
  return choices.map(({ key, policy }) => {
    if (key.startsWith("http:")) return { http_tool_id: key.slice("http:".length), policy };
    const [, serverId = "", ...name] = key.split(":");
    return { mcp_server_id: serverId, mcp_tool_name: name.join(":"), policy };
  });
}
