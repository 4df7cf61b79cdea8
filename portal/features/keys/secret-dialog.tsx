// Shows a new key's secret exactly once, with a copy button and a ready-to-run curl line. Closing it
// any other way than "I have copied it" (Escape, the close button) asks first: the secret is gone after.
"use client";

import { useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
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
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { TenantKeyCreated } from "@/lib/api/types";
import { CopyButton } from "./copy-button";
import { curlExample } from "./schema";

export function SecretDialog({ created, gatewayUrl, onClose }: { created: TenantKeyCreated | null; gatewayUrl: string; onClose: () => void }) {
  const copyRef = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);
  const curl = created ? curlExample(gatewayUrl, created.secret) : "";

  function close() {
    setConfirming(false);
    onClose();
  }

  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && setConfirming(true)}>
      <DialogContent
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          copyRef.current?.focus();
        }}
        onInteractOutside={(event) => event.preventDefault()}
      >
        <DialogHeader>
          <DialogTitle>Key {created?.name} issued</DialogTitle>
          <DialogDescription>Copy the secret now: it is shown only once and cannot be recovered.</DialogDescription>
        </DialogHeader>
        {created ? (
          <div className="grid gap-4">
            <div className="grid gap-1.5">
              <p className="text-sm font-medium" id="secret-label">
                Secret
              </p>
              <div className="flex items-center gap-2">
                <code aria-labelledby="secret-label" data-testid="key-secret" className="min-w-0 flex-1 break-all rounded-md bg-muted px-3 py-2 font-mono text-xs">
                  {created.secret}
                </code>
                <CopyButton ref={copyRef} text={created.secret} label="Copy secret" />
              </div>
            </div>
            <div className="grid gap-1.5">
              <p className="text-sm font-medium" id="curl-label">
                Try it
              </p>
              <div className="flex items-start gap-2">
                <code aria-labelledby="curl-label" className="min-w-0 flex-1 break-all rounded-md bg-muted px-3 py-2 font-mono text-xs">
                  {curl}
                </code>
                <CopyButton text={curl} label="Copy curl command" />
              </div>
            </div>
            <Alert>Add the header X-Konstruct-Agent: &lt;agent slug&gt; to speak as a specific agent.</Alert>
          </div>
        ) : null}
        <DialogFooter>
          <Button onClick={close}>I have copied it</Button>
        </DialogFooter>
      </DialogContent>
      <AlertDialog open={confirming} onOpenChange={setConfirming}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Close without the secret?</AlertDialogTitle>
            <AlertDialogDescription>
              This is the only time the secret is shown. Once closed, only its prefix is listed; a lost secret means rotating the key.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Keep it open</AlertDialogCancel>
            <AlertDialogAction onClick={close}>Close anyway</AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </Dialog>
  );
}
