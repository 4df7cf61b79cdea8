// Shared steps of the end-to-end specs: signing in and out, the proxy admin API as the platform, seeding a
// tenant with something on every page, and the checks every page must pass (layout, axe, CSP, headers).
import { readdirSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { expect, type BrowserContext, type Page, type Response } from "@playwright/test";
import { e2eEnvironment } from "./environment";

export const env = e2eEnvironment();
export const run = Date.now().toString(36);

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS = path.join(HERE, "..", "test-results", "screenshots");

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** The proxy admin API as the platform (master key): seeding and cleaning up behind the UI's back. */
export async function asPlatform<T = unknown>(method: string, adminPath: string, body?: unknown): Promise<T> {
  const res = await fetch(`${env.proxyUrl}/admin/${adminPath}`, {
    method,
    headers: { Authorization: `Bearer ${env.masterKey}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} /admin/${adminPath} answered ${res.status}: ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The fake Slack issues `token` for a workspace, so Konstruct's check of a pasted bot token (auth.test) passes. */
export async function slackIssues(token: string, teamId: string, botUserId: string) {
  const script = `${env.fakeSlackUrl}/_fake/script`;
  const current = (await (await fetch(script)).json()) as { tokens?: Record<string, unknown> };
  const res = await fetch(script, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tokens: { ...(current.tokens ?? {}), [token]: { team_id: teamId, bot_user_id: botUserId } } }),
  });
  expect(res.ok, "the fake Slack takes the token").toBe(true);
}

export async function login(page: Page, email = env.adminEmail, password = env.adminPassword) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export type SeededTenant = { tenantId: string; name: string; slug: string; agentId: string; keySecret: string };

/** A tenant with an agent, a key that has made one gateway call, a Slack workspace and limits: every page has content. */
export async function seedTenant(label: string): Promise<SeededTenant> {
  const name = `${label} ${run}`;
  const slug = `${label.toLowerCase()}-${run}`;
  const tenant = await asPlatform<{ id: string }>("POST", "tenants", { name, slug });
  const base = `tenants/${encodeURIComponent(tenant.id)}`;
  const agent = await asPlatform<{ id: string }>("POST", `${base}/agents`, {
    name: `Maya ${run}`,
    role: "Customer support specialist",
    persona: "Warm, concise and precise.",
    system_prompt: "Orders ship within two business days.",
    is_default: true,
  });
  // A registered tool, so the Tools page and the Designer's picker have something to show. A public address
  // that is never called here (registering checks the address, it does not connect).
  const tool = await asPlatform<{ id: string }>("POST", `${base}/http-tools`, {
    name: "order_lookup",
    description: "Looks an order up by its number.",
    url: "https://93.184.215.14/orders/{order_id}",
    parameters: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
    headers: { Authorization: "Bearer shop-secret" },
  });
  await asPlatform("PUT", `${base}/agents/${encodeURIComponent(agent.id)}/tools`, { tools: [{ http_tool_id: tool.id, policy: "ask" }] });
  const key = await asPlatform<{ secret: string }>("POST", `${base}/keys`, { name: `shop-${run}` });
  const workspace = `T${label}${run}`.toUpperCase();
  const botToken = `xoxb-e2e-${label.toLowerCase()}-${run}`;
  await slackIssues(botToken, workspace, "U0BOT1234");
  await asPlatform("POST", `${base}/slack-connections`, {
    workspace_id: workspace,
    workspace_name: `${label} HQ`,
    bot_token: botToken,
    bot_user_id: "U0BOT1234",
    default_agent_id: agent.id,
  });
  const call = await fetch(`${env.proxyUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key.secret}`, "Content-Type": "application/json", "X-Konstruct-Agent": agent.id },
    body: JSON.stringify({ model: "konstruct-fast", messages: [{ role: "user", content: `hello ${run}` }] }),
  });
  expect(call.status, await call.clone().text()).toBe(200);
  return { tenantId: tenant.id, name, slug, agentId: agent.id, keySecret: key.secret };
}

export async function deleteTenant(tenantId: string) {
  await asPlatform("DELETE", `tenants/${encodeURIComponent(tenantId)}`);
}

/** Every page route of the app directory, as a pattern ("/tenants/[tenantId]/keys"); route groups dropped. */
export function appRoutes(dir = path.join(HERE, "..", "app"), prefix = ""): string[] {
  const routes: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry === "api" || entry.startsWith("_")) continue;
      const segment = entry.startsWith("(") && entry.endsWith(")") ? "" : `/${entry}`;
      routes.push(...appRoutes(full, `${prefix}${segment}`));
    } else if (/^page\.(tsx|ts|jsx|js)$/.test(entry)) {
      routes.push(prefix || "/");
    }
  }
  return routes.sort();
}

/** Waits until a page has its heading and no loading placeholder left. */
export async function settled(page: Page) {
  await expect(page.locator("h1").first()).toBeVisible();
  await expect(page.getByText(/^Loading/)).toHaveCount(0);
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
}

/** Full-page screenshot of a settled page, asserting it is not blank. */
export async function snap(page: Page, name: string) {
  await settled(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  const text = await page.locator("body").innerText();
  expect(text.trim().length, `${name} shows text`).toBeGreaterThan(40);
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size, `${name}.png is not blank`).toBeGreaterThan(8_000);
}

/** Nothing wider than the window: the page never scrolls sideways. Names the widest elements when it does. */
export async function expectNoHorizontalScroll(page: Page, name: string) {
  const overflow = await page.evaluate(() => {
    const width = window.innerWidth;
    const scrollWidth = document.scrollingElement?.scrollWidth ?? 0;
    const culprits = [...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${String(element.className).slice(0, 80)}`);
    return { width, scrollWidth, culprits };
  });
  expect(overflow.scrollWidth, `${name} scrolls sideways at ${overflow.width}px: ${overflow.culprits.join(" | ")}`).toBeLessThanOrEqual(overflow.width);
}

/** axe on the page as it stands: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(blocking, `${name}: axe found serious or critical violations`).toEqual([]);
}

/**
 * Records, for a browser context, every CSP violation the pages report and every portal response missing a
 * security header. `check()` asserts both lists are empty and resets them.
 */
export async function watchSecurity(context: BrowserContext) {
  const violations: string[] = [];
  const missingHeaders: string[] = [];
  await context.exposeBinding("__reportCspViolation", (_source, text: string) => void violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
      const source = event.sourceFile ? ` (from ${event.sourceFile}:${event.lineNumber})` : "";
      void report(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}${source}`);
    });
  });
  context.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  context.on("response", (response: Response) => {
    const url = new URL(response.url());
    if (url.origin !== "http://127.0.0.1:3000") return;
    const problems = securityHeaderProblems(response.headers(), response.request().resourceType() === "document");
    if (problems.length > 0) missingHeaders.push(`${url.pathname} (${response.status()}): ${problems.join(", ")}`);
  });
  return {
    check(name: string) {
      expect(violations, `${name}: CSP violations`).toEqual([]);
      expect(missingHeaders, `${name}: responses without security headers`).toEqual([]);
      violations.length = 0;
      missingHeaders.length = 0;
    },
  };
}

export function securityHeaderProblems(headers: Record<string, string>, document: boolean): string[] {
  const problems: string[] = [];
  const csp = headers["content-security-policy"] ?? "";
  if (!/frame-ancestors 'none'/.test(csp)) problems.push("CSP frame-ancestors 'none'");
  if (document && !/script-src [^;]*'nonce-/.test(csp)) problems.push("CSP script nonce");
  if (headers["x-content-type-options"] !== "nosniff") problems.push("X-Content-Type-Options");
  if (!headers["referrer-policy"]) problems.push("Referrer-Policy");
  if (!headers["permissions-policy"]) problems.push("Permissions-Policy");
  return problems;
}
