// Platform admins' tenant list: search, status filter, "New tenant", and each tenant's figures (agents,
// Slack, spend against budget, last activity), sorted and paged by the proxy.
"use client";

import { Plus, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Pager, SortableHead, sortOptions, type SortState } from "@/components/ui/pagination";
import { SelectField } from "@/components/ui/select-field";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";
import type { TenantSort } from "@/lib/api/types";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { formatDateTime, formatRelative } from "@/lib/utils";
import { useCreateTenant, useTenants } from "./api";
import { FIRST_TENANTS_PAGE, TENANTS_PAGE_SIZE } from "./queries";
import { SlackStatus, SpendAgainstBudget } from "./tenant-figures";
import { TenantForm } from "./tenant-form";
import { TenantStatusBadge } from "./tenant-status-badge";

const SORTS: { value: TenantSort; label: string; firstOrder?: "asc" | "desc" }[] = [
  { value: "name", label: "Name" },
  { value: "agents", label: "Agents", firstOrder: "desc" },
  { value: "spend", label: "Spend this month", firstOrder: "desc" },
  { value: "last_activity", label: "Last activity", firstOrder: "desc" },
  { value: "created_at", label: "Created", firstOrder: "desc" },
];

const STATUS_FILTERS = [
  { value: "all", label: "All statuses" },
  { value: "active", label: "Active" },
  { value: "suspended", label: "Suspended" },
];

export function TenantsList() {
  const router = useRouter();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("all");
  const [order, setOrder] = useState<SortState<TenantSort>>({ sort: FIRST_TENANTS_PAGE.sort, order: FIRST_TENANTS_PAGE.order });
  const [offset, setOffset] = useState(0);
  const q = useDebouncedValue(search.trim(), 300);
  const tenants = useTenants({
    q: q || undefined,
    status: status === "all" ? undefined : status,
    sort: order.sort,
    order: order.order,
    limit: TENANTS_PAGE_SIZE,
    offset,
  });
  const sortBy = (next: SortState<TenantSort>) => {
    setOrder(next);
    setOffset(0);
  };
  const createTenant = useCreateTenant();
  const [creating, setCreating] = useState(false);
  const filtered = q !== "" || status !== "all";

  return (
    <>
      <PageHeader
        title="Tenants"
        description="Every business on the platform. Open one to design its agents, keys and Slack workspaces."
        actions={
          <Dialog open={creating} onOpenChange={setCreating}>
            <DialogTrigger asChild>
              <Button>
                <Plus aria-hidden />
                New tenant
              </Button>
            </DialogTrigger>
            <DialogContent>
              <DialogHeader>
                <DialogTitle>New tenant</DialogTitle>
                <DialogDescription>Its admin can be invited from Operators once it exists.</DialogDescription>
              </DialogHeader>
              <TenantForm
                submitLabel="Create tenant"
                onCancel={() => setCreating(false)}
                onSubmit={async (body) => {
                  const tenant = await createTenant.mutateAsync(body);
                  setCreating(false);
                  router.push(`/tenants/${encodeURIComponent(tenant.id)}`);
                }}
              />
            </DialogContent>
          </Dialog>
        }
      />
      <Card>
        <CardContent className="grid gap-4 pt-5">
          <div className="flex flex-wrap items-end gap-3">
            <div className="grid min-w-0 flex-1 basis-64 gap-1.5">
              <Label htmlFor="tenant-search">Search</Label>
              <div className="relative">
                <Search className="absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden />
                <Input
                  id="tenant-search"
                  type="search"
                  placeholder="Name or slug"
                  className="pl-8"
                  value={search}
                  onChange={(event) => {
                    setSearch(event.target.value);
                    setOffset(0);
                  }}
                />
              </div>
            </div>
            <div className="grid w-full gap-1.5 sm:w-48">
              <Label htmlFor="tenant-status-filter">Status</Label>
              <Select
                value={status}
                onValueChange={(value) => {
                  setStatus(value);
                  setOffset(0);
                }}
              >
                <SelectTrigger id="tenant-status-filter">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {STATUS_FILTERS.map((option) => (
                    <SelectItem key={option.value} value={option.value}>
                      {option.label}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
            <SelectField
              id="tenant-sort"
              label="Sort by"
              className="w-full sm:hidden"
              value={`${order.sort}:${order.order}`}
              onChange={(value) => {
                const [sort, direction] = value.split(":") as [TenantSort, "asc" | "desc"];
                sortBy({ sort, order: direction });
              }}
              options={sortOptions(SORTS)}
            />
          </div>
          {tenants.isPending ? (
            <LoadingState label="Loading tenants…" />
          ) : tenants.isError ? (
            <ErrorState error={tenants.error} onRetry={() => tenants.refetch()} />
          ) : tenants.data.items.length === 0 ? (
            <EmptyState
              title={filtered ? "No tenants match" : "No tenants yet"}
              description={filtered ? "Try another search or status." : "Create the first tenant to get started."}
            />
          ) : (
            <>
              <Table aria-busy={tenants.isPlaceholderData}>
                <caption className="sr-only">Tenants, sorted by {SORTS.find((option) => option.value === order.sort)?.label}</caption>
                <TableHeader>
                  <TableRow>
                    <SortableHead column="name" state={order} onSort={sortBy}>
                      Name
                    </SortableHead>
                    <SortableHead column="agents" state={order} onSort={sortBy} firstOrder="desc" className="text-right">
                      Agents
                    </SortableHead>
                    <SortableHead column="status" state={order} onSort={sortBy}>
                      Status
                    </SortableHead>
                    <SortableHead column="spend" state={order} onSort={sortBy} firstOrder="desc">
                      Spend this month
                    </SortableHead>
                    <SortableHead column="last_activity" state={order} onSort={sortBy} firstOrder="desc">
                      Last activity
                    </SortableHead>
                    <SortableHead column="created_at" state={order} onSort={sortBy} firstOrder="desc">
                      Created
                    </SortableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {tenants.data.items.map((tenant) => (
                    <TableRow key={tenant.id}>
                      <TableCell>
                        <Link href={`/tenants/${encodeURIComponent(tenant.id)}`} className="font-medium text-primary hover:underline">
                          {tenant.name}
                        </Link>
                        <span className="block font-mono text-xs text-muted-foreground">{tenant.slug}</span>
                      </TableCell>
                      <TableCell label="Agents" className="tabular-nums sm:text-right">
                        {tenant.stats.agents}
                      </TableCell>
                      <TableCell label="Status">
                        <span className="flex flex-wrap gap-1.5">
                          <TenantStatusBadge status={tenant.status} />
                          <SlackStatus stats={tenant.stats} />
                        </span>
                      </TableCell>
                      <TableCell label="Spend">
                        <SpendAgainstBudget stats={tenant.stats} label={tenant.name} />
                      </TableCell>
                      {/* "3 minutes ago" may have moved on between the server's HTML and the browser's first render. */}
                      <TableCell label="Last activity" title={formatDateTime(tenant.stats.last_activity_at)} suppressHydrationWarning>
                        {formatRelative(tenant.stats.last_activity_at)}
                      </TableCell>
                      <TableCell label="Created" className="text-muted-foreground">
                        {formatDateTime(tenant.created_at)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              <Pager label="Tenants" total={tenants.data.total} limit={tenants.data.limit} offset={tenants.data.offset} onOffset={setOffset} />
            </>
          )}
        </CardContent>
      </Card>
    </>
  );
}

