import { describe, expect, it } from "vitest";
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_SECONDS, sessionExpired, tokenExpiry } from "@/lib/auth/rules";

describe("session rules", () => {
  const loginAt = Date.UTC(2026, 0, 1, 8, 0, 0);
  const far = loginAt + 48 * 3600_000;

  it("idles out after 30 minutes", () => {
    expect(IDLE_TIMEOUT_SECONDS).toBe(1800);
  });

  it("keeps a session younger than 12 hours", () => {
    expect(sessionExpired({ loginAt, accessTokenExpiresAt: far }, loginAt + ABSOLUTE_TIMEOUT_MS - 1)).toBe(false);
  });

  it("ends a session 12 hours after login, however active", () => {
    expect(sessionExpired({ loginAt, accessTokenExpiresAt: far }, loginAt + ABSOLUTE_TIMEOUT_MS)).toBe(true);
  });

  it("ends a session when the proxy token expires", () => {
    expect(sessionExpired({ loginAt, accessTokenExpiresAt: loginAt + 60_000 }, loginAt + 60_000)).toBe(true);
  });

  it("reads the proxy's expires_at, falling back to the absolute timeout", () => {
    expect(tokenExpiry("2026-01-01T20:00:00Z")).toBe(Date.UTC(2026, 0, 1, 20));
    expect(tokenExpiry("not a date", loginAt)).toBe(loginAt + ABSOLUTE_TIMEOUT_MS);
  });
});
