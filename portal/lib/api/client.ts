// Admin API calls: `api` from the browser, always through the portal's own /api/admin route handler;
// `serverApi` (lib/auth/server.ts) is the same call from a server component, straight to the proxy.
import { ApiError, apiErrorFrom } from "./errors";

type Query = Record<string, string | number | undefined>;

export type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
};

/** One admin API call, `path` starting after `/admin/`; queries take it so the browser and the server share them. */
export type AdminCall = <T>(path: string, options?: RequestOptions) => Promise<T>;

/** `path` with the query's set values as its search string. */
export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export function adminUrl(path: string, query?: Query): string {
  return withQuery(`/api/admin/${path.replace(/^\/+/, "")}`, query);
}

/** The request's fetch options, the same from the browser and from the server. */
export function requestInit({ method = "GET", body, signal }: RequestOptions): RequestInit {
  return {
    method,
    signal,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** The answer's JSON, nothing for 204, an ApiError for an error. */
export async function answerOf<T>(res: Response): Promise<T> {
  if (!res.ok) throw await apiErrorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await fetch(adminUrl(path, options.query), { ...requestInit(options), cache: "no-store" });
  return answerOf<T>(res);
}

/** Encodes one path segment (ids come from URLs and the API, never trusted raw). */
export const seg = (value: string) => encodeURIComponent(value);

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
