// A tenant's agents.
"use client";

import { Plus } from "lucide-react";
import Link from "next/link";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAgents } from "./api";

export function AgentsList({ tenantId }: { tenantId: string }) {
  const agents = useAgents(tenantId);
  const base = `/tenants/${encodeURIComponent(tenantId)}/agents`;
  const newAgent = (
    <Button asChild>
      <Link href={`${base}/new`}>
        <Plus aria-hidden />
        New agent
      </Link>
    </Button>
  );

  return (
    <>
      <PageHeader title="Agents" description="The AI employees of this tenant: who they are and how they answer." actions={newAgent} />
      <Card>
        <CardContent className="pt-5">
          {agents.isPending ? (
            <LoadingState label="Loading agents…" />
          ) : agents.isError ? (
            <ErrorState error={agents.error} onRetry={() => agents.refetch()} />
          ) : agents.data.items.length === 0 ? (
            <EmptyState title="No agents yet" description="Design the first AI employee for this tenant." action={newAgent} />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead>Slug</TableHead>
                  <TableHead>Model tier</TableHead>
                  <TableHead>Status</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {agents.data.items.map((agent) => (
                  <TableRow key={agent.id}>
                    <TableCell>
                      <Link href={`${base}/${encodeURIComponent(agent.id)}`} className="font-medium text-primary hover:underline">
                        {agent.name}
                      </Link>
                      {agent.is_default ? (
                        <Badge className="ml-2" variant="default">
                          Default
                        </Badge>
                      ) : null}
                    </TableCell>
                    <TableCell label="Role">{agent.role}</TableCell>
                    <TableCell label="Slug" className="font-mono text-xs">
                      {agent.slug}
                    </TableCell>
                    <TableCell label="Model tier" className="capitalize">
                      {agent.model_tier}
                    </TableCell>
                    <TableCell label="Status">
                      <Badge variant={agent.is_active ? "success" : "outline"}>{agent.is_active ? "Active" : "Inactive"}</Badge>
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
