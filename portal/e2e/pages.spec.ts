// Every page of the app, on a phone (390×844, dark) and on a desktop (1280×800, light): it fits the window
// (no sideways scroll), axe finds nothing serious, the CSP blocks nothing, every response has its headers.
// The list of pages is checked against the app directory, so a new page cannot be left out.
import { expect, test, type Page } from "@playwright/test";
import {
  DESKTOP,
  PHONE,
  appRoutes,
  deleteTenant,
  expectAccessible,
  expectNoHorizontalScroll,
  login,
  seedTenant,
  settled,
  snap,
  watchSecurity,
  type SeededTenant,
} from "./support";

type Visit = { path: (seed: SeededTenant) => string; signedOut?: boolean; ready?: (page: Page) => Promise<void> };

const PAGES: Record<string, Visit> = {
  "/login": { path: () => "/login", signedOut: true },
  "/invite": {
    path: () => "/invite#not-a-real-invitation-token-000000",
    signedOut: true,
    ready: async (page) => expect(page.getByText(/This link is not valid any more/)).toBeVisible(),
  },
  "/profile": { path: () => "/profile", ready: async (page) => expect(page.getByRole("form", { name: "Change password" })).toBeVisible() },
  "/": { path: () => "/" },
  "/tenants": {
    path: () => "/tenants",
    ready: async (page) => {
      await page.getByLabel("Search").fill(seed.slug);
      await expect(page.getByRole("link", { name: /Hooli/ }).first()).toBeVisible();
      await expect(page.getByRole("row", { name: /Hooli/ }).first()).toContainText("Connected");
    },
  },
  "/operators": { path: () => "/operators" },
  "/tenants/[tenantId]": {
    path: (seed) => `/tenants/${seed.tenantId}`,
    ready: async (page) => expect(page.getByRole("region", { name: "Figures" })).toContainText("calls this month"),
  },
  "/tenants/[tenantId]/limits": {
    path: (seed) => `/tenants/${seed.tenantId}/limits`,
    ready: async (page) => expect(page.getByLabel("Monthly budget (USD)")).toBeVisible(),
  },
  "/tenants/[tenantId]/agents": { path: (seed) => `/tenants/${seed.tenantId}/agents` },
  "/tenants/[tenantId]/agents/new": { path: (seed) => `/tenants/${seed.tenantId}/agents/new` },
  "/tenants/[tenantId]/agents/[agentId]": {
    path: (seed) => `/tenants/${seed.tenantId}/agents/${seed.agentId}`,
    ready: async (page) => {
      await expect(page.getByLabel("Composed system prompt")).toContainText("Warm, concise");
      await expect(page.getByLabel("Use of order_lookup")).toHaveText("Ask first");
    },
  },
  "/tenants/[tenantId]/keys": { path: (seed) => `/tenants/${seed.tenantId}/keys` },
  "/tenants/[tenantId]/tools": {
    path: (seed) => `/tenants/${seed.tenantId}/tools`,
    ready: async (page) => {
      await expect(page.getByRole("region", { name: "order_lookup" })).toContainText("GET https://93.184.215.14/orders/{order_id}");
      await expect(page.getByText("Authorization set")).toBeVisible();
      await expect(page.getByText("No MCP servers yet")).toBeVisible();
    },
  },
  "/tenants/[tenantId]/slack": {
    path: (seed) => `/tenants/${seed.tenantId}/slack`,
    ready: async (page) => {
      await expect(page.getByRole("heading", { name: /Hooli HQ/ })).toBeVisible();
      await expect(page.getByRole("cell", { name: "chat:write" })).toBeVisible();
    },
  },
  "/tenants/[tenantId]/usage": {
    path: (seed) => `/tenants/${seed.tenantId}/usage`,
    ready: async (page) => expect(page.getByText(/· 30 days$/)).toBeVisible(),
  },
  "/tenants/[tenantId]/audit": {
    path: (seed) => `/tenants/${seed.tenantId}/audit`,
    ready: async (page) => expect(page.getByText("Tenant created").first()).toBeVisible(),
  },
};

let seed: SeededTenant;

test.beforeAll(async () => {
  seed = await seedTenant("Hooli");
});

test.afterAll(async () => {
  if (seed) await deleteTenant(seed.tenantId);
});

test("the walk below covers every page of the app directory", () => {
  expect(Object.keys(PAGES).sort()).toEqual(appRoutes());
});

for (const [size, viewport, colorScheme] of [
  ["phone", PHONE, "dark"],
  ["desktop", DESKTOP, "light"],
] as const) {
  test.describe(`on a ${size} (${viewport.width}×${viewport.height}, ${colorScheme})`, () => {
    test.use({ viewport, colorScheme, hasTouch: size === "phone", isMobile: size === "phone" });

    test("every page fits, is accessible, and runs under the CSP", async ({ page, context }) => {
      const security = await watchSecurity(context);
      const visit = async (route: string, { path, ready }: Visit) => {
        await test.step(route, async () => {
          const response = await page.goto(path(seed));
          expect(response?.status(), `${route} answers`).toBe(200);
          await settled(page);
          await ready?.(page);
          await expectNoHorizontalScroll(page, route);
          await expectAccessible(page, route);
          await snap(page, `${size}${route.replaceAll("/", "_").replaceAll(/[[\]]/g, "")}`);
          security.check(route);
        });
      };

      for (const [route, entry] of Object.entries(PAGES)) if (entry.signedOut) await visit(route, entry);
      await login(page);
      for (const [route, entry] of Object.entries(PAGES)) if (!entry.signedOut) await visit(route, entry);

      await test.step("the not-found page", async () => {
        const response = await page.goto("/no-such-page");
        expect(response?.status()).toBe(404);
        await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
        await expectNoHorizontalScroll(page, "not-found");
        await expectAccessible(page, "not-found");
        security.check("not-found");
      });

      if (size === "phone") {
        await test.step("the navigation drawer", async () => {
          await page.goto(`/tenants/${seed.tenantId}`);
          await settled(page);
          await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
          await page.getByRole("button", { name: "Open menu" }).click();
          const drawer = page.getByRole("dialog", { name: "Menu" });
          await expect(drawer).toBeVisible();
          await expectAccessible(page, "drawer");
          await snap(page, "phone_drawer");
          await drawer.getByRole("link", { name: "Keys" }).click();
          await expect(page).toHaveURL(/\/keys$/);
          await expect(page.getByRole("dialog", { name: "Menu" })).toHaveCount(0);
          await expect(page.getByRole("heading", { level: 1, name: "Keys" })).toBeVisible();
          security.check("drawer");
        });
      } else {
        await test.step("the sidebar stays from tablet width up", async () => {
          await page.setViewportSize({ width: 768, height: 1024 });
          await page.goto(`/tenants/${seed.tenantId}/keys`);
          await settled(page);
          await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
          await expect(page.getByRole("button", { name: "Open menu" })).toHaveCount(0);
          await expectNoHorizontalScroll(page, "keys at 768px");
          await expectAccessible(page, "keys at 768px");
        });
      }
    });
  });
}
