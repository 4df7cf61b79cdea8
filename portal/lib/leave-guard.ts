// Unsaved edits are not lost by accident: a form with changes marks itself dirty, and leaving the page
// then asks first — a reload or closed tab through the browser's own prompt (beforeunload), a link or
// the tenant switcher through the portal's dialog (components/shell/leave-guard-dialog.tsx).
import { useEffect, useSyncExternalStore } from "react";

type GuardState = { dirty: number; pending: (() => void) | null };

let state: GuardState = { dirty: 0, pending: null };
const dirtyForms = new Set<symbol>();
// The page a pending leave was asked on: it goes ahead by itself only from there.
let pendingFrom: string | null = null;
const listeners = new Set<() => void>();

function publish(next: Partial<GuardState>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const clean: GuardState = { dirty: 0, pending: null };

export function useLeaveGuardState(): GuardState {
  return useSyncExternalStore(subscribe, () => state, () => clean);
}

/** Call in a form with its `isDirty`: while true, leaving the page asks first. */
export function useLeaveGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const form = Symbol("dirty form");
    dirtyForms.add(form);
    publish({ dirty: dirtyForms.size });
    return () => {
      dirtyForms.delete(form);
      publish({ dirty: dirtyForms.size });
      settlePendingLeave();
    };
  }, [dirty]);
}

function currentPage(): string {
  return typeof window === "undefined" ? "" : `${window.location.pathname}${window.location.search}`;
}

/** Runs `go` now when nothing is unsaved, otherwise once the operator confirms leaving. */
export function leaveOrAsk(go: () => void): void {
  if (dirtyForms.size === 0) {
    go();
    return;
  }
  pendingFrom = currentPage();
  publish({ pending: go });
}

/**
 * A link clicked while a save was still on its way asks, because the form is dirty until the proxy
 * answers. Once nothing is unsaved any more there is nothing to lose: the leave goes ahead without
 * waiting for an answer — unless the page changed meanwhile (the browser's back button), then it is dropped.
 */
function settlePendingLeave(): void {
  if (state.pending === null || dirtyForms.size > 0) return;
  if (currentPage() === pendingFrom) confirmLeave();
  else stayOnPage();
}

export function confirmLeave(): void {
  const go = state.pending;
  pendingFrom = null;
  // The forms are about to unmount; their edits are given up on purpose.
  dirtyForms.clear();
  publish({ dirty: 0, pending: null });
  go?.();
}

export function stayOnPage(): void {
  pendingFrom = null;
  publish({ pending: null });
}

/** The in-app path a plain left click on this element would open, if it is a link worth guarding. */
export function guardedHref(event: MouseEvent, here: Location): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!(anchor instanceof HTMLAnchorElement) || anchor.hasAttribute("download")) return null;
  if (anchor.target && anchor.target !== "_self") return null;
  const url = new URL(anchor.getAttribute("href") ?? "", here.href);
  // Other sites are a full page load, which beforeunload already guards; same page and anchors lose nothing.
  if (url.origin !== here.origin) return null;
  if (url.pathname === here.pathname && url.search === here.search) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
