// Deleting a tenant removes all its data: the operator must type the tenant's slug to confirm.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyApiError } from "@/lib/forms";
import type { Tenant } from "@/lib/api/types";
import { deleteConfirmationSchema } from "./schema";

export type DeleteTenantDialogProps = {
  tenant: Pick<Tenant, "id" | "name" | "slug">;
  onDelete: (tenantId: string) => Promise<unknown>;
  onDeleted?: () => void;
};

export function DeleteTenantDialog({ tenant, onDelete, onDeleted }: DeleteTenantDialogProps) {
  const [open, setOpen] = useState(false);
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<{ confirmation: string }>({
    resolver: zodResolver(deleteConfirmationSchema(tenant.slug)),
    defaultValues: { confirmation: "" },
  });

  const submit = handleSubmit(async () => {
    try {
      await onDelete(tenant.id);
      setOpen(false);
      onDeleted?.();
    } catch (error) {
      applyApiError(error, setError, []);
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="destructive">Delete tenant</Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Delete {tenant.name}?</DialogTitle>
          <DialogDescription>
            This removes the tenant and all of its agents, keys, Slack connections, usage and audit history. It cannot be
            undone.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <FormError message={errors.root?.server?.message} />
          <Field
            id="delete-confirmation"
            label={
              <>
                Type <code className="rounded bg-muted px-1 font-mono">{tenant.slug}</code> to confirm
              </>
            }
            error={errors.confirmation?.message}
          >
            <Input autoComplete="off" spellCheck={false} autoFocus {...register("confirmation")} />
          </Field>
          <DialogFooter>
            <Button variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="destructive" disabled={isSubmitting}>
              {isSubmitting ? "Deleting…" : "Delete tenant"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
