// The API types the portal uses, named once; generated from openapi.json by `npm run gen:api`.
// openapi.json is the proxy's own document (`make openapi`); if a schema is renamed there, only this file changes.
import type { components, operations } from "./schema";

type Schemas = components["schemas"];

export type Tenant = Schemas["Tenant"];
export type TenantSummary = Schemas["TenantSummary"];
export type TenantStats = Schemas["TenantStats"];
export type TenantSort = NonNullable<NonNullable<operations["list_tenants_admin_tenants_get"]["parameters"]["query"]>["sort"]>;
export type TenantCreate = Schemas["TenantCreate"];
export type TenantUpdate = Schemas["TenantUpdate"];
export type Agent = Schemas["Agent"];
export type AgentCreate = Schemas["AgentCreate"];
export type AgentUpdate = Schemas["AgentUpdate"];
export type AgentPreview = Schemas["AgentPreview"];
export type AgentTryResult = Schemas["TryOut"];
export type TenantKey = Schemas["TenantKey"];
export type TenantKeyCreate = Schemas["KeyCreate"];
export type TenantKeyCreated = Schemas["TenantKeyCreated"];
export type Limits = Schemas["Limits"];
export type LimitsUpdate = Schemas["LimitsIn"];
export type SlackConnection = Schemas["SlackConnection"];
export type SlackConnectionCreate = Schemas["ConnectionCreate"];
export type SlackConnectionUpdate = Schemas["ConnectionUpdate"];
export type SlackInstallLink = Schemas["InstallLink"];
export type SlackApp = Schemas["SlackApp"];
export type SlackChannel = Schemas["SlackChannel"];
export type SlackChannelList = Schemas["SlackChannelList"];
export type Usage = Schemas["Usage"];
export type UsageKey = Schemas["UsageKey"];
export type ToolCallUsage = Schemas["ToolCallUsage"];
export type AgentFeedback = Schemas["AgentFeedback"];
export type Operator = Schemas["Operator"];
export type OperatorCreate = Schemas["OperatorCreate"];
export type OperatorRole = Operator["role"];
export type Invitation = Schemas["Invitation"];
export type InvitationCreate = Schemas["InvitationCreate"];
export type InvitationIssued = Schemas["InvitationIssued"];
export type InvitationPreview = Schemas["InvitationPreview"];
export type PasswordChange = Schemas["PasswordChange"];
export type AuditEntry = Schemas["AuditEntry"];
export type AuditPage = Schemas["AuditPage"];
export type LoginResponse = Schemas["LoginOut"];
export type RegistryTool = Schemas["RegistryTool"];
export type McpServer = Schemas["McpServer"];
export type McpServerCreate = Schemas["McpServerCreate"];
export type HttpTool = Schemas["HttpTool"];
export type HttpToolCreate = Schemas["HttpToolCreate"];
export type ToolTest = Schemas["ToolTestIn"];
export type ToolTestResult = Schemas["ToolTestOut"];
export type ToolAssignment = Schemas["Assignment"];
export type ToolAssignmentIn = Schemas["AssignmentIn"];
export type ToolPolicy = ToolAssignment["policy"];

/** Every list endpoint answers `{items: [...]}`. */
export type ItemList<T> = { items: T[] };

/** Lists the server sorts and pages also say how many there are in all. */
export type PagedList<T> = ItemList<T> & { total: number; limit: number; offset: number };
