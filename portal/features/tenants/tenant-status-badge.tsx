// Tenant status as a coloured badge.
import { Badge } from "@/components/ui/badge";
import type { Tenant } from "@/lib/api/types";

export function TenantStatusBadge({ status }: { status: Tenant["status"] }) {
  return <Badge variant={status === "active" ? "success" : "warning"}>{status === "active" ? "Active" : "Suspended"}</Badge>;
}
