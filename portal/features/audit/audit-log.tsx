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
            // Fixed column shares: long targets and details wrap or are cut instead of widening the table.
            <Table className="sm:table-fixed">
              <TableHeader>
                <TableRow>
                  <TableHead className="w-[19%]">When</TableHead>
                  <TableHead className="w-[21%]">Who</TableHead>
                  <TableHead className="w-[17%]">Action</TableHead>
                  <TableHead className="w-[15%]">Target</TableHead>
                  <TableHead className="w-[28%]">Detail</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {audit.data.items.map((entry) => (
                  <TableRow key={entry.id}>
                    <TableCell className="text-muted-foreground">{formatDateTime(entry.created_at)}</TableCell>
                    <TableCell label="Who" className="sm:[overflow-wrap:anywhere]">
                      {entry.actor}
                    </TableCell>
                    <TableCell label="Action" className="font-mono text-xs sm:[overflow-wrap:anywhere]">
                      {entry.action}
                    </TableCell>
                    <TableCell label="Target" className="font-mono text-xs sm:[overflow-wrap:anywhere]">
                      {entry.target ?? "—"}
                    </TableCell>
                    <TableCell label="Detail" className="text-xs text-muted-foreground sm:truncate" title={detailText(entry.detail)}>
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
