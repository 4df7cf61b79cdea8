// Client providers: TanStack Query, with one place that ends the session when the proxy says 401.
"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { isUnauthorized } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";

function endSession() {
  // The operator token died server-side (logout elsewhere, expiry): drop the cookie too, then sign in again.
  // A full page load on purpose, so no page of the dead session stays in the router cache.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  void fetch("/logout", { method: "POST" }).finally(() => window.location.assign("/login?reason=expired"));
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error) => isUnauthorized(error) && endSession() }),
    mutationCache: new MutationCache({ onError: (error) => isUnauthorized(error) && endSession() }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
