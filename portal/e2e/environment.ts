// What the end-to-end suite needs from its runner (scripts/portal.py sets it all). Missing set-up is an
// error that stops the run, never a quiet skip that would report green with no test run.

export const E2E_VARIABLES = {
  proxyUrl: "KONSTRUCT_PROXY_URL",
  masterKey: "KONSTRUCT_MASTER_KEY",
  adminEmail: "E2E_ADMIN_EMAIL",
  adminPassword: "E2E_ADMIN_PASSWORD",
  fakeOpenAiUrl: "E2E_FAKE_OPENAI_URL",
  fakeSlackUrl: "E2E_FAKE_SLACK_URL",
  authSecret: "AUTH_SECRET",
} as const;

export type E2eEnvironment = { [K in keyof typeof E2E_VARIABLES]: string };

export function e2eEnvironment(env: Record<string, string | undefined> = process.env): E2eEnvironment {
  const missing = Object.values(E2E_VARIABLES).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `The portal's end-to-end tests need a running proxy, a fake model provider and a seeded admin; missing: ${missing.join(", ")}. ` +
        "Run them with `python -m scripts.portal e2e` (or `make test-portal`), which sets these up.",
    );
  }
  return Object.fromEntries(Object.entries(E2E_VARIABLES).map(([key, name]) => [key, env[name] as string])) as E2eEnvironment;
}
