// Operator rules: who is invited (a tenant admin needs a tenant, a platform admin has none), the password
// an invitee or a signed-in operator chooses, and the link an invitation travels in.
import { z } from "zod";
import type { InvitationCreate } from "@/lib/api/types";

export const MIN_PASSWORD_LENGTH = 12;

export const inviteOperatorSchema = z
  .object({
    email: z.string().trim().min(1, "Enter the operator's email.").pipe(z.email("Enter a valid email address.")),
    role: z.enum(["tenant_admin", "platform_admin"]),
    tenant_id: z.string(),
  })
  .superRefine((values, ctx) => {
    if (values.role === "tenant_admin" && !values.tenant_id) {
      ctx.addIssue({ code: "custom", path: ["tenant_id"], message: "Choose the tenant this admin manages." });
    }
  });

export type InviteOperatorValues = z.infer<typeof inviteOperatorSchema>;

export function invitePayload(values: InviteOperatorValues): InvitationCreate {
  return {
    email: values.email.trim(),
    role: values.role,
    tenant_id: values.role === "tenant_admin" ? values.tenant_id : null,
  };
}

const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(200, "Keep the password under 200 characters.");

/** Choosing a password (an invitation or a reset link): typed twice. */
export const choosePasswordSchema = z
  .object({ password: newPassword, confirm: z.string() })
  .refine((values) => values.password === values.confirm, { path: ["confirm"], message: "The two passwords differ." });

export type ChoosePasswordValues = z.infer<typeof choosePasswordSchema>;

/** Changing one's own password: the current one, and the new one twice. */
export const changePasswordSchema = z
  .object({ current_password: z.string().min(1, "Enter your current password."), new_password: newPassword, confirm: z.string() })
  .refine((values) => values.new_password === values.confirm, { path: ["confirm"], message: "The two passwords differ." })
  .refine((values) => values.new_password !== values.current_password, {
    path: ["new_password"],
    message: "Choose a password other than the current one.",
  });

export type ChangePasswordValues = z.infer<typeof changePasswordSchema>;

/**
 * The link an invitee opens. The token rides in the fragment, which browsers never send to a server: it
 * reaches no access log and no Referer; the page hands it to the proxy in a request body.
 */
export function invitationLink(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/invite#${encodeURIComponent(token)}`;
}

export function tokenFromHash(hash: string): string {
  try {
    return decodeURIComponent(hash.replace(/^#/, "")).trim();
  } catch {
    return "";
  }
}
