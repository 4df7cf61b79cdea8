// End-to-end tests: the built portal (`next start`) against a real proxy, in Debian's Chromium.
// The environment is checked here, before any test is collected: without it the run fails, it never skips.
import { defineConfig, devices } from "@playwright/test";
import { e2eEnvironment } from "./environment";

const PORT = 3000;
const env = e2eEnvironment();

export default defineConfig({
  testDir: ".",
  outputDir: "../test-results/playwright",
  // One worker: the machine has two cores and the portal under test is one `next start`.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A stray test.only would quietly drop every other test.
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    command: `npx next start -p ${PORT} -H 127.0.0.1`,
    cwd: "..",
    url: `http://127.0.0.1:${PORT}/healthz`,
    // Never reuse a portal already on :3000 — it may talk to another proxy than this run's.
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      KONSTRUCT_PROXY_URL: env.proxyUrl,
      AUTH_SECRET: env.authSecret,
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
