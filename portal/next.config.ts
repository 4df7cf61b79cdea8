// Next.js configuration for the Konstruct operator portal.
import type { NextConfig } from "next";
import { SECURITY_HEADERS, STATIC_CSP } from "./lib/security-headers";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Pages and route handlers get these from proxy.ts (with the page CSP and its nonce); the build's static
  // files never pass through it, so they get them here.
  async headers() {
    const headers = Object.entries({ ...SECURITY_HEADERS, "Content-Security-Policy": STATIC_CSP }).map(([key, value]) => ({ key, value }));
    return [{ source: "/_next/static/:path*", headers }];
  },
};

export default nextConfig;
