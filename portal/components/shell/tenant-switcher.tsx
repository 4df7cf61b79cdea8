// Platform admins pick the tenant whose pages they are looking at; the current section is kept.
"use client";

import { usePathname, useRouter } from "next/navigation";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useTenants } from "@/features/tenants/api";
import { SWITCHER_TENANTS } from "@/features/tenants/queries";
import { leaveOrAsk } from "@/lib/leave-guard";

export function TenantSwitcher({ currentTenantId }: { currentTenantId: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const { data, isLoading, isError } = useTenants(SWITCHER_TENANTS);
  const tenants = data?.items ?? [];

  function switchTo(tenantId: string) {
    const section = pathname.match(/^\/tenants\/[^/]+\/(agents|keys|slack|usage|audit)/)?.[1];
    leaveOrAsk(() => router.push(`/tenants/${encodeURIComponent(tenantId)}${section ? `/${section}` : ""}`));
  }

  return (
    <div className="grid gap-1">
      <Label htmlFor="tenant-switcher" className="px-1 text-xs text-muted-foreground">
        Tenant
      </Label>
      <Select value={currentTenantId ?? ""} onValueChange={switchTo} disabled={isLoading || isError}>
        <SelectTrigger id="tenant-switcher" aria-label="Switch tenant">
          <SelectValue placeholder={isError ? "Tenants unavailable" : isLoading ? "Loading…" : "Choose a tenant"} />
        </SelectTrigger>
        <SelectContent>
          {tenants.map((tenant) => (
            <SelectItem key={tenant.id} value={tenant.id}>
              {tenant.name}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
