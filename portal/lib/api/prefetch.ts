// A page's first data, fetched in its server component as the signed-in operator, so the page's HTML already
// shows it (TanStack Query's prefetch + dehydrate, with the client hooks' own keys and fetchers).
import { QueryClient, type DehydratedState, type FetchQueryOptions } from "@tanstack/react-query";
import { isUnauthorized } from "@/lib/api/client";
import { dehydrateSettled } from "@/lib/api/dehydrate";
import { signInAgain } from "@/lib/auth/server";

/** A query as each feature's queries.ts defines it, called with `serverApi`. */
export type ServerQuery = Pick<FetchQueryOptions, "queryKey" | "queryFn">;

/**
 * Fetches the queries on a client made for this request only and dehydrates what they answered, errors
 * included (the page shows the same error state as in the browser). A 401 means the session is over: sign in.
 */
export async function prefetch(...queries: ServerQuery[]): Promise<DehydratedState> {
  const client = new QueryClient();
  await Promise.all(queries.map((query) => client.prefetchQuery(query)));
  const failed = client.getQueryCache().findAll({ predicate: (query) => query.state.status === "error" });
  if (failed.some((query) => isUnauthorized(query.state.error))) await signInAgain();
  return dehydrateSettled(client);
}
