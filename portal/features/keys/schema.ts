// Key issue form rules and the one-line usage example shown with a new secret.
import { z } from "zod";
import type { TenantKeyCreate } from "@/lib/api/types";
import { optionalNumber } from "@/lib/forms";

const optionalPositiveInt = (label: string, max: number) =>
  z
    .string()
    .trim()
    .refine(
      (value) => value === "" || (/^\d+$/.test(value) && Number(value) > 0 && Number(value) <= max),
      `${label} must be a whole number from 1 to ${max.toLocaleString("en")}, or empty for the tenant's limit.`,
    );

export const issueKeySchema = z.object({
  name: z.string().trim().min(1, "Name the key after who uses it, e.g. billing-app.").max(100, "Keep the name under 100 characters."),
  rpm_limit: optionalPositiveInt("Requests per minute", 1_000_000),
  tpm_limit: optionalPositiveInt("Tokens per minute", 1_000_000_000),
  expires_at: z
    .string()
    .refine((value) => value === "" || new Date(`${value}T23:59:59Z`).getTime() > Date.now(), "The expiry date must be in the future."),
});

export type IssueKeyValues = z.infer<typeof issueKeySchema>;

export function issueKeyPayload(values: IssueKeyValues): TenantKeyCreate {
  return {
    name: values.name.trim(),
    rpm_limit: optionalNumber(values.rpm_limit),
    tpm_limit: optionalNumber(values.tpm_limit),
    expires_at: values.expires_at ? new Date(`${values.expires_at}T23:59:59Z`).toISOString() : null,
  };
}

export function curlExample(gatewayUrl: string, secret: string): string {
  const body = JSON.stringify({ model: "konstruct-fast", messages: [{ role: "user", content: "Hello!" }] });
  return `curl ${gatewayUrl}/v1/chat/completions -H "Authorization: Bearer ${secret}" -H "Content-Type: application/json" -d '${body}'`;
}
