// Limits card with its loading and error states.
"use client";

import { ErrorState, LoadingState } from "@/components/states";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useLimits, usePutLimits } from "./api";
import { LimitsForm } from "./limits-form";

export function LimitsCard({ tenantId }: { tenantId: string }) {
  const limits = useLimits(tenantId);
  const putLimits = usePutLimits(tenantId);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Limits</CardTitle>
        <CardDescription>Rate limits, the monthly budget and how many Slack messages the agents take on.</CardDescription>
      </CardHeader>
      <CardContent>
        {limits.isPending ? (
          <LoadingState label="Loading limits…" />
        ) : limits.isError ? (
          <ErrorState error={limits.error} onRetry={() => limits.refetch()} />
        ) : (
          <LimitsForm limits={limits.data} onSubmit={(body) => putLimits.mutateAsync(body)} />
        )}
      </CardContent>
    </Card>
  );
}
