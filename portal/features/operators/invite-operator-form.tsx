// Invite an operator: email, role and tenant. They choose their own password from a one-time link.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm, useWatch } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SelectField, type SelectOption } from "@/components/ui/select-field";
import type { InvitationCreate } from "@/lib/api/types";
import { applyApiError } from "@/lib/forms";
import { inviteOperatorSchema, invitePayload, type InviteOperatorValues } from "./schema";

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
  onSubmit: (body: InvitationCreate) => Promise<unknown>;
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
    defaultValues: { email: "", role: "tenant_admin", tenant_id: defaultTenantId },
  });
  const role = useWatch({ control, name: "role" });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(invitePayload(values));
    } catch (error) {
      applyApiError(error, setError, ["email", "role", "tenant_id"]);
    }
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-label="Invite operator">
      <FormError message={errors.root?.server?.message} />
      <Field id="operator-email" label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="off" autoFocus {...register("email")} />
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
          {isSubmitting ? "Creating the link…" : "Create invitation link"}
        </Button>
      </div>
    </form>
  );
}
