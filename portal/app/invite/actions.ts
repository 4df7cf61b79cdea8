// Server actions of the invitation page: what the link is for, and using it (then signed in at once).
"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/auth";
import { choosePasswordSchema } from "@/features/operators/schema";
import { acceptInvitation, invitationError, previewInvitation } from "@/lib/auth/invitations";
import type { InvitationPreview } from "@/lib/api/types";

export type PreviewResult = { preview: InvitationPreview } | { error: string };
export type AcceptResult = { error: string } | undefined;

export async function preview(token: unknown): Promise<PreviewResult> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return { error: "This link is incomplete. Copy the whole link from the message you got." };
  try {
    return { preview: await previewInvitation(token) };
  } catch (error) {
    return { error: invitationError(error) };
  }
}

export async function accept(token: unknown, values: unknown): Promise<AcceptResult> {
  const parsed = choosePasswordSchema.safeParse(values);
  if (typeof token !== "string" || !parsed.success) return { error: "Check the password fields." };
  let email: string;
  try {
    email = (await acceptInvitation(token, parsed.data.password)).operator.email;
  } catch (error) {
    return { error: invitationError(error) };
  }
  try {
    await signIn("credentials", { email, password: parsed.data.password, redirect: false });
  } catch (error) {
    // The password is set; only the automatic sign-in failed (throttled, say): the login page works.
    if (error instanceof AuthError) redirect("/login");
    throw error;
  }
  redirect("/");
}
