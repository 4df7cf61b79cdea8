// A tenant's overview: details and shortcuts; platform admins also edit, suspend/resume and delete it.
"use client";

import { Activity, Bot, Gauge, KeyRound, MessageSquare } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { ErrorState, LoadingState, PageHeader } from "@/components/states";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { errorMessage } from "@/lib/api/errors";
import type { Tenant } from "@/lib/api/types";
import { formatDateTime, formatRelative } from "@/lib/utils";
import { useDeleteTenant, useSetTenantStatus, useTenant, useTenantStats, useUpdateTenant } from "./api";
import { SlackStatus, SpendAgainstBudget } from "./tenant-figures";
import { DeleteTenantDialog } from "./delete-tenant-dialog";
import { TenantForm } from "./tenant-form";
import { TenantStatusBadge } from "./tenant-status-badge";

const SECTIONS = [
  { sub: "agents", label: "Agents", text: "Design the AI employees and their personas.", icon: Bot },
  { sub: "keys", label: "Keys", text: "Issue, rotate and revoke API keys.", icon: KeyRound },
  { sub: "slack", label: "Slack", text: "Connect workspaces and route channels to agents.", icon: MessageSquare },
  { sub: "limits", label: "Limits", text: "Monthly budget, rate limits, Slack message limits.", icon: Gauge },
  { sub: "usage", label: "Usage", text: "Calls, tokens, cost and latency; CSV export.", icon: Activity },
];

export function TenantOverview({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const tenant = useTenant(tenantId);
  if (tenant.isPending) return <LoadingState label="Loading tenant…" />;
  if (tenant.isError) return <ErrorState error={tenant.error} onRetry={() => tenant.refetch()} />;
  return <Overview tenant={tenant.data} canManage={canManage} />;
}

function Overview({ tenant, canManage }: { tenant: Tenant; canManage: boolean }) {
  const router = useRouter();
  const base = `/tenants/${encodeURIComponent(tenant.id)}`;
  const updateTenant = useUpdateTenant(tenant.id);
  const setStatus = useSetTenantStatus(tenant.id);
  const deleteTenant = useDeleteTenant();
  const suspended = tenant.status === "suspended";

  return (
    <>
      <PageHeader title={tenant.name} description={<span className="font-mono">{tenant.slug}</span>} actions={
          <>
            <TenantStatusBadge status={tenant.status} />
            {canManage ? (
              <Button asChild variant="outline">
                <Link href={`/operators?tenant=${encodeURIComponent(tenant.id)}`}>Invite a tenant admin</Link>
              </Button>
            ) : null}
          </>
        }
      />
      {suspended ? (
        <Alert variant="destructive" className="mb-6">
          This tenant is suspended: its keys and Slack workspaces get no answers until it is resumed.
        </Alert>
      ) : null}
      <TenantFigures tenantId={tenant.id} base={base} />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
        {SECTIONS.map(({ sub, label, text, icon: Icon }) => (
          <Link
            key={sub}
            href={`${base}/${sub}`}
            className="rounded-lg border bg-card p-4 transition-colors hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            <Icon className="mb-2 size-5 text-primary" aria-hidden />
            <p className="font-medium">{label}</p>
            <p className="text-sm text-muted-foreground">{text}</p>
          </Link>
        ))}
      </div>
      <div className="mt-6 grid items-start gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[minmax(0,7rem)_minmax(0,1fr)] gap-x-3 gap-y-2 text-sm [overflow-wrap:anywhere]">
              <dt className="text-muted-foreground">Tenant id</dt>
              <dd className="font-mono text-xs">{tenant.id}</dd>
              <dt className="text-muted-foreground">Slug</dt>
              <dd className="font-mono text-xs">{tenant.slug}</dd>
              <dt className="text-muted-foreground">Status</dt>
              <dd>
                <TenantStatusBadge status={tenant.status} />
              </dd>
              <dt className="text-muted-foreground">Created</dt>
              <dd>{formatDateTime(tenant.created_at)}</dd>
            </dl>
          </CardContent>
        </Card>
        {canManage ? (
          <Card>
            <CardHeader>
              <CardTitle>Edit tenant</CardTitle>
            </CardHeader>
            <CardContent>
              <TenantForm
                key={`${tenant.name}/${tenant.slug}`}
                tenant={tenant}
                submitLabel="Save changes"
                onSubmit={async ({ name, slug }) => {
                  await updateTenant.mutateAsync({ name, slug });
                  router.refresh();
                }}
              />
            </CardContent>
          </Card>
        ) : null}
      </div>
      {canManage ? (
        <Card className="mt-6 border-destructive/30">
          <CardHeader>
            <CardTitle>Danger zone</CardTitle>
            <CardDescription>Suspending stops all traffic for the tenant; deleting removes it for good.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-wrap items-center gap-3">
            <AlertDialog>
              <AlertDialogTrigger asChild>
                <Button variant="outline">{suspended ? "Resume tenant" : "Suspend tenant"}</Button>
              </AlertDialogTrigger>
              <AlertDialogContent>
                <AlertDialogHeader>
                  <AlertDialogTitle>{suspended ? `Resume ${tenant.name}?` : `Suspend ${tenant.name}?`}</AlertDialogTitle>
                  <AlertDialogDescription>
                    {suspended
                      ? "Its keys and Slack workspaces start answering again."
                      : "Its keys are refused and its Slack workspaces stop answering until you resume it."}
                  </AlertDialogDescription>
                </AlertDialogHeader>
                <AlertDialogFooter>
                  <AlertDialogCancel>Cancel</AlertDialogCancel>
                  <AlertDialogAction
                    className={suspended ? "bg-primary text-primary-foreground hover:bg-primary/90" : undefined}
                    onClick={() => setStatus.mutate(suspended ? "resume" : "suspend", { onSuccess: () => router.refresh() })}
                  >
                    {suspended ? "Resume" : "Suspend"}
                  </AlertDialogAction>
                </AlertDialogFooter>
              </AlertDialogContent>
            </AlertDialog>
            <DeleteTenantDialog
              tenant={tenant}
              onDelete={(id) => deleteTenant.mutateAsync(id)}
              onDeleted={() => router.push("/tenants")}
            />
            {setStatus.isError ? <p role="alert" className="text-sm text-destructive">{errorMessage(setStatus.error)}</p> : null}
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}

function Figure({ label, href, children }: { label: string; href: string; children: ReactNode }) {
  return (
    <Link
      href={href}
      className="grid content-start gap-1 rounded-lg border bg-card p-4 transition-colors hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      <span className="text-xs uppercase tracking-wide text-muted-foreground">{label}</span>
      <span className="text-lg font-semibold">{children}</span>
    </Link>
  );
}

/** The numbers an operator looks for first, each linking where it is managed. */
function TenantFigures({ tenantId, base }: { tenantId: string; base: string }) {
  const stats = useTenantStats(tenantId);
  if (stats.isPending) return <LoadingState label="Loading figures…" rows={1} />;
  if (stats.isError) return <ErrorState error={stats.error} onRetry={() => stats.refetch()} />;
  const figures = stats.data;
  return (
    <section aria-label="Figures" className="mb-6 grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
      <Figure label="Agents" href={`${base}/agents`}>
        {figures.agents}
        <span className="text-sm font-normal text-muted-foreground"> · {figures.active_agents} active · {figures.keys} keys</span>
      </Figure>
      <Figure label="Slack" href={`${base}/slack`}>
        <SlackStatus stats={figures} />
      </Figure>
      <Figure label="Spend this month" href={`${base}/usage`}>
        <SpendAgainstBudget stats={figures} label="This tenant" />
      </Figure>
      <Figure label="Last activity" href={`${base}/usage`}>
        {/* "3 minutes ago" may have moved on between the server's HTML and the browser's first render. */}
        <span title={formatDateTime(figures.last_activity_at)} suppressHydrationWarning>
          {formatRelative(figures.last_activity_at)}
        </span>
        <span className="block text-sm font-normal text-muted-foreground">{figures.calls_this_month} calls this month</span>
      </Figure>
    </section>
  );
}
