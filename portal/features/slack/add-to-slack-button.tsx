// "Add to Slack": asks the proxy for a tenant-bound install link (valid 10 minutes) and goes there.
"use client";

import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api/errors";
import { useSlackInstallLink } from "./api";

export function AddToSlackButton({ tenantId }: { tenantId: string }) {
  const installLink = useSlackInstallLink(tenantId);
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button
        onClick={() => installLink.mutate(undefined, { onSuccess: ({ url }) => window.location.assign(url) })}
        disabled={installLink.isPending || installLink.isSuccess}
      >
        {installLink.isPending || installLink.isSuccess ? "Opening Slack…" : "Add to Slack"}
      </Button>
      {installLink.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {errorMessage(installLink.error)}
        </p>
      ) : null}
    </div>
  );
}
