// The invitee's side of a link: reads the token from the URL's fragment, says what the link is for, and sets
// the chosen password (an invitation creates the operator; a reset replaces the password).
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { InvitationPreview } from "@/lib/api/types";
import { formatDateTime } from "@/lib/utils";
import { choosePasswordSchema, MIN_PASSWORD_LENGTH, tokenFromHash, type ChoosePasswordValues } from "./schema";

type Preview = (token: string) => Promise<{ preview: InvitationPreview } | { error: string }>;
type Accept = (token: string, values: ChoosePasswordValues) => Promise<{ error: string } | undefined>;

const INCOMPLETE = "This link is incomplete. Copy the whole link from the message you got.";

export function AcceptInvitation({ preview, accept }: { preview: Preview; accept: Accept }) {
  const token = useRef<string | null>(null);
  const [state, setState] = useState<{ token: string; result: { preview: InvitationPreview } | { error: string } } | null>(null);

  useEffect(() => {
    // Read once (a ref survives React re-running the effect) and dropped from the address bar, so the token
    // stays out of the history.
    if (token.current === null) {
      token.current = tokenFromHash(window.location.hash);
      window.history.replaceState(null, "", window.location.pathname);
    }
    let live = true;
    const found = token.current;
    void (found ? preview(found) : Promise.resolve({ error: INCOMPLETE })).then((result) => {
      if (live) setState({ token: found, result });
    });
    return () => {
      live = false;
    };
  }, [preview]);

  if (state === null) return <p role="status">Checking the link…</p>;
  if ("error" in state.result) {
    return (
      <div className="grid gap-4">
        <Alert variant="destructive">{state.result.error}</Alert>
        <p className="text-sm text-muted-foreground">Ask the person who invited you for a new link, or sign in if you already have a password.</p>
        <Button asChild variant="outline">
          <Link href="/login">Go to sign in</Link>
        </Button>
      </div>
    );
  }
  return <ChoosePassword token={state.token} invitation={state.result.preview} accept={accept} />;
}

function ChoosePassword({ token, invitation, accept }: { token: string; invitation: InvitationPreview; accept: Accept }) {
  const [serverError, setServerError] = useState<string>();
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<ChoosePasswordValues>({ resolver: zodResolver(choosePasswordSchema), defaultValues: { password: "", confirm: "" } });
  const reset = invitation.purpose === "reset";
  const what =
    invitation.role === "platform_admin" ? "a platform admin (every tenant)" : `the admin of ${invitation.tenant_name ?? "a tenant"}`;

  const submit = handleSubmit(async (values) => {
    setServerError(undefined);
    const result = await accept(token, values);
    if (result?.error) setServerError(result.error);
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-label="Choose your password">
      <p className="text-sm">
        {reset ? "Your password was reset. Choose a new one for " : "You are invited as " + what + ". Choose a password for "}
        <strong className="[overflow-wrap:anywhere]">{invitation.email}</strong>.
      </p>
      <p className="text-xs text-muted-foreground">This link works once, until {formatDateTime(invitation.expires_at)}.</p>
      <FormError message={serverError} />
      <input type="email" autoComplete="username" value={invitation.email} readOnly hidden />
      <Field id="invite-password" label="New password" error={errors.password?.message} description={`At least ${MIN_PASSWORD_LENGTH} characters; a few words make a good one.`}>
        <Input type="password" autoComplete="new-password" autoFocus {...register("password")} />
      </Field>
      <Field id="invite-confirm" label="New password again" error={errors.confirm?.message}>
        <Input type="password" autoComplete="new-password" {...register("confirm")} />
      </Field>
      <Button type="submit" disabled={isSubmitting} className="w-full">
        {isSubmitting ? "Saving…" : reset ? "Set password and sign in" : "Create my account and sign in"}
      </Button>
    </form>
  );
}
