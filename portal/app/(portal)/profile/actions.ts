// Server action of the profile page: change one's own password. The proxy checks the current one and ends
// every session of this operator; this device then signs in again with the new password.
"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/auth";
import { changePasswordSchema } from "@/features/operators/schema";
import { apiErrorFrom } from "@/lib/api/errors";
import { adminFetch, requireOperator } from "@/lib/auth/server";

export type ChangePasswordResult = { ok: true } | { error: string; field?: "current_password" | "new_password" };

export async function changePassword(values: unknown): Promise<ChangePasswordResult> {
  const operator = await requireOperator();
  const parsed = changePasswordSchema.safeParse(values);
  if (!parsed.success) return { error: "Check the password fields." };
  const { current_password, new_password } = parsed.data;
  let res: Response;
  try {
    res = await adminFetch("me/password", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ current_password, new_password }),
    });
  } catch {
    return { error: "The portal cannot reach Konstruct right now. Try again shortly." };
  }
  if (!res.ok) {
    const error = await apiErrorFrom(res);
    if (res.status === 403) return { error: error.message, field: "current_password" };
    if (res.status === 422) return { error: error.message, field: "new_password" };
    return { error: error.message };
  }
  try {
    await signIn("credentials", { email: operator.email, password: new_password, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) return { error: "Your password is changed; sign in again with it." };
    throw error;
  }
  return { ok: true };
}
