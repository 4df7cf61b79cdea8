// An invitation or password reset link: the invitee chooses a password here. Reachable signed out.
import type { Metadata } from "next";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { AcceptInvitation } from "@/features/operators/accept-invitation";
import { accept, preview } from "./actions";

export const metadata: Metadata = { title: "Choose your password", referrer: "no-referrer" };

export default function InvitePage() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-sidebar px-4 py-8">
      <Card className="w-full max-w-md">
        <CardHeader>
          <p className="text-sm font-semibold tracking-wide text-primary">Konstruct</p>
          <h1 className="text-2xl font-semibold tracking-tight">Choose your password</h1>
        </CardHeader>
        <CardContent>
          <AcceptInvitation preview={preview} accept={accept} />
        </CardContent>
      </Card>
    </main>
  );
}
