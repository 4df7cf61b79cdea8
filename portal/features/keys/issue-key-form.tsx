// The form for issuing a tenant key (name, optional per-key limits and expiry).
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { TenantKeyCreate } from "@/lib/api/types";
import { applyApiError } from "@/lib/forms";
import { issueKeyPayload, issueKeySchema, type IssueKeyValues } from "./schema";

export function IssueKeyForm({ onSubmit, onCancel }: { onSubmit: (body: TenantKeyCreate) => Promise<unknown>; onCancel?: () => void }) {
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<IssueKeyValues>({
    resolver: zodResolver(issueKeySchema),
    defaultValues: { name: "", rpm_limit: "", tpm_limit: "", expires_at: "" },
  });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(issueKeyPayload(values));
    } catch (error) {
      applyApiError(error, setError, ["name", "rpm_limit", "tpm_limit", "expires_at"]);
    }
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4">
      <FormError message={errors.root?.server?.message} />
      <Field id="key-name" label="Name" error={errors.name?.message}>
        <Input autoComplete="off" autoFocus {...register("name")} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="key-rpm" label="Requests per minute" error={errors.rpm_limit?.message} description="Empty: the tenant's limit.">
          <Input inputMode="numeric" {...register("rpm_limit")} />
        </Field>
        <Field id="key-tpm" label="Tokens per minute" error={errors.tpm_limit?.message} description="Empty: the tenant's limit.">
          <Input inputMode="numeric" {...register("tpm_limit")} />
        </Field>
      </div>
      <Field id="key-expires" label="Expires on (optional)" error={errors.expires_at?.message} description="The key stops working at the end of this day (UTC).">
        <Input type="date" {...register("expires_at")} />
      </Field>
      <div className="flex justify-end gap-2">
        {onCancel ? (
          <Button variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Issuing…" : "Issue key"}
        </Button>
      </div>
    </form>
  );
}
