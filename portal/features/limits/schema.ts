// Limits form rules (the proxy's bounds); empty rate limits and budget mean "none", and the degrade point
// is entered as a percentage of the budget. Money and shares travel as decimal strings.
import { z } from "zod";
import type { Limits, LimitsUpdate } from "@/lib/api/types";
import { numberText, optionalNumber } from "@/lib/forms";

const WHOLE = /^\d+$/;

const optionalWhole = (label: string, max: number) =>
  z
    .string()
    .trim()
    .refine(
      (v) => v === "" || (WHOLE.test(v) && Number(v) > 0 && Number(v) <= max),
      `${label} must be a whole number from 1 to ${max.toLocaleString("en")}, or empty for no limit.`,
    );

const messagesPerMinute = (label: string) =>
  z
    .string()
    .trim()
    .refine((v) => WHOLE.test(v) && Number(v) <= 100_000, `${label} must be a whole number from 0 to 100,000.`);

/** A monthly budget in USD as typed: empty for none. */
export const budgetField = z
  .string()
  .trim()
  .refine(
    (v) => v === "" || (/^\d{1,8}(\.\d{1,4})?$/.test(v) && Number(v) <= 99_999_999),
    "The budget is an amount in USD like 250 or 99.50 (up to 4 decimals), or empty for no budget.",
  );

export const limitsSchema = z.object({
  rpm_limit: optionalWhole("Requests per minute", 1_000_000),
  tpm_limit: optionalWhole("Tokens per minute", 1_000_000_000),
  monthly_budget_usd: budgetField,
  degrade_at_percent: z
    .string()
    .trim()
    .refine((v) => /^\d{1,3}(\.\d)?$/.test(v) && Number(v) > 0 && Number(v) <= 100, "Enter a percentage above 0 and up to 100 (one decimal at most)."),
  tenant_messages_per_minute: messagesPerMinute("Messages per minute (tenant)"),
  channel_messages_per_minute: messagesPerMinute("Messages per minute (channel)"),
});

export type LimitsValues = z.infer<typeof limitsSchema>;

export function limitsToValues(limits: Limits): LimitsValues {
  return {
    rpm_limit: numberText(limits.rpm_limit),
    tpm_limit: numberText(limits.tpm_limit),
    monthly_budget_usd: limits.monthly_budget_usd === null ? "" : String(Number(limits.monthly_budget_usd)),
    degrade_at_percent: String(Math.round(Number(limits.degrade_at_share) * 1000) / 10),
    tenant_messages_per_minute: numberText(limits.tenant_messages_per_minute),
    channel_messages_per_minute: numberText(limits.channel_messages_per_minute),
  };
}

export function valuesToLimits(values: LimitsValues): LimitsUpdate {
  const budget = values.monthly_budget_usd.trim();
  return {
    rpm_limit: optionalNumber(values.rpm_limit),
    tpm_limit: optionalNumber(values.tpm_limit),
    monthly_budget_usd: budget === "" ? null : budget,
    degrade_at_share: String(Math.round(Number(values.degrade_at_percent) * 10) / 1000),
    tenant_messages_per_minute: Number(values.tenant_messages_per_minute),
    channel_messages_per_minute: Number(values.channel_messages_per_minute),
  };
}
