import { describe, expect, it } from "vitest";
import { guardedHref } from "@/lib/leave-guard";

const here = new URL("http://portal.test/tenants/t-1/agents/a-1") as unknown as Location;

function clickOn(html: string, init: MouseEventInit = {}): MouseEvent {
  document.body.innerHTML = html;
  const target = document.body.querySelector("[data-target]") ?? document.body.firstElementChild;
  const event = new MouseEvent("click", { button: 0, bubbles: true, cancelable: true, ...init });
  Object.defineProperty(event, "target", { value: target });
  return event;
}

describe("which clicks the unsaved-edits guard stops", () => {
  it("a plain click on a link to another portal page, also on an element inside the link", () => {
    expect(guardedHref(clickOn('<a href="/tenants/t-1/keys">Keys</a>'), here)).toBe("/tenants/t-1/keys");
    expect(guardedHref(clickOn('<a href="/tenants/t-1/usage?days=7"><span data-target>Usage</span></a>'), here)).toBe("/tenants/t-1/usage?days=7");
  });

  it("not a new tab, a download, another site, the same page or a button", () => {
    expect(guardedHref(clickOn('<a href="/tenants">x</a>', { ctrlKey: true }), here)).toBeNull();
    expect(guardedHref(clickOn('<a href="/tenants" target="_blank">x</a>'), here)).toBeNull();
    expect(guardedHref(clickOn('<a href="/export.csv" download>x</a>'), here)).toBeNull();
    expect(guardedHref(clickOn('<a href="https://slack.com/oauth">x</a>'), here)).toBeNull();
    expect(guardedHref(clickOn('<a href="/tenants/t-1/agents/a-1#preview">x</a>'), here)).toBeNull();
    expect(guardedHref(clickOn("<button>Save</button>"), here)).toBeNull();
  });
});
