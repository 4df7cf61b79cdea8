// Server action behind the login form: Auth.js credentials sign-in against the proxy, then back to the
// page that was asked for (checked again here: a bound argument still comes from the browser).
"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/auth";
import { safeCallbackPath } from "@/lib/auth/callback";
import { LOGIN_ERRORS, loginSchema, type LoginErrorCode, type LoginResult } from "@/features/auth/schema";

export async function login(callbackUrl: unknown, values: unknown): Promise<LoginResult> {
  const parsed = loginSchema.safeParse(values);
  if (!parsed.success) return { error: LOGIN_ERRORS.invalid_credentials };
  try {
    await signIn("credentials", { ...parsed.data, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      const code = (error.code in LOGIN_ERRORS ? error.code : "invalid_credentials") as LoginErrorCode;
      return { error: LOGIN_ERRORS[code] };
    }
    if (error instanceof AuthError) return { error: LOGIN_ERRORS.proxy_unavailable };
    throw error;
  }
  redirect(safeCallbackPath(callbackUrl));
}
