// The security headers every portal response carries, and the page CSP built around a per-request nonce.
// Next.js reads the nonce from the request's Content-Security-Policy header and puts it on its own scripts.

/** Headers for every response, pages, route handlers and static files alike (next.config.ts and proxy.ts). */
export const SECURITY_HEADERS: Record<string, string> = {
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** For responses that are never a page (JSON, static files): nothing may run or frame them. */
export const STATIC_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The page policy. Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic').
 * Styles: inline style attributes are set by React, Radix and recharts, so 'unsafe-inline' stays for styles only.
 * `dev` adds 'unsafe-eval', which React's development build needs for its call stacks.
 */
export function pageCsp(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
