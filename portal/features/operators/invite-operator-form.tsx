// Invite an operator: email, initial password (shared out of band), role and tenant.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm, useWatch } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SelectField, type SelectOption } from "@/components/ui/select-field";
import type { OperatorCreate } from "@/lib/api/types";
import { applyApiError } from "@/lib/forms";
import { inviteOperatorSchema, invitePayload, MIN_PASSWORD_LENGTH, type InviteOperatorValues } from "./schema";

const ROLES = [
  { value: "tenant_admin", label: "Tenant admin — one tenant" },
  { value: "platform_admin", label: "Platform admin — every tenant" },
];

export function InviteOperatorForm({
  tenants,
  defaultTenantId = "",
  onSubmit,
  onCancel,
}: {
  tenants: SelectOption[];
  defaultTenantId?: string;
  onSubmit: (body: OperatorCreate) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const {
    control,
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<InviteOperatorValues>({
    resolver: zodResolver(inviteOperatorSchema),
    defaultValues: { email: "", password: "", role: "tenant_admin", tenant_id: defaultTenantId },
  });
  const role = useWatch({ control, name: "role" });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(invitePayload(values));
    } catch (error) {
      applyApiError(error, setError, ["email", "password", "role", "tenant_id"]);
    }
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-label="Invite operator">
      <FormError message={errors.root?.server?.message} />
      <Field id="operator-email" label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="off" autoFocus {...register("email")} />
      </Field>
      <Field
        id="operator-password"
        label="Initial password"
        error={errors.password?.message}
        description={`At least ${MIN_PASSWORD_LENGTH} characters. Share it with them privately.`}
      >
        <Input type="password" autoComplete="new-password" {...register("password")} />
      </Field>
      <Controller
        control={control}
        name="role"
        render={({ field }) => <SelectField id="operator-role" label="Role" value={field.value} onChange={field.onChange} options={ROLES} error={errors.role?.message} />}
      />
      {role === "tenant_admin" ? (
        <Controller
          control={control}
          name="tenant_id"
          render={({ field }) => (
            <SelectField
              id="operator-tenant"
              label="Tenant"
              value={field.value}
              onChange={field.onChange}
              options={tenants}
              placeholder={tenants.length ? "Choose a tenant" : "Create a tenant first"}
              error={errors.tenant_id?.message}
            />
          )}
        />
      ) : null}
      <div className="flex justify-end gap-2">
        {onCancel ? (
          <Button variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Inviting…" : "Invite operator"}
        </Button>
      </div>
    </form>
  );
}
