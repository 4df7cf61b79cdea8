// Browser-side admin API calls, always through the portal's own /api/admin route handler.
import { ApiError, apiErrorFrom } from "./errors";

type Query = Record<string, string | number | undefined>;

export type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
};

export function adminUrl(path: string, query?: Query): string {
  const url = `/api/admin/${path.replace(/^\/+/, "")}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", body, query, signal } = options;
  const res = await fetch(adminUrl(path, query), {
    method,
    signal,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (!res.ok) throw await apiErrorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Encodes one path segment (ids come from URLs and the API, never trusted raw). */
export const seg = (value: string) => encodeURIComponent(value);

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
