// Tenant form rules.
import { z } from "zod";
import { budgetField } from "@/features/limits/schema";
import type { TenantCreate } from "@/lib/api/types";

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const tenantSchema = z.object({
  name: z.string().trim().min(1, "Enter the tenant's name.").max(200, "Keep the name under 200 characters."),
  slug: z
    .string()
    .trim()
    .min(2, "The slug needs at least 2 characters.")
    .max(63, "Keep the slug under 64 characters.")
    .regex(SLUG_PATTERN, "Use lowercase letters, digits and single hyphens (e.g. acme-corp)."),
});

export type TenantValues = z.infer<typeof tenantSchema>;

/** A new tenant may start with its monthly budget (the other limits keep their defaults). */
export const newTenantSchema = tenantSchema.extend({ monthly_budget_usd: budgetField });

export type NewTenantValues = z.infer<typeof newTenantSchema>;

export function newTenantPayload(values: NewTenantValues): TenantCreate {
  const budget = values.monthly_budget_usd.trim();
  return {
    name: values.name.trim(),
    slug: values.slug.trim(),
    ...(budget === "" ? {} : { monthly_budget_usd: budget }),
  };
}

export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
}

export const deleteConfirmationSchema = (slug: string) =>
  z.object({
    confirmation: z.string().refine((value) => value.trim() === slug, `Type ${slug} to confirm.`),
  });
