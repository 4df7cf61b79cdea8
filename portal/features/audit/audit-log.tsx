// A tenant's audit log: who changed what, newest first.
"use client";

import { useQuery } from "@tanstack/react-query";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { api, seg } from "@/lib/api/client";
import type { AuditEntry, ItemList } from "@/lib/api/types";
import { formatDateTime } from "@/lib/utils";

function useAudit(tenantId: string) {
  return useQuery({
    queryKey: ["audit", tenantId],
    queryFn: ({ signal }) => api<ItemList<AuditEntry>>(`tenants/${seg(tenantId)}/audit`, { signal }),
  });
}

function detailText(detail: AuditEntry["detail"]): string {
  const entries = Object.entries(detail ?? {});
  return entries.length === 0 ? "" : entries.map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`).join(", ");
}

export function AuditLog({ tenantId }: { tenantId: string }) {
  const audit = useAudit(tenantId);
  return (
    <>
      <PageHeader title="Audit" description="Every change made to this tenant, by whom and when." />
      <Card>
        <CardContent className="pt-5">
          {audit.isPending ? (
            <LoadingState label="Loading audit log…" />
          ) : audit.isError ? (
            <ErrorState error={audit.error} onRetry={() => audit.refetch()} />
          ) : audit.data.items.length === 0 ? (
            <EmptyState title="Nothing recorded yet" description="Changes to agents, keys, Slack and limits appear here." />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>When</TableHead>
                  <TableHead>Who</TableHead>
                  <TableHead>Action</TableHead>
                  <TableHead>Target</TableHead>
                  <TableHead>Detail</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {audit.data.items.map((entry) => (
                  <TableRow key={entry.id}>
                    <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(entry.created_at)}</TableCell>
                    <TableCell>{entry.actor}</TableCell>
                    <TableCell className="font-mono text-xs">{entry.action}</TableCell>
                    <TableCell className="font-mono text-xs">{entry.target ?? "—"}</TableCell>
                    <TableCell className="max-w-md truncate text-xs text-muted-foreground" title={detailText(entry.detail)}>
                      {detailText(entry.detail)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
