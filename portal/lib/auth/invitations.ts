// Server-side calls for invitation and reset links: no operator is signed in yet, the token is the proof.
// The token goes to the proxy in a request body only, never in a URL.
import { ApiError, apiErrorFrom } from "@/lib/api/errors";
import { proxyUrl } from "@/lib/config";
import type { InvitationPreview, LoginResponse } from "@/lib/api/types";

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${proxyUrl}/admin/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    cache: "no-store",
  });
  if (!res.ok) throw await apiErrorFrom(res);
  return (await res.json()) as T;
}

export function previewInvitation(token: string): Promise<InvitationPreview> {
  return post<InvitationPreview>("invitations/preview", { token });
}

export function acceptInvitation(token: string, password: string): Promise<LoginResponse> {
  return post<LoginResponse>("invitations/accept", { token, password });
}

/** What the page says when the proxy refused: its own words for a used or expired link. */
export function invitationError(error: unknown): string {
  if (error instanceof ApiError) return error.status >= 500 ? "The portal cannot reach Konstruct right now. Try again shortly." : error.message;
  return "The portal cannot reach Konstruct right now. Try again shortly.";
}
