// Session lifetime rules: idle timeout via the cookie's maxAge, absolute timeout from the login time.
export const IDLE_TIMEOUT_SECONDS = 30 * 60;
export const SESSION_REFRESH_SECONDS = 5 * 60;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

export function sessionExpired(
  claims: { loginAt: number; accessTokenExpiresAt: number },
  now: number = Date.now(),
): boolean {
  return now - claims.loginAt >= ABSOLUTE_TIMEOUT_MS || now >= claims.accessTokenExpiresAt;
}

/** The proxy token's expiry in ms; an unreadable value falls back to the absolute timeout. */
export function tokenExpiry(expiresAt: string, now: number = Date.now()): number {
  const parsed = Date.parse(expiresAt);
  return Number.isNaN(parsed) ? now + ABSOLUTE_TIMEOUT_MS : parsed;
}
