// Platform admins' tenant list: search, status filter, and "New tenant".
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
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { formatDateTime } from "@/lib/utils";
import { useCreateTenant, useTenants } from "./api";
import { TenantForm } from "./tenant-form";
import { TenantStatusBadge } from "./tenant-status-badge";

const STATUS_FILTERS = [
  { value: "all", label: "All statuses" },
  { value: "active", label: "Active" },
  { value: "suspended", label: "Suspended" },
];

export function TenantsList() {
  const router = useRouter();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("all");
  const q = useDebouncedValue(search.trim(), 300);
  const tenants = useTenants({ q: q || undefined, status: status === "all" ? undefined : status });
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
                onSubmit={async (values) => {
                  const tenant = await createTenant.mutateAsync(values);
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
                  onChange={(event) => setSearch(event.target.value)}
                />
              </div>
            </div>
            <div className="grid w-full gap-1.5 sm:w-48">
              <Label htmlFor="tenant-status-filter">Status</Label>
              <Select value={status} onValueChange={setStatus}>
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
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Slug</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Created</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {tenants.data.items.map((tenant) => (
                  <TableRow key={tenant.id}>
                    <TableCell>
                      <Link href={`/tenants/${encodeURIComponent(tenant.id)}`} className="font-medium text-primary hover:underline">
                        {tenant.name}
                      </Link>
                    </TableCell>
                    <TableCell label="Slug" className="font-mono text-xs">
                      {tenant.slug}
                    </TableCell>
                    <TableCell label="Status">
                      <TenantStatusBadge status={tenant.status} />
                    </TableCell>
                    <TableCell label="Created" className="text-muted-foreground">
                      {formatDateTime(tenant.created_at)}
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

