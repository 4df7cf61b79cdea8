// End-to-end tests: the built portal (`next start`) against a real proxy, in Debian's Chromium.
import { defineConfig, devices } from "@playwright/test";

const PORT = 3000;

export default defineConfig({
  testDir: ".",
  outputDir: "../test-results/playwright",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    command: `npx next start -p ${PORT} -H 127.0.0.1`,
    cwd: "..",
    url: `http://127.0.0.1:${PORT}/login`,
    // Never reuse a portal already on :3000 — it may talk to another proxy than this run's.
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      KONSTRUCT_PROXY_URL: process.env.KONSTRUCT_PROXY_URL ?? "http://127.0.0.1:4000",
      AUTH_SECRET: process.env.AUTH_SECRET ?? "e2e-only-auth-secret-not-for-production-use",
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
