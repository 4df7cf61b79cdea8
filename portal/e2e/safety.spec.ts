// Feedback and safety nets, and the loose ends around them: a toast after each change, a guard on leaving
// unsaved edits, a confirmation before the one-time secret closes, back to the asked-for page after login
// (never to another site), 404 for a deleted tenant's pages, the favicon and the system's dark mode.
import { expect, test } from "@playwright/test";
import { DESKTOP, PHONE, asPlatform, deleteTenant, env, login, seedTenant, settled, snap, type SeededTenant } from "./support";

let seed: SeededTenant;

test.beforeAll(async () => {
  seed = await seedTenant("Umbrella");
});

test.afterAll(async () => {
  if (seed) await deleteTenant(seed.tenantId);
});

test.describe("on a phone", () => {
  test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

  test("a toast after each change; unsaved edits ask before leaving", async ({ page }) => {
    await login(page);
    const base = `/tenants/${seed.tenantId}`;
    const toasts = page.getByRole("region", { name: "Notifications" });

    await test.step("saving limits says so", async () => {
      await page.goto(`${base}/limits`);
      await settled(page);
      await page.getByLabel("Monthly budget (USD)").fill("42.5");
      await page.getByRole("button", { name: "Save limits" }).click();
      await expect(toasts.getByText("Limits saved", { exact: true })).toBeVisible();
      await snap(page, "phone_toast");
      await page.reload();
      await expect(page.getByLabel("Monthly budget (USD)")).toHaveValue("42.5");
    });

    await test.step("a link away from unsaved edits asks; staying keeps them, leaving discards them", async () => {
      await page.goto(`${base}/agents/${seed.agentId}`);
      await settled(page);
      await page.getByLabel("Role").fill("Night shift support");
      await page.getByRole("button", { name: "Open menu" }).click();
      await page.getByRole("dialog", { name: "Menu" }).getByRole("link", { name: "Keys" }).click();
      const ask = page.getByRole("alertdialog", { name: "Leave without saving?" });
      await expect(ask).toBeVisible();
      await ask.getByRole("button", { name: "Stay on this page" }).click();
      await expect(page).toHaveURL(new RegExp(`/agents/${seed.agentId}$`));
      await expect(page.getByLabel("Role")).toHaveValue("Night shift support");

      const prevented = await page.evaluate(() => {
        const event = new Event("beforeunload", { cancelable: true });
        window.dispatchEvent(event);
        return event.defaultPrevented;
      });
      expect(prevented, "a reload or a closed tab asks through the browser").toBe(true);

      // Staying keeps the drawer open where the operator left it.
      await page.getByRole("dialog", { name: "Menu" }).getByRole("link", { name: "Keys" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Leave and discard" }).click();
      await expect(page).toHaveURL(/\/keys$/);
      const agent = await asPlatform<{ role: string }>("GET", `tenants/${seed.tenantId}/agents/${seed.agentId}`);
      expect(agent.role).toBe("Customer support specialist");
    });

    await test.step("after saving, leaving does not ask and the toast confirms", async () => {
      await page.goto(`${base}/agents/${seed.agentId}`);
      await settled(page);
      await page.getByLabel("Role").fill("Day shift support");
      await page.getByRole("button", { name: "Save agent" }).click();
      await expect(toasts.getByText("Agent saved", { exact: true })).toBeVisible();
      await page.getByRole("button", { name: "Open menu" }).click();
      await page.getByRole("dialog", { name: "Menu" }).getByRole("link", { name: "Usage" }).click();
      await expect(page).toHaveURL(/\/usage$/);
      await expect(page.getByRole("alertdialog")).toHaveCount(0);
    });

    await test.step("a link clicked while the save is on its way leaves once it is saved", async () => {
      await page.goto(`${base}/agents/${seed.agentId}`);
      await settled(page);
      // The proxy's answer is held back a moment (the request itself is real), so the click lands mid-save.
      const agentPath = `**/api/admin/tenants/${seed.tenantId}/agents/${seed.agentId}`;
      await page.route(agentPath, async (route) => {
        if (route.request().method() === "PATCH") await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.fallback();
      });
      await page.getByLabel("Role").fill("Weekend support");
      await page.getByRole("button", { name: "Save agent" }).click();
      await page.getByRole("button", { name: "Open menu" }).click();
      await page.getByRole("dialog", { name: "Menu" }).getByRole("link", { name: "Keys" }).click();
      await expect(page.getByRole("alertdialog", { name: "Leave without saving?" }), "still unsaved: it asks").toBeVisible();
      await expect(page).toHaveURL(/\/keys$/);
      await expect(page.getByRole("alertdialog")).toHaveCount(0);
      await page.unroute(agentPath);
      const agent = await asPlatform<{ role: string }>("GET", `tenants/${seed.tenantId}/agents/${seed.agentId}`);
      expect(agent.role).toBe("Weekend support");
    });

    await test.step("the one-time secret asks before Escape closes it", async () => {
      await page.goto(`${base}/keys`);
      await settled(page);
      await page.getByRole("button", { name: "Issue key" }).click();
      await page.getByRole("dialog").getByLabel("Name").fill(`escape-${seed.slug}`);
      await page.getByRole("dialog").getByRole("button", { name: "Issue key" }).click();
      const secretDialog = page.getByRole("dialog", { name: /issued/ });
      await expect(secretDialog).toBeVisible();
      await expect(toasts.getByText("Key issued", { exact: true })).toBeVisible();
      const secret = (await page.getByTestId("key-secret").innerText()).trim();

      await page.keyboard.press("Escape");
      const ask = page.getByRole("alertdialog", { name: "Close without the secret?" });
      await expect(ask).toBeVisible();
      await ask.getByRole("button", { name: "Keep it open" }).click();
      await expect(page.getByTestId("key-secret")).toHaveText(secret);

      await secretDialog.getByRole("button", { name: "Close" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Close anyway" }).click();
      await expect(page.getByRole("dialog")).toHaveCount(0);
      await expect(page.getByText(secret)).toHaveCount(0);
    });

    await test.step("revoking says so", async () => {
      await page.getByRole("button", { name: "Revoke" }).first().click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
      await expect(toasts.getByText("Key revoked", { exact: true })).toBeVisible();
    });
  });
});

test.describe("on a desktop", () => {
  test.use({ viewport: DESKTOP });

  test("after login, back to the page that was asked for; never to another site", async ({ page }) => {
    const keys = `/tenants/${seed.tenantId}/keys`;
    await page.goto(keys);
    await expect(page).toHaveURL(/\/login\?/);
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(keys);
    await page.getByLabel("Email").fill(env.adminEmail);
    await page.getByLabel("Password").fill(env.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`${keys}$`));
    await expect(page.getByRole("heading", { level: 1, name: "Keys" })).toBeVisible();

    for (const evil of ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "javascript:alert(1)"]) {
      await page.context().clearCookies();
      await page.goto(`/login?callbackUrl=${encodeURIComponent(evil)}`);
      await page.getByLabel("Email").fill(env.adminEmail);
      await page.getByLabel("Password").fill(env.adminPassword);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page, `callbackUrl ${evil} stays on the portal`).toHaveURL(/^http:\/\/127\.0\.0\.1:3000\/tenants$/);
    }
  });

  test("a deleted or unknown tenant's pages answer 404", async ({ page }) => {
    const doomed = await seedTenant("Doomed");
    await deleteTenant(doomed.tenantId);
    await login(page);
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const tenantId of [doomed.tenantId, unknown, "not-a-uuid"]) {
      for (const sub of ["", "/agents", "/agents/new", `/agents/${doomed.agentId}`, "/keys", "/slack", "/limits", "/usage", "/audit"]) {
        const response = await page.goto(`/tenants/${tenantId}${sub}`);
        expect(response?.status(), `/tenants/${tenantId}${sub}`).toBe(404);
        await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
        await expect(page.getByText("No agents yet")).toHaveCount(0);
      }
    }
  });

  test("the admin API forwarder re-checks the session, keeps to /admin and passes the proxy's answers", async ({ page, request }) => {
    // Our real route handler and session code against the real proxy (no module of ours stands in).
    const signedOut = await request.get("/api/admin/tenants");
    expect(signedOut.status()).toBe(401);
    expect((await signedOut.json()).error.code).toBe("unauthorized");
    const forged = await request.get("/api/admin/tenants", { headers: { Cookie: "authjs.session-token=forged" } });
    expect(forged.status()).toBe(401);

    await login(page);
    const api = page.request;
    const listed = await api.get(`/api/admin/tenants?q=${encodeURIComponent(seed.slug)}`);
    expect(listed.status()).toBe(200);
    expect(listed.headers()["cache-control"]).toBe("no-store");
    expect(((await listed.json()) as { items: { id: string }[] }).items.map((t) => t.id)).toEqual([seed.tenantId]);
    // An encoded "../" stays one path segment: the proxy is asked for a tenant named "../internal".
    const climbed = await api.get("/api/admin/tenants/..%2Finternal%2Fworkspaces");
    expect([404, 422]).toContain(climbed.status());
    const unknown = await api.get("/api/admin/tenants/00000000-0000-0000-0000-000000000000/agents");
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).error.message).toBe("No such tenant.");
    const created = await api.post(`/api/admin/tenants/${seed.tenantId}/keys`, { data: { name: `forwarded-${seed.slug}` } });
    expect(created.status()).toBe(201);
    const csv = await api.get(`/api/admin/tenants/${seed.tenantId}/usage/export.csv?days=7`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
    expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="usage-/);
  });

  test("favicon, and a dark theme when the system asks for one", async ({ page }) => {
    await page.goto("/login");
    const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
    expect(href).toBeTruthy();
    const icon = await page.request.get(href ?? "");
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");

    // The page background as sRGB luminance (0 black … 255 white), whatever colour syntax the CSS uses.
    const luminance = (selector: string, property: "backgroundColor" | "color") =>
      page.evaluate(
        ([selector, property]) => {
          const canvas = document.createElement("canvas");
          canvas.width = canvas.height = 1;
          const context = canvas.getContext("2d") as CanvasRenderingContext2D;
          context.fillStyle = getComputedStyle(document.querySelector(selector) as Element)[property as "color"];
          context.fillRect(0, 0, 1, 1);
          const [r = 0, g = 0, b = 0] = context.getImageData(0, 0, 1, 1).data;
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        },
        [selector, property] as const,
      );
    await page.emulateMedia({ colorScheme: "light" });
    expect(await luminance("body", "backgroundColor")).toBeGreaterThan(200);
    expect(await luminance("h1", "color")).toBeLessThan(80);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await luminance("body", "backgroundColor")).toBeLessThan(60);
    expect(await luminance("h1", "color")).toBeGreaterThan(200);
  });
});
