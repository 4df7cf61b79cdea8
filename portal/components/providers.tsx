// Client providers: TanStack Query, with one place that ends the session when the proxy says 401 and one
// place that confirms every change with a toast (each mutation names its message in `meta.success`).
"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { Toaster } from "@/components/ui/toaster";
import { isUnauthorized } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";
import { toast } from "@/lib/toast";

// Zod compiles validators with `Function(...)` when it may; the CSP forbids eval, and Zod's probe for it
// would be reported as a violation on every page. Its interpreter is fast enough for these forms.
z.config({ jitless: true });

declare module "@tanstack/react-query" {
  interface Register {
    /** `success`: the toast shown when the change went through ("Agent saved"). */
    mutationMeta: { success?: string };
  }
}

function endSession() {
  // The operator token died server-side (logout elsewhere, expiry): drop the cookie too, then sign in again.
  // A full page load on purpose, so no page of the dead session stays in the router cache.
  const back = new URLSearchParams({ reason: "expired", callbackUrl: `${window.location.pathname}${window.location.search}` });
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  void fetch("/logout", { method: "POST" }).finally(() => window.location.assign(`/login?${back}`));
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error) => isUnauthorized(error) && endSession() }),
    mutationCache: new MutationCache({
      onError: (error) => isUnauthorized(error) && endSession(),
      onSuccess: (_data, _variables, _context, mutation) => {
        if (mutation.meta?.success) toast(mutation.meta.success);
      },
    }),
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
  return (
    <QueryClientProvider client={client}>
      {children}
      <Toaster />
    </QueryClientProvider>
  );
}
