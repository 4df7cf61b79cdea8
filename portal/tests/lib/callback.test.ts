import { describe, expect, it } from "vitest";
import { loginPath, safeCallbackPath } from "@/lib/auth/callback";

describe("the page to return to after login", () => {
  it("keeps a path on this portal, with its query and fragment", () => {
    expect(safeCallbackPath("/tenants/t-1/keys")).toBe("/tenants/t-1/keys");
    expect(safeCallbackPath("/tenants?q=acme#top")).toBe("/tenants?q=acme#top");
  });

  it.each([
    ["another site", "https://evil.example/phish"],
    ["a protocol-relative URL", "//evil.example/phish"],
    ["a backslash browsers read as a slash", "/\\evil.example"],
    ["a tab that URL parsing drops", "/\t/evil.example"],
    ["a script URL", "javascript:alert(1)"],
    ["a relative path", "tenants"],
    ["nothing", undefined],
    ["not a string", ["/tenants"]],
    ["the login page itself", "/login?callbackUrl=/tenants"],
  ])("sends %s to the start page", (_, value) => {
    expect(safeCallbackPath(value)).toBe("/");
  });

  it("builds the login URL that comes back here", () => {
    expect(loginPath("/tenants/t-1/keys")).toBe("/login?callbackUrl=%2Ftenants%2Ft-1%2Fkeys");
    expect(loginPath("/", "expired")).toBe("/login?reason=expired");
    expect(loginPath("//evil.example")).toBe("/login");
  });
});
