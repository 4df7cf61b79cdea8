// Short confirmations after a change ("Agent saved"): a tiny store the toaster renders and anyone can push to.
import { useSyncExternalStore } from "react";

export type Toast = { id: number; message: string };

/** How long a toast stays; long enough to read twice, short enough not to pile up. */
export const TOAST_MS = 6000;

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function publish(next: Toast[]) {
  toasts = next;
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  publish(toasts.filter((toast) => toast.id !== id));
}

export function toast(message: string): void {
  const id = nextId++;
  // At most three at once: the oldest confirmations matter least.
  publish([...toasts.slice(-2), { id, message }]);
  setTimeout(() => dismissToast(id), TOAST_MS);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const none: Toast[] = [];

export function useToasts(): Toast[] {
  return useSyncExternalStore(subscribe, () => toasts, () => none);
}
