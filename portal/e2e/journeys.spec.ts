// The operator journey end to end: platform admin → tenant + its admin → tenant admin designs an agent,
// issues a key, and a gateway call with that key carries the agent's persona to the model provider.
import { expect, test, type Page } from "@playwright/test";
import { env, login, run, snap } from "./support";

/** The proxy admin API as the platform, answering the raw response (for clean-up). */
async function asPlatform(method: string, adminPath: string): Promise<Response> {
  return fetch(`${env.proxyUrl}/admin/${adminPath}`, { method, headers: { Authorization: `Bearer ${env.masterKey}` } });
}

async function logout(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

async function createTenant(page: Page, name: string, slug: string): Promise<string> {
  await page.goto("/tenants");
  await page.getByRole("button", { name: "New tenant" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Slug").fill(slug);
  await dialog.getByRole("button", { name: "Create tenant" }).click();
  await expect(page).toHaveURL(/\/tenants\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Tenant created");
  return decodeURIComponent(new URL(page.url()).pathname.split("/")[2] ?? "");
}

const created = { tenantIds: [] as string[], operatorEmail: "" };

test.afterAll(async () => {
  const operators = (await (await asPlatform("GET", "operators")).json()) as { items: { id: string; email: string }[] };
  const operator = operators.items.find((item) => item.email === created.operatorEmail);
  if (operator) await asPlatform("DELETE", `operators/${encodeURIComponent(operator.id)}`);
  for (const id of created.tenantIds) await asPlatform("DELETE", `tenants/${encodeURIComponent(id)}`);
});

test("operator journey: tenant, tenant admin, agent, key, gateway call, isolation, logout", async ({ page }) => {
  const tenantName = `Acme ${run}`;
  const otherTenantName = `Globex ${run}`;
  const tenantAdminEmail = `admin-${run}@e2e.konstruct.test`;
  const tenantAdminPassword = `pw-${run}-long-enough`;
  const persona = `Persona marker ${run}: speaks like a calm lighthouse keeper.`;
  let tenantId = "";
  let otherTenantId = "";
  let agentId = "";
  let secret = "";

  await test.step("login failure shows a clear error", async () => {
    await page.goto("/login");
    await snap(page, "login");
    await page.getByLabel("Email").fill(env.adminEmail);
    await page.getByLabel("Password").fill(`wrong-${run}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText(/wrong email or password|too many attempts/i)).toBeVisible();
  });

  await test.step("platform admin creates two tenants and a tenant admin", async () => {
    await login(page, env.adminEmail, env.adminPassword);
    await expect(page).toHaveURL(/\/tenants$/);
    tenantId = await createTenant(page, tenantName, `acme-${run}`);
    created.tenantIds.push(tenantId);
    await snap(page, "tenant-overview");
    otherTenantId = await createTenant(page, otherTenantName, `globex-${run}`);
    created.tenantIds.push(otherTenantId);
    await page.goto("/tenants");
    await expect(page.getByRole("link", { name: tenantName })).toBeVisible();
    await snap(page, "tenants");

    await page.goto(`/operators?tenant=${encodeURIComponent(tenantId)}`);
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email").fill(tenantAdminEmail);
    await dialog.getByLabel("Initial password").fill(tenantAdminPassword);
    await expect(dialog.getByLabel("Tenant")).toHaveText(tenantName);
    await dialog.getByRole("button", { name: "Invite operator" }).click();
    created.operatorEmail = tenantAdminEmail;
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("cell", { name: tenantAdminEmail })).toBeVisible();
    await snap(page, "operators");
    await logout(page);
  });

  await test.step("tenant admin lands on its tenant and sees no platform pages", async () => {
    await login(page, tenantAdminEmail, tenantAdminPassword);
    await expect(page).toHaveURL(new RegExp(`/tenants/${tenantId}$`));
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Tenants" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Operators" })).toHaveCount(0);
    await expect(page.getByLabel("Switch tenant")).toHaveCount(0);
  });

  await test.step("tenant admin designs an agent with a live preview", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Agents" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
    await snap(page, "agents");
    await page.getByRole("link", { name: "New agent" }).first().click();
    await expect(page.getByLabel("Name")).not.toHaveValue("");
    await page.getByLabel("Name").fill(`Maya ${run}`);
    await page.getByLabel("Role").fill("Customer support specialist");
    await page.getByLabel("Persona").fill(persona);
    await page.getByLabel("Instructions").fill("Orders ship within two business days.");
    await page.getByLabel("Tools").fill("order_lookup");
    await page.getByLabel("Tools").press("Enter");
    await page.getByRole("button", { name: "Add escalation rule" }).click();
    await page.getByLabel("Keywords (rule 1)").fill("refund");
    await page.getByLabel("Keywords (rule 1)").press("Enter");
    await page.getByLabel("Slack id (rule 1)").fill("U024BE7LH");
    await page.getByLabel("Default agent").click();
    await page.getByRole("button", { name: "Create agent" }).click();
    await expect(page).toHaveURL(/\/agents\/(?!new$)[^/]+$/);
    agentId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");

    const preview = page.getByLabel("Composed system prompt");
    await expect(preview).toContainText(persona);
    await page.getByLabel("Role").fill("Senior support specialist");
    await expect(preview).toContainText("Senior support specialist");
    await expect(preview).toContainText(/\bAI\b/);

    await page.getByLabel("Message").fill("Hello, who are you?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByTestId("try-reply")).not.toBeEmpty({ timeout: 60_000 });
    await expect(page.getByText(/Answered by/)).toBeVisible();
    await snap(page, "agent-designer");
    await page.getByRole("button", { name: "Save agent" }).click();
    await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Agent saved");
  });

  await test.step("tenant admin issues a key; the secret is shown once", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Keys" }).click();
    await page.getByRole("button", { name: "Issue key" }).click();
    await page.getByRole("dialog").getByLabel("Name").fill(`e2e-app-${run}`);
    await page.getByRole("dialog").getByRole("button", { name: "Issue key" }).click();
    const secretDialog = page.getByRole("dialog", { name: /issued/ });
    await expect(secretDialog).toBeVisible();
    secret = (await secretDialog.getByTestId("key-secret").innerText()).trim();
    expect(secret.length).toBeGreaterThan(16);
    await expect(secretDialog).toContainText("/v1/chat/completions");
    await secretDialog.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.getByRole("cell", { name: `e2e-app-${run}` })).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);
    await snap(page, "keys");
  });

  await test.step("a gateway call with the key speaks as the agent (persona reaches the provider)", async () => {
    const res = await fetch(`${env.proxyUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json", "X-Konstruct-Agent": agentId },
      body: JSON.stringify({ model: "konstruct-fast", messages: [{ role: "user", content: `ping ${run}` }] }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const recorded = (await (await fetch(`${env.fakeOpenAiUrl}/_fake/requests`)).json()) as { json?: unknown }[];
    const call = recorded.find((request) => JSON.stringify(request.json ?? {}).includes(`ping ${run}`));
    expect(call, "the provider received the gateway call").toBeTruthy();
    expect(JSON.stringify(call?.json)).toContain(persona);
  });

  await test.step("the remaining tenant pages render", async () => {
    const base = `/tenants/${encodeURIComponent(tenantId)}`;
    await page.goto(`${base}/slack`);
    await expect(page.getByRole("button", { name: "Add to Slack" })).toBeVisible();
    await snap(page, "slack");
    await page.goto(`${base}/usage`);
    await expect(page.getByText("Monthly budget")).toBeVisible();
    await snap(page, "usage");
    await page.goto(`${base}/audit`);
    await snap(page, "audit");
  });

  await test.step("a tenant admin cannot open another tenant's pages", async () => {
    for (const sub of ["", "/agents", "/keys"]) {
      await page.goto(`/tenants/${encodeURIComponent(otherTenantId)}${sub}`);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(page.getByText(otherTenantName)).toHaveCount(0);
    }
    await snap(page, "not-found");
    // The proxy enforces the same through the portal's forwarder (no portal-side short cut on this path).
    expect((await page.request.get(`/api/admin/tenants/${encodeURIComponent(otherTenantId)}`)).status()).toBe(404);
    expect((await page.request.get(`/api/admin/tenants/${encodeURIComponent(otherTenantId)}/agents`)).status()).toBe(404);
    expect([403, 404]).toContain((await page.request.get("/api/admin/operators")).status());
    await page.goto("/operators");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await page.goto("/tenants");
    await expect(page).toHaveURL(new RegExp(`/tenants/${tenantId}$`));
  });

  await test.step("logout ends the session; browser back shows the login page", async () => {
    await page.goto(`/tenants/${encodeURIComponent(tenantId)}/keys`);
    await expect(page.getByRole("heading", { level: 1, name: "Keys" })).toBeVisible();
    await logout(page);
    await page.goBack();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await page.goto(`/tenants/${encodeURIComponent(tenantId)}`);
    await expect(page).toHaveURL(/\/login/);
  });
});

test("platform admin: search and filter, suspend and resume, limits, key rotation, delete by typing the slug", async ({ page }) => {
  const name = `Initech ${run}`;
  const slug = `initech-${run}`;
  await login(page, env.adminEmail, env.adminPassword);
  const tenantId = await createTenant(page, name, slug);
  created.tenantIds.push(tenantId);
  const base = `/tenants/${encodeURIComponent(tenantId)}`;

  await test.step("search and status filter", async () => {
    await page.goto("/tenants");
    await page.getByLabel("Search").fill(`initech-${run}`);
    await expect(page.getByRole("link", { name })).toBeVisible();
    await expect(page.getByRole("row")).toHaveCount(2);
    await page.getByLabel("Status").click();
    await page.getByRole("option", { name: "Suspended" }).click();
    await expect(page.getByText("No tenants match")).toBeVisible();
  });

  await test.step("suspend and resume", async () => {
    await page.goto(base);
    await page.getByRole("button", { name: "Suspend tenant" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Suspend" }).click();
    await expect(page.getByText("This tenant is suspended")).toBeVisible();
    await page.getByRole("button", { name: "Resume tenant" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Resume" }).click();
    await expect(page.getByText("This tenant is suspended")).toHaveCount(0);
  });

  await test.step("limits are saved and read back", async () => {
    await page.goto(`${base}/slack`);
    await page.getByLabel("Monthly budget (USD)").fill("123.45");
    await page.getByLabel("Slack messages per minute (per channel)").fill("7");
    await page.getByRole("button", { name: "Save limits" }).click();
    await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Limits saved");
    await page.reload();
    await expect(page.getByLabel("Monthly budget (USD)")).toHaveValue("123.45");
    await expect(page.getByLabel("Slack messages per minute (per channel)")).toHaveValue("7");
  });

  await test.step("a key is rotated (new secret once) and revoked", async () => {
    await page.goto(`${base}/keys`);
    await expect(page.getByText("No keys yet")).toBeVisible();
    await page.getByRole("button", { name: "Issue key" }).click();
    await page.getByRole("dialog").getByLabel("Name").fill("rotating-app");
    await page.getByRole("dialog").getByRole("button", { name: "Issue key" }).click();
    const first = (await page.getByTestId("key-secret").innerText()).trim();
    await page.getByRole("button", { name: "I have copied it" }).click();

    await page.getByRole("button", { name: "Rotate" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Rotate key" }).click();
    const second = (await page.getByTestId("key-secret").innerText()).trim();
    expect(second).not.toBe(first);
    await page.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.getByText("Revoked")).toHaveCount(1);

    await page.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByText("Revoked")).toHaveCount(2);
  });

  await test.step("delete requires typing the slug", async () => {
    await page.goto(base);
    await page.getByRole("button", { name: "Delete tenant" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/to confirm/).fill("wrong");
    await dialog.getByRole("button", { name: "Delete tenant" }).click();
    await expect(dialog.getByText(`Type ${slug} to confirm.`)).toBeVisible();
    await dialog.getByLabel(/to confirm/).fill(slug);
    await dialog.getByRole("button", { name: "Delete tenant" }).click();
    await expect(page).toHaveURL(/\/tenants$/);
    await page.goto(base);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });
});
