// Channel overrides picked by name: the Slack page lists the workspace's own channels (from the fake Slack,
// asked by the proxy with the connection's bot token) and saves the chosen channel's id.
import { expect, test } from "@playwright/test";
import { DESKTOP, PHONE, asPlatform, deleteTenant, env, expectAccessible, expectNoHorizontalScroll, login, run, seedTenant, settled, snap, type SeededTenant } from "./support";

let seed: SeededTenant;
const label = "Wonka";
// What seedTenant connects the workspace with.
const workspace = `T${label}${run}`.toUpperCase();
const botToken = `xoxb-e2e-${label.toLowerCase()}-${run}`;
const general = `C0GEN${run}`.toUpperCase();
const secret = `G0SEC${run}`.toUpperCase();

async function slackChannel(channel: string, name: string) {
  const res = await fetch(`${env.fakeSlackUrl}/_fake/channel`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ channel, name, team_id: workspace }),
  });
  expect(res.ok, "the fake Slack takes the channel").toBe(true);
}

test.beforeAll(async () => {
  seed = await seedTenant(label);
  await slackChannel(general, `general-${run}`);
  await slackChannel(secret, `leadership-${run}`);
});

test.afterAll(async () => {
  if (seed) await deleteTenant(seed.tenantId);
});

for (const [size, viewport] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test(`${size}: a channel override is picked by name and saved as the channel's id`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await login(page);
    await page.goto(`/tenants/${seed.tenantId}/slack`);
    await settled(page);
    const routing = page.getByRole("form", { name: "Agent routing" });

    await test.step("the workspace's channels are offered by name, private ones marked", async () => {
      await routing.getByRole("button", { name: "Add channel override" }).click();
      const picker = routing.getByRole("combobox", { name: "Channel (override 1)" });
      await picker.fill("leader");
      const option = page.getByRole("option", { name: new RegExp(`#leadership-${run}`) });
      await expect(option).toBeVisible();
      await expect(option.getByRole("img", { name: "private" })).toBeVisible();
      await expectAccessible(page, `slack_channel_picker_${size}`);
      await snap(page, `slack_channel_picker_${size}`);
      await picker.fill("gen");
      await page.getByRole("option", { name: new RegExp(`#general-${run}`) }).click();
      await expect(picker).toHaveValue(`#general-${run}`);
      await expectNoHorizontalScroll(page, `slack_channel_picker_${size}`);
    });

    await test.step("saved as the channel id, shown by name after a reload", async () => {
      await routing.getByLabel("Agent (override 1)").click();
      await page.getByRole("option", { name: `Maya ${run}` }).click();
      await routing.getByRole("button", { name: "Save routing" }).click();
      await expect(page.getByRole("region", { name: "Notifications" }).getByText("Workspace saved", { exact: true })).toBeVisible();
      const listed = await asPlatform<{ items: { channel_agents: Record<string, string> }[] }>("GET", `tenants/${seed.tenantId}/slack-connections`);
      expect(listed.items[0]?.channel_agents).toEqual({ [general]: seed.agentId });
      await page.reload();
      await expect(routing.getByRole("combobox", { name: "Channel (override 1)" })).toHaveValue(`#general-${run}`);
      // Reset for the other viewport's run.
      await asPlatform("PATCH", `tenants/${seed.tenantId}/slack-connections/${encodeURIComponent((await connectionId()) ?? "")}`, { channel_agents: {} });
    });

    await test.step("the proxy asked Slack with this workspace's bot token", async () => {
      const calls = (await (await fetch(`${env.fakeSlackUrl}/_fake/calls?method=conversations.list`)).json()) as { token: string; team_id: string }[];
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((call) => call.token === botToken || call.team_id !== workspace)).toBe(true);
      expect(calls.some((call) => call.token === botToken)).toBe(true);
    });
  });
}

async function connectionId(): Promise<string | undefined> {
  const listed = await asPlatform<{ items: { id: string }[] }>("GET", `tenants/${seed.tenantId}/slack-connections`);
  return listed.items[0]?.id;
}
