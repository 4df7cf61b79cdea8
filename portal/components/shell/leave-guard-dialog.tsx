// Asks before a link or the tenant switcher leaves a page with unsaved edits (see lib/leave-guard.ts).
"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { confirmLeave, guardedHref, leaveOrAsk, stayOnPage, useLeaveGuardState } from "@/lib/leave-guard";

export function LeaveGuardDialog() {
  const router = useRouter();
  const { dirty, pending } = useLeaveGuardState();

  useEffect(() => {
    if (dirty === 0) return;
    function onBeforeUnload(event: BeforeUnloadEvent) {
      event.preventDefault();
      // Older Chromium shows its prompt only when returnValue is set.
      event.returnValue = "";
    }
    function onClick(event: MouseEvent) {
      const href = guardedHref(event, window.location);
      if (!href) return;
      // Captured on the document, before Next's <Link> handler sees the click.
      event.preventDefault();
      event.stopPropagation();
      leaveOrAsk(() => router.push(href));
    }
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty, router]);

  return (
    <AlertDialog open={pending !== null} onOpenChange={(open) => !open && stayOnPage()}>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Leave without saving?</AlertDialogTitle>
          <AlertDialogDescription>This page has changes that are not saved yet. If you leave now, they are lost.</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Stay on this page</AlertDialogCancel>
          <AlertDialogAction onClick={confirmLeave}>Leave and discard</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
