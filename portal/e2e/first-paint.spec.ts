// List pages come with their data: the server fetches each page's first data as the operator, so the rows are
// in the HTML (seen here with JavaScript off, on a phone) and, with JavaScript on, no loading state is ever
// painted while a page loads, nor does hydrating the server's HTML go wrong.
import { expect, test, type Page } from "@playwright/test";
import { PHONE, deleteTenant, env, expectNoHorizontalScroll, login, run, seedTenant, settled, type SeededTenant } from "./support";

declare global {
  interface Window {
    /** Every "Loading…" text the page put on screen, from the first byte of HTML on. */
    __loadingShown?: string[];
  }
}

type ListPage = { path: (seed: SeededTenant) => string; shows: (page: Page, seed: SeededTenant) => Promise<void> };

// First in the tenants list's first page (sorted by name), whatever else the suite has made.
const LABEL = "Aardvark";

const LIST_PAGES: Record<string, ListPage> = {
  tenants: {
    path: () => "/tenants",
    shows: async (page, seed) => {
      await expect(page.getByRole("link", { name: seed.name })).toBeVisible();
      await expect(page.getByRole("row", { name: new RegExp(seed.name) })).toContainText("Connected");
    },
  },
  operators: {
    path: () => "/operators",
    shows: async (page) => expect(page.getByRole("cell", { name: env.adminEmail }).first()).toBeVisible(),
  },
  "tenant overview": {
    path: (seed) => `/tenants/${seed.tenantId}`,
    shows: async (page, seed) => {
      await expect(page.getByRole("heading", { level: 1, name: seed.name })).toBeVisible();
      await expect(page.getByRole("region", { name: "Figures" })).toContainText(/\d+ calls this month/);
    },
  },
  agents: {
    path: (seed) => `/tenants/${seed.tenantId}/agents`,
    shows: async (page) => expect(page.getByRole("link", { name: `Maya ${run}` })).toBeVisible(),
  },
  keys: {
    path: (seed) => `/tenants/${seed.tenantId}/keys`,
    shows: async (page) => expect(page.getByText(`shop-${run}`).first()).toBeVisible(),
  },
  tools: {
    path: (seed) => `/tenants/${seed.tenantId}/tools`,
    shows: async (page) => {
      await expect(page.getByRole("region", { name: "order_lookup" })).toContainText("GET https://93.184.215.14/orders/{order_id}");
      await expect(page.getByText("No MCP servers yet")).toBeVisible();
    },
  },
  slack: {
    path: (seed) => `/tenants/${seed.tenantId}/slack`,
    shows: async (page) => {
      await expect(page.getByRole("heading", { name: `${LABEL} HQ` })).toBeVisible();
      await expect(page.getByRole("cell", { name: "chat:write" })).toBeVisible();
    },
  },
  usage: {
    path: (seed) => `/tenants/${seed.tenantId}/usage`,
    shows: async (page) => {
      await expect(page.getByText(/· 30 days$/)).toBeVisible();
      await expect(page.getByText("No agent called a tool in this period.")).toBeVisible();
      await expect(page.getByText("No one has rated an answer yet.")).toBeVisible();
    },
  },
  audit: {
    path: (seed) => `/tenants/${seed.tenantId}/audit`,
    shows: async (page) => expect(page.getByText("Tenant created").first()).toBeVisible(),
  },
  limits: {
    path: (seed) => `/tenants/${seed.tenantId}/limits`,
    shows: async (page) => expect(page.getByLabel("Monthly budget (USD)")).toBeVisible(),
  },
};

let seed: SeededTenant;

test.beforeAll(async () => {
  seed = await seedTenant(LABEL);
});

test.afterAll(async () => {
  if (seed) await deleteTenant(seed.tenantId);
});

test("without JavaScript, every list page has its rows in the HTML and no loading state, on a phone", async ({ browser, page }) => {
  await login(page);
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState(), viewport: PHONE, isMobile: true, hasTouch: true });
  const html = await context.newPage();
  try {
    for (const [name, list] of Object.entries(LIST_PAGES)) {
      await test.step(name, async () => {
        const response = await html.goto(list.path(seed));
        expect(response?.status(), `${name} answers`).toBe(200);
        await list.shows(html, seed);
        await expect(html.getByText(/^Loading/), `${name} has no loading state in its HTML`).toHaveCount(0);
        await expectNoHorizontalScroll(html, `${name} without JavaScript`);
      });
    }
    await test.step("the rows are the server's own HTML, not a later render", async () => {
      const response = await html.goto("/tenants");
      expect(await response?.text()).toContain(`>${seed.name}</a>`);
    });
  } finally {
    await context.close();
  }
});

test("with JavaScript, no list page paints a loading state and hydration finds the server's HTML as it renders", async ({ page, context }) => {
  const hydrationErrors: string[] = [];
  // React's production builds name hydration failures by number (418 text, 419/423 recoverable, 425 mismatch).
  const HYDRATION = /hydrat|error #(418|419|421|422|423|425)\b/i;
  page.on("console", (message) => {
    if (message.type() === "error" && HYDRATION.test(message.text())) hydrationErrors.push(message.text());
  });
  page.on("pageerror", (error) => {
    if (HYDRATION.test(error.message)) hydrationErrors.push(error.message);
  });
  await context.addInitScript(() => {
    const shown: string[] = [];
    window.__loadingShown = shown;
    const look = (root: Node) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
        if (node.nodeType !== Node.TEXT_NODE) continue;
        const tag = node.parentElement?.tagName;
        if (tag === "SCRIPT" || tag === "STYLE" || tag === "TEMPLATE" || tag === "NOSCRIPT") continue;
        const seen = `${location.pathname}: ${node.textContent?.trim()}`;
        if (/^\s*Loading/.test(node.textContent ?? "") && !shown.includes(seen)) shown.push(seen);
      }
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "characterData") look(record.target);
        record.addedNodes.forEach(look);
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await login(page);
  for (const [name, list] of Object.entries(LIST_PAGES)) {
    await test.step(name, async () => {
      await page.goto(list.path(seed));
      await settled(page);
      await list.shows(page, seed);
      expect(await page.evaluate(() => window.__loadingShown), `${name} showed a loading state`).toEqual([]);
    });
  }
  expect(hydrationErrors).toEqual([]);
});
