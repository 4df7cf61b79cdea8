import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { guardedHref, leaveOrAsk, stayOnPage, useLeaveGuard, useLeaveGuardState } from "@/lib/leave-guard";

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

describe("a leave asked about while a save is on its way", () => {
  function dirtyForm() {
    return renderHook(({ dirty }) => useLeaveGuard(dirty), { initialProps: { dirty: true } });
  }

  it("goes ahead by itself once the form is saved (clean), and the dialog closes", () => {
    const form = dirtyForm();
    const go = vi.fn();
    act(() => leaveOrAsk(go));
    expect(go).not.toHaveBeenCalled();
    const asking = renderHook(() => useLeaveGuardState());
    expect(asking.result.current.pending).not.toBeNull();
    act(() => form.rerender({ dirty: false }));
    expect(go).toHaveBeenCalledOnce();
    expect(asking.result.current).toMatchObject({ dirty: 0, pending: null });
    form.unmount();
  });

  it("keeps asking while the edits are still unsaved", () => {
    const form = dirtyForm();
    const other = dirtyForm();
    const go = vi.fn();
    act(() => leaveOrAsk(go));
    act(() => form.rerender({ dirty: false }));
    expect(go).not.toHaveBeenCalled();
    act(() => stayOnPage());
    form.unmount();
    other.unmount();
    expect(go).not.toHaveBeenCalled();
  });

  it("is dropped when the page changed meanwhile (the browser's back button)", () => {
    const form = dirtyForm();
    const go = vi.fn();
    act(() => leaveOrAsk(go));
    window.history.pushState(null, "", "/tenants/t-1/usage");
    act(() => form.unmount());
    expect(go).not.toHaveBeenCalled();
    expect(renderHook(() => useLeaveGuardState()).result.current.pending).toBeNull();
  });

  it("a clean page leaves at once", () => {
    const go = vi.fn();
    leaveOrAsk(go);
    expect(go).toHaveBeenCalledOnce();
  });
});
