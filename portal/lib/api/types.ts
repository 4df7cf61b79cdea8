// The API types the portal uses, named once; generated from openapi.json by `npm run gen:api`.
// openapi.json is the proxy's own document (`make openapi`); if a schema is renamed there, only this file changes.
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Tenant = Schemas["Tenant"];
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
export type Usage = Schemas["Usage"];
export type Operator = Schemas["Operator"];
export type OperatorCreate = Schemas["OperatorCreate"];
export type OperatorRole = Operator["role"];
export type AuditEntry = Schemas["AuditEntry"];
export type LoginResponse = Schemas["LoginOut"];

/** Every list endpoint answers `{items: [...]}`. */
export type ItemList<T> = { items: T[] };
