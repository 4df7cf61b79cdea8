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
  let invitation = "";

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
    await expect(dialog.getByLabel(/password/i)).toHaveCount(0);
    await expect(dialog.getByLabel("Tenant")).toHaveText(tenantName);
    await dialog.getByRole("button", { name: "Create invitation link" }).click();
    created.operatorEmail = tenantAdminEmail;
    const linkDialog = page.getByRole("dialog", { name: `Invitation for ${tenantAdminEmail}` });
    invitation = await linkDialog.getByRole("textbox", { name: "Link" }).inputValue();
    expect(invitation).toMatch(/\/invite#[\w-]{20,}$/);
    await linkDialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("row", { name: new RegExp(tenantAdminEmail) })).toContainText(`Tenant admin of ${tenantName}`);
    await snap(page, "operators");
    await logout(page);
  });

  await test.step("the invitee opens the link once, chooses a password and is signed in", async () => {
    await page.goto(invitation);
    await expect(page.getByText(`You are invited as the admin of ${tenantName}`)).toBeVisible();
    expect(page.url(), "the token leaves the address bar").not.toContain("#");
    await page.getByLabel("New password", { exact: true }).fill(tenantAdminPassword);
    await page.getByLabel("New password again").fill(`${tenantAdminPassword}-typo`);
    await page.getByRole("button", { name: "Create my account and sign in" }).click();
    await expect(page.getByText("The two passwords differ.")).toBeVisible();
    await page.getByLabel("New password again").fill(tenantAdminPassword);
    await page.getByRole("button", { name: "Create my account and sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`/tenants/${tenantId}$`));
    const again = await page.context().newPage();
    await again.goto(invitation);
    await expect(again.getByText(/This link is not valid any more/)).toBeVisible();
    await again.close();
  });

  await test.step("tenant admin lands on its tenant and sees no platform pages", async () => {
    await expect(page).toHaveURL(new RegExp(`/tenants/${tenantId}$`));
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Tenants" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Operators" })).toHaveCount(0);
    await expect(page.getByLabel("Switch tenant")).toHaveCount(0);
  });

  await test.step("tenant admin registers an HTTP tool; an internal address is refused in words", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tools" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Tools" })).toBeVisible();
    await page.getByRole("button", { name: "Add HTTP tool" }).click();
    const dialog = page.getByRole("dialog", { name: "Add an HTTP tool" });
    await dialog.getByLabel("Name").fill("order_lookup");
    await dialog.getByLabel("What it does").fill("Looks an order up by its number.");
    await dialog.getByLabel("URL").fill("http://127.0.0.1:5432/orders/{order_id}");
    await dialog.getByLabel("Arguments (JSON Schema, optional)").fill('{"type": "object", "properties": {"order_id": {"type": "string"}}}');
    await dialog.getByRole("button", { name: "Add tool" }).click();
    await expect(dialog.getByText(/loopback/)).toBeVisible();
    await dialog.getByLabel("URL").fill("https://93.184.215.14/orders/{order_id}");
    await dialog.getByRole("button", { name: "Add tool" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole("region", { name: "order_lookup" })).toContainText("GET https://93.184.215.14/orders/{order_id}");
    await snap(page, "tools");
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
    await page.getByLabel("Use of order_lookup").click();
    await page.getByRole("option", { name: "Ask first" }).click();
    await page.getByRole("button", { name: "Add escalation rule" }).click();
    await page.getByLabel("Keywords (rule 1)").fill("refund");
    await page.getByLabel("Keywords (rule 1)").press("Enter");
    await page.getByLabel("Slack id (rule 1)").fill("U024BE7LH");
    await page.getByLabel("Default agent").click();
    await page.getByRole("button", { name: "Create agent" }).click();
    await expect(page).toHaveURL(/\/agents\/(?!new$)[^/]+$/);
    agentId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    await expect(page.getByLabel("Use of order_lookup")).toHaveText("Ask first");
    const assigned = (await (await page.request.get(`/api/admin/tenants/${tenantId}/agents/${agentId}/tools`)).json()) as { items: { name: string; policy: string }[] };
    expect(assigned.items.map(({ name, policy }) => ({ name, policy }))).toEqual([{ name: "order_lookup", policy: "ask" }]);

    const preview = page.getByLabel("Composed system prompt");
    await expect(preview).toContainText(persona);
    await page.getByLabel("Role").fill("Senior support specialist");
    await expect(preview).toContainText("Senior support specialist");
    await expect(preview).toContainText(/\bAI\b/);

    await page.getByLabel("Message").fill("Hello, who are you?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByTestId("try-reply")).not.toBeEmpty({ timeout: 60_000 });
    await expect(page.getByText(/Answered by/)).toBeVisible();
    // A second message continues the conversation; the model gets the draft as it stands (the unsaved role).
    await page.getByLabel("Message").fill(`And again ${run}?`);
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByRole("log", { name: "Conversation" }).getByRole("listitem")).toHaveCount(4);
    await expect(page.getByRole("button", { name: "Send" })).toBeEnabled({ timeout: 60_000 });
    const recorded = (await (await fetch(`${env.fakeOpenAiUrl}/_fake/requests`)).json()) as { json?: unknown }[];
    const second = recorded.map((request) => JSON.stringify(request.json ?? "")).filter((body) => body.includes(`And again ${run}?`));
    expect(second.length, "the second message reached the provider").toBeGreaterThan(0);
    expect(second.at(-1)).toContain("Hello, who are you?");
    expect(second.at(-1)).toContain("Senior support specialist");
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
    await page.goto(base);
    await page.getByRole("link", { name: /^Limits/ }).first().click();
    await expect(page).toHaveURL(new RegExp(`${base}/limits$`));
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

test("a new tenant with its budget; its figures, usage by key with CSV, the audit log in words", async ({ page }) => {
  const name = `Wayne ${run}`;
  const slug = `wayne-${run}`;
  await login(page, env.adminEmail, env.adminPassword);
  await page.goto("/tenants");
  await page.getByRole("button", { name: "New tenant" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Slug").fill(slug);
  await dialog.getByLabel("Monthly budget in USD (optional)").fill("40");
  await dialog.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const tenantId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2] ?? "");
  created.tenantIds.push(tenantId);
  const base = `/tenants/${encodeURIComponent(tenantId)}`;

  await test.step("the overview and the list show the budget", async () => {
    await expect(page.getByRole("region", { name: "Figures" })).toContainText("of $40.00");
    await page.goto("/tenants");
    await page.getByLabel("Search").fill(slug);
    await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("of $40.00");
    await page.goto(`${base}/limits`);
    await expect(page.getByLabel("Monthly budget (USD)")).toHaveValue("40");
  });

  await test.step("usage: every day of the range, per key, and a CSV download", async () => {
    const key = (await (
      await fetch(`${env.proxyUrl}/admin/tenants/${encodeURIComponent(tenantId)}/keys`, {
        method: "POST",
        headers: { Authorization: `Bearer ${env.masterKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: `csv-${run}` }),
      })
    ).json()) as { secret: string };
    const call = await fetch(`${env.proxyUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key.secret}`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "konstruct-fast", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(call.status).toBe(200);
    await page.goto(`${base}/usage`);
    await expect(page.getByText(/· 30 days$/)).toBeVisible();
    await expect(page.getByRole("table", { name: "Usage per day" }).getByRole("row")).toHaveCount(31);
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("table", { name: "Usage by key" })).toContainText(`csv-${run}`, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await page.getByLabel("Period").click();
    await page.getByRole("option", { name: "Last 7 days" }).click();
    await expect(page.getByText(/· 7 days$/)).toBeVisible();
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await (await file.createReadStream()).toArray();
    const csv = Buffer.concat(text.map((chunk) => Buffer.from(chunk))).toString();
    expect(csv.split("\r\n")[0]).toBe("day,model_group,model,agent_id,agent_name,key_id,key_name,calls,prompt_tokens,completion_tokens,cost_usd,avg_latency_ms");
    expect(csv).toContain(`csv-${run}`);
  });

  await test.step("the audit log in words, filtered", async () => {
    await page.goto(`${base}/audit`);
    await expect(page.getByText("Tenant created")).toBeVisible();
    await expect(page.getByText("Limits changed")).toBeVisible();
    await page.getByLabel("Action").click();
    await page.getByRole("option", { name: "Key issued" }).click();
    await expect(page.getByText("Tenant created")).toHaveCount(0);
    await expect(page.getByText("Key issued").first()).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Search").fill(`csv-${run}`);
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(2);
  });
});

test("an operator changes their password: the other device is signed out, the new password works", async ({ page, browser }) => {
  const email = `changer-${run}@e2e.konstruct.test`;
  const first = `first-${run}-long-password`;
  const second = `second-${run}-long-password`;
  const invited = await fetch(`${env.proxyUrl}/admin/operators/invitations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${env.masterKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ email, role: "platform_admin" }),
  });
  const { token } = (await invited.json()) as { token: string };
  const accepted = await fetch(`${env.proxyUrl}/admin/invitations/accept`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token, password: first }),
  });
  expect(accepted.status).toBe(200);
  const operatorId = ((await accepted.json()) as { operator: { id: string } }).operator.id;

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await login(otherPage, email, first);
  await login(page, email, first);
  await page.getByRole("link", { name: "Profile and password" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Profile" })).toBeVisible();
  await page.getByLabel("Current password").fill("not the password at all");
  await page.getByLabel("New password", { exact: true }).fill(second);
  await page.getByLabel("New password again").fill(second);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The current password is wrong.")).toBeVisible();
  await page.getByLabel("Current password").fill(first);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Password changed");

  await page.goto("/tenants");
  await expect(page.getByRole("heading", { level: 1, name: "Tenants" })).toBeVisible();
  await otherPage.goto("/tenants");
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();
  await asPlatform("DELETE", `operators/${encodeURIComponent(operatorId)}`);
});
