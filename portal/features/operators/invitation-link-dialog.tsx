// Shows a fresh invitation or reset link once: the proxy keeps only its hash, so it cannot be shown again.
"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { CopyButton } from "@/features/keys/copy-button";
import type { InvitationIssued } from "@/lib/api/types";
import { formatDateTime } from "@/lib/utils";
import { invitationLink } from "./schema";

export function InvitationLinkDialog({ issued, onClose }: { issued: InvitationIssued | null; onClose: () => void }) {
  const link = issued ? invitationLink(typeof window === "undefined" ? "" : window.location.origin, issued.token) : "";
  const reset = issued?.purpose === "reset";
  return (
    <Dialog open={issued !== null} onOpenChange={(open) => (open ? null : onClose())}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{reset ? `Reset link for ${issued?.email}` : `Invitation for ${issued?.email}`}</DialogTitle>
          <DialogDescription>
            {reset
              ? "Their old password and every session have ended. With this link they choose a new password."
              : "With this link they choose their own password and sign in."}{" "}
            It works once, until {formatDateTime(issued?.expires_at)}.
          </DialogDescription>
        </DialogHeader>
        <div className="grid gap-2">
          <label htmlFor="invitation-link" className="text-sm font-medium">
            Link
          </label>
          <div className="flex min-w-0 items-center gap-2">
            <input
              id="invitation-link"
              readOnly
              value={link}
              onFocus={(event) => event.currentTarget.select()}
              className="min-w-0 flex-1 rounded-md border bg-muted px-2 py-1.5 font-mono text-xs"
            />
            <CopyButton text={link} label="Copy the link" />
          </div>
        </div>
        <Alert>Send it to them privately (a direct message, not a shared channel). It is shown only now.</Alert>
        <DialogFooter>
          <Button onClick={onClose}>Done</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
