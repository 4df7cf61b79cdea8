// Profile: the operator's account, a password change (current password required; other devices signed out),
// and "sign out everywhere".
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { LogOut } from "lucide-react";
import { useForm } from "react-hook-form";
import type { SessionOperator } from "@/auth";
import { FormError } from "@/components/form-error";
import { PageHeader } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useLeaveGuard } from "@/lib/leave-guard";
import { toast } from "@/lib/toast";
import { changePasswordSchema, MIN_PASSWORD_LENGTH, type ChangePasswordValues } from "./schema";

type ChangePassword = (values: ChangePasswordValues) => Promise<{ ok: true } | { error: string; field?: "current_password" | "new_password" }>;

export function Profile({ operator, changePassword }: { operator: SessionOperator; changePassword: ChangePassword }) {
  return (
    <>
      <PageHeader title="Profile" description="Your account on this portal." />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Account</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[minmax(0,6rem)_minmax(0,1fr)] gap-x-3 gap-y-2 text-sm [overflow-wrap:anywhere]">
              <dt className="text-muted-foreground">Email</dt>
              <dd>{operator.email}</dd>
              <dt className="text-muted-foreground">Role</dt>
              <dd>{operator.role === "platform_admin" ? "Platform admin (every tenant)" : "Tenant admin"}</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Change password</CardTitle>
            <CardDescription>Every other device where you are signed in is signed out; this one stays.</CardDescription>
          </CardHeader>
          <CardContent>
            <ChangePasswordForm email={operator.email} changePassword={changePassword} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Sign out everywhere</CardTitle>
            <CardDescription>Ends every session of your account, this one too: a lost laptop or a shared computer is signed out at once.</CardDescription>
          </CardHeader>
          <CardContent>
            <form method="post" action="/logout">
              <Button type="submit" variant="outline">
                <LogOut aria-hidden />
                Sign out on every device
              </Button>
            </form>
          </CardContent>
        </Card>
      </div>
    </>
  );
}

export function ChangePasswordForm({ email, changePassword }: { email: string; changePassword: ChangePassword }) {
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting, isDirty },
  } = useForm<ChangePasswordValues>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { current_password: "", new_password: "", confirm: "" },
  });
  useLeaveGuard(isDirty);

  const submit = handleSubmit(async (values) => {
    const result = await changePassword(values);
    if ("ok" in result) {
      reset();
      toast("Password changed; your other devices are signed out");
      return;
    }
    setError(result.field ?? "root.server", { type: "server", message: result.error }, { shouldFocus: Boolean(result.field) });
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-label="Change password">
      <FormError message={errors.root?.server?.message} />
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      <Field id="current-password" label="Current password" error={errors.current_password?.message}>
        <Input type="password" autoComplete="current-password" {...register("current_password")} />
      </Field>
      <Field id="new-password" label="New password" error={errors.new_password?.message} description={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
        <Input type="password" autoComplete="new-password" {...register("new_password")} />
      </Field>
      <Field id="confirm-password" label="New password again" error={errors.confirm?.message}>
        <Input type="password" autoComplete="new-password" {...register("confirm")} />
      </Field>
      <div>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Changing…" : "Change password"}
        </Button>
      </div>
    </form>
  );
}
