// Create or edit a tenant (name + slug; the slug follows the name until edited by hand). A new tenant may
// start with its monthly budget.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyApiError } from "@/lib/forms";
import { useLeaveGuard } from "@/lib/leave-guard";
import type { Tenant, TenantCreate } from "@/lib/api/types";
import { newTenantPayload, newTenantSchema, slugify, type NewTenantValues } from "./schema";

export type TenantFormProps = {
  tenant?: Pick<Tenant, "name" | "slug">;
  submitLabel: string;
  onSubmit: (body: TenantCreate) => Promise<unknown>;
  onCancel?: () => void;
};

export function TenantForm({ tenant, submitLabel, onSubmit, onCancel }: TenantFormProps) {
  const {
    register,
    handleSubmit,
    setValue,
    setError,
    getFieldState,
    formState: { errors, isSubmitting, isDirty },
  } = useForm<NewTenantValues>({
    resolver: zodResolver(newTenantSchema),
    defaultValues: { name: tenant?.name ?? "", slug: tenant?.slug ?? "", monthly_budget_usd: "" },
  });

  useLeaveGuard(isDirty);

  const nameField = register("name", {
    onChange: (event: { target: { value: string } }) => {
      if (!tenant && !getFieldState("slug").isDirty) setValue("slug", slugify(event.target.value));
    },
  });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(newTenantPayload(values));
    } catch (error) {
      applyApiError(error, setError, ["name", "slug", "monthly_budget_usd"]);
    }
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4">
      <FormError message={errors.root?.server?.message} />
      <Field id="tenant-name" label="Name" error={errors.name?.message}>
        <Input autoComplete="organization" {...nameField} />
      </Field>
      <Field
        id="tenant-slug"
        label="Slug"
        error={errors.slug?.message}
        description="Lowercase letters, digits and hyphens; used in URLs and logs."
      >
        <Input autoComplete="off" spellCheck={false} {...register("slug")} />
      </Field>
      {tenant ? null : (
        <Field
          id="tenant-budget"
          label="Monthly budget in USD (optional)"
          error={errors.monthly_budget_usd?.message}
          description="Calls are refused once it is spent. Empty: no budget. Every limit can be changed later under Limits."
        >
          <Input inputMode="decimal" placeholder="250" autoComplete="off" {...register("monthly_budget_usd")} />
        </Field>
      )}
      <div className="flex justify-end gap-2">
        {onCancel ? (
          <Button variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : submitLabel}
        </Button>
      </div>
    </form>
  );
}
