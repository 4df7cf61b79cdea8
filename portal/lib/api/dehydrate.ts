// What a server component hands the browser's query cache: its answers, and its errors as plain words.
import { dehydrate, type DehydratedState, type QueryClient } from "@tanstack/react-query";
import { apiErrorToJson } from "@/lib/api/errors";

/**
 * The client's settled queries as plain data. A failed query goes along with its error as `ApiErrorJson` (React
 * passes no Error objects to the browser, and nothing but the words an operator may see leaves the server);
 * components/prefetched.tsx turns it back into an ApiError.
 */
export function dehydrateSettled(client: QueryClient): DehydratedState {
  const state = dehydrate(client, { shouldDehydrateQuery: (query) => query.state.status !== "pending" });
  return {
    ...state,
    queries: state.queries.map((query) =>
      query.state.status === "error" ? { ...query, state: { ...query.state, error: apiErrorToJson(query.state.error) } } : query,
    ),
  };
}
