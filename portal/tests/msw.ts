// The network edge of the unit tests: Mock Service Worker answers the portal's /api/admin/* routes as the proxy
// would, with bodies typed by the proxy's OpenAPI document (lib/api/schema.d.ts, so a drifting shape fails tsc),
// and records every request it answered. A request no test expected fails that test (vitest.setup.ts).
import { http, HttpResponse, type HttpHandler, type JsonBodyType } from "msw";
import { setupServer } from "msw/node";
import type { ApiErrorBody } from "@/lib/api/errors";
import type { paths } from "@/lib/api/schema";

type Method = "get" | "post" | "put" | "patch" | "delete";
type AdminPath = Extract<keyof paths, `/admin/${string}`>;
type MethodOf<P extends AdminPath> = { [M in Method]: paths[P][M] extends undefined ? never : M }[Method];
type Operation<P extends AdminPath, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** What the proxy answers on success: the 200 (or 201) JSON body of the operation. */
export type Answer<P extends AdminPath, M extends MethodOf<P>> =
  Operation<P, M> extends { responses: infer R } ? (R extends { 200: infer S } ? Json<S> : R extends { 201: infer S } ? Json<S> : never) : never;
type RequestBody<P extends AdminPath, M extends MethodOf<P>> =
  Operation<P, M> extends { requestBody?: { content: { "application/json": infer B } } } ? B : undefined;

/** A request as a handler received it: what a test asserts on. */
export type Received = { method: string; path: string; query: Record<string, string>; body: unknown };

type Call<P extends AdminPath, M extends MethodOf<P>> = {
  params: Record<string, string | readonly string[] | undefined>;
  query: URLSearchParams;
  body: RequestBody<P, M>;
  request: Request;
};

export const server = setupServer();

/** Every request the handlers answered, in order; emptied after each test. */
export const received: Received[] = [];

/** Requests no handler answered; vitest.setup.ts fails the test that made one. */
export const unhandled: string[] = [];

/**
 * Answers `method path` (the proxy's own path, `/admin/...` with `{param}`s, as the browser reaches it through
 * `/api/admin/...`) with a body typed as the proxy's, or with a Response (errors, 204, streams).
 */
export function admin<P extends AdminPath, M extends MethodOf<P>>(
  method: M,
  path: P,
  answer: Answer<P, M> | ((call: Call<P, M>) => Answer<P, M> | Response | Promise<Answer<P, M> | Response>),
): HttpHandler {
  const route = path.replace(/^\/admin\//, "/api/admin/").replace(/\{(\w+)\}/g, ":$1");
  return http[method](route, async ({ request, params }) => {
    const url = new URL(request.url);
    const text = await request.clone().text();
    const body = (text ? JSON.parse(text) : undefined) as RequestBody<P, M>;
    received.push({ method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    const result = typeof answer === "function" ? await answer({ params, query: url.searchParams, body, request }) : answer;
    return result instanceof Response ? result : HttpResponse.json(result as JsonBodyType);
  });
}

/** The proxy's error envelope (docs/api.md) with its status. */
export function apiError(status: number, message: string, code = "error", type = "error"): Response {
  const body: ApiErrorBody = { error: { message, type, code } };
  return HttpResponse.json(body, { status });
}

/** What one path received, in order. */
export function requestsTo(path: string): Received[] {
  return received.filter((request) => request.path === path);
}
