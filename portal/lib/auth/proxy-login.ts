// Verifies operator credentials against the proxy's POST /admin/auth/login.
import { CredentialsSignin } from "next-auth";
import { proxyUrl } from "@/lib/config";
import type { LoginResponse } from "@/lib/api/types";

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

export class LoginThrottled extends CredentialsSignin {
  code = "rate_limited";
}

export class ProxyUnavailable extends CredentialsSignin {
  code = "proxy_unavailable";
}

export async function proxyLogin(email: string, password: string): Promise<LoginResponse> {
  let res: Response;
  try {
    res = await fetch(`${proxyUrl}/admin/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
      cache: "no-store",
    });
  } catch {
    throw new ProxyUnavailable();
  }
  if (res.status === 429) throw new LoginThrottled();
  if (res.status === 401 || res.status === 403 || res.status === 422) throw new InvalidCredentials();
  if (!res.ok) throw new ProxyUnavailable();
  return (await res.json()) as LoginResponse;
}
