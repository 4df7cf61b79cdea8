// Next.js configuration for the Konstruct operator portal.
import type { NextConfig } from "next";
import { SECURITY_HEADERS, STATIC_CSP } from "./lib/security-headers";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The type check is `npm run lint` (tsc --noEmit), which `make test` runs before it builds:
  // the build does not repeat it (13 s of a fresh `make up`, which only builds what main holds).
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // Turbopack's build cache is experimental for production builds, and a fresh `make up`
    // spent 10 s writing one it never reads: a build is made again only when sources change.
    turbopackFileSystemCacheForBuild: false,
  },
  // Pages and route handlers get these from proxy.ts (with the page CSP and its nonce); the build's static
  // files never pass through it, so they get them here.
  async headers() {
    const headers = Object.entries({ ...SECURITY_HEADERS, "Content-Security-Policy": STATIC_CSP }).map(([key, value]) => ({ key, value }));
    return [{ source: "/_next/static/:path*", headers }];
  },
};

export default nextConfig;
