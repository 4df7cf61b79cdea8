// The not-found message, shown for unknown pages and for tenants this operator may not see.
import Link from "next/link";
import { Button } from "@/components/ui/button";

export function NotFoundMessage() {
  return (
    <div className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="text-sm font-semibold text-primary">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        This page does not exist, or it belongs to a tenant you do not have access to.
      </p>
      <Button asChild variant="outline">
        <Link href="/">Back to your start page</Link>
      </Button>
    </div>
  );
}
