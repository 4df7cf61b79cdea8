// The tenant limits form.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { Limits, LimitsUpdate } from "@/lib/api/types";
import { applyApiError } from "@/lib/forms";
import { useLeaveGuard } from "@/lib/leave-guard";
import { limitsSchema, limitsToValues, valuesToLimits, type LimitsValues } from "./schema";

export function LimitsForm({ limits, onSubmit }: { limits: Limits; onSubmit: (body: LimitsUpdate) => Promise<unknown> }) {
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting, isDirty },
  } = useForm<LimitsValues>({ resolver: zodResolver(limitsSchema), defaultValues: limitsToValues(limits) });

  useLeaveGuard(isDirty);

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(valuesToLimits(values));
      reset(values);
    } catch (error) {
      applyApiError(
        error,
        setError,
        ["rpm_limit", "tpm_limit", "monthly_budget_usd", "tenant_messages_per_minute", "channel_messages_per_minute"],
        { degrade_at_share: "degrade_at_percent" },
      );
    }
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4 md:grid-cols-2" aria-label="Limits">
      <FormError message={errors.root?.server?.message} className="md:col-span-2" />
      <Field id="limits-rpm" label="Requests per minute (per key)" error={errors.rpm_limit?.message} description="The default for every key; a key’s own limit wins. Empty: no limit.">
        <Input inputMode="numeric" {...register("rpm_limit")} />
      </Field>
      <Field id="limits-tpm" label="Tokens per minute (per key)" error={errors.tpm_limit?.message} description="Empty: no limit.">
        <Input inputMode="numeric" {...register("tpm_limit")} />
      </Field>
      <Field id="limits-budget" label="Monthly budget (USD)" error={errors.monthly_budget_usd?.message} description="Calls are refused once it is spent. Empty: no budget.">
        <Input inputMode="decimal" {...register("monthly_budget_usd")} />
      </Field>
      <Field id="limits-degrade" label="Degrade to the fast tier at (% of budget)" error={errors.degrade_at_percent?.message} description="From this share of the budget on, quality agents answer with the fast tier.">
        <Input inputMode="decimal" {...register("degrade_at_percent")} />
      </Field>
      <Field id="limits-tenant-mpm" label="Slack messages per minute (tenant)" error={errors.tenant_messages_per_minute?.message}>
        <Input inputMode="numeric" {...register("tenant_messages_per_minute")} />
      </Field>
      <Field id="limits-channel-mpm" label="Slack messages per minute (per channel)" error={errors.channel_messages_per_minute?.message}>
        <Input inputMode="numeric" {...register("channel_messages_per_minute")} />
      </Field>
      <div className="flex items-center gap-3 md:col-span-2">
        <Button type="submit" disabled={isSubmitting || !isDirty}>
          {isSubmitting ? "Saving…" : "Save limits"}
        </Button>
        {isDirty ? <span className="text-xs text-muted-foreground">Unsaved changes</span> : null}
      </div>
    </form>
  );
}
