// Operator invite rules: a tenant admin needs a tenant; a platform admin has none.
import { z } from "zod";
import type { OperatorCreate } from "@/lib/api/types";

export const MIN_PASSWORD_LENGTH = 12;

export const inviteOperatorSchema = z
  .object({
    email: z.string().trim().min(1, "Enter the operator's email.").pipe(z.email("Enter a valid email address.")),
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
      .max(200, "Keep the password under 200 characters."),
    role: z.enum(["tenant_admin", "platform_admin"]),
    tenant_id: z.string(),
  })
  .superRefine((values, ctx) => {
    if (values.role === "tenant_admin" && !values.tenant_id) {
      ctx.addIssue({ code: "custom", path: ["tenant_id"], message: "Choose the tenant this admin manages." });
    }
  });

export type InviteOperatorValues = z.infer<typeof inviteOperatorSchema>;

export function invitePayload(values: InviteOperatorValues): OperatorCreate {
  return {
    email: values.email.trim(),
    password: values.password,
    role: values.role,
    tenant_id: values.role === "tenant_admin" ? values.tenant_id : null,
  };
}
