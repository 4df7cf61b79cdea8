// Audit log queries: the keys and fetcher the log's hook uses and the pages prefetch on the server.
import { api, seg, type AdminCall } from "@/lib/api/client";
import type { AuditPage } from "@/lib/api/types";

export type AuditScope = { kind: "tenant"; tenantId: string } | { kind: "platform" };

export type AuditFilters = { action?: string; actor?: string; q?: string; since?: string; until?: string; limit: number; offset: number };

export const AUDIT_PAGE_SIZE = 50;

/** The log as it opens: newest first, unfiltered, the first page. */
export const FIRST_AUDIT_PAGE: AuditFilters = { limit: AUDIT_PAGE_SIZE, offset: 0 };

export const auditQuery = (scope: AuditScope, filters: AuditFilters, call: AdminCall = api) => ({
  queryKey: ["audit", scope.kind === "tenant" ? scope.tenantId : "platform", filters] as const,
  queryFn: ({ signal }: { signal?: AbortSignal }) =>
    call<AuditPage>(scope.kind === "tenant" ? `tenants/${seg(scope.tenantId)}/audit` : "audit", { query: filters, signal }),
});
