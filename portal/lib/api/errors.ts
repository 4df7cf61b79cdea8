// The proxy's error envelope as a JS error, so forms can show `message` and map `fields`.
export type FieldError = { field: string; message: string };

/** Every proxy error (docs/api.md); 422s add `fields` with dotted paths like `escalation_rules.0.target`. */
export type ApiErrorBody = { error: { message: string; type: string; code: string; fields?: FieldError[] } };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: string;
  readonly fields: FieldError[];

  constructor(status: number, body: Partial<ApiErrorBody["error"]> | undefined) {
    super(body?.message || defaultMessage(status));
    this.name = "ApiError";
    this.status = status;
    this.code = body?.code ?? "unknown";
    this.type = body?.type ?? "error";
    this.fields = body?.fields ?? [];
  }
}

function defaultMessage(status: number): string {
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "You are not allowed to do that.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests, try again in a minute.";
  if (status >= 500) return "The server had a problem. Try again shortly.";
  return `Request failed (${status}).`;
}

/** Reads an error response into an ApiError, whatever shape the body has. */
export async function apiErrorFrom(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const envelope = (body as Partial<ApiErrorBody> | undefined)?.error;
  return new ApiError(res.status, typeof envelope === "object" && envelope ? envelope : undefined);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/**
 * An ApiError as plain data, so a server component can hand it to the browser (React passes no Error objects);
 * it still has an Error's shape (`name`, `message`), as a query's error must.
 */
export type ApiErrorJson = ApiErrorBody["error"] & { name: "ApiError"; status: number };

/** Only what the operator would see anyway: a proxy error as it is, anything else as the plain 500 words. */
export function apiErrorToJson(error: unknown): ApiErrorJson {
  if (error instanceof ApiError) {
    return { name: "ApiError", status: error.status, message: error.message, type: error.type, code: error.code, fields: error.fields };
  }
  return { name: "ApiError", status: 500, message: defaultMessage(500), type: "server_error", code: "server_error" };
}

export function apiErrorFromJson(json: ApiErrorJson): ApiError {
  return new ApiError(json.status, json);
}
