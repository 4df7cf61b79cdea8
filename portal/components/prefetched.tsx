// The client side of lib/api/prefetch.ts: the server's answers go into this browser's query cache before the
// page's components ask for them, so they render with data (or the server's error) from the first paint.
"use client";

import { HydrationBoundary, useQueryClient, type DehydratedState } from "@tanstack/react-query";
import { useMemo, type ReactNode } from "react";
import { apiErrorFromJson, type ApiErrorJson } from "@/lib/api/errors";

export function Prefetched({ state, children }: { state: DehydratedState; children: ReactNode }) {
  const client = useQueryClient();
  const restored = useMemo(
    () => ({
      ...state,
      queries: state.queries.map((query) => {
        if (query.state.status !== "error") return query;
        // Shown as it came: mounting would otherwise retry at once and paint a loading state over the error
        // (also in the server's HTML). The error state's "Try again" retries.
        client.setQueryDefaults(query.queryKey, { retryOnMount: false });
        return { ...query, state: { ...query.state, error: apiErrorFromJson(query.state.error as ApiErrorJson) } };
      }),
    }),
    [client, state],
  );
  return <HydrationBoundary state={restored}>{children}</HydrationBoundary>;
}
