// Agent Designer rules, and conversions between the form and the admin API's agent.
import { z } from "zod";
import type { Agent, AgentCreate } from "@/lib/api/types";

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const AGENT_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const escalationRuleSchema = z
  .object({
    keywords: z
      .array(z.string().trim().min(1).max(100, "Keep keywords under 100 characters."))
      .min(1, "Add at least one keyword.")
      .max(50, "At most 50 keywords per rule."),
    target_type: z.enum(["user", "channel"]),
    target: z.string().trim().min(1, "Enter the Slack id to escalate to."),
    note: z.string().trim().max(500, "Keep the note under 500 characters."),
  })
  .superRefine((rule, ctx) => {
    if (!rule.target) return;
    const pattern = rule.target_type === "user" ? SLACK_USER_ID : SLACK_CHANNEL_ID;
    if (!pattern.test(rule.target)) {
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message:
          rule.target_type === "user"
            ? "A Slack user id starts with U or W, e.g. U024BE7LH."
            : "A Slack channel id starts with C or G, e.g. C024BE91L.",
      });
    }
  });

export const agentSchema = z.object({
  name: z.string().trim().min(1, "Give the agent a name.").max(100, "Keep the name under 100 characters."),
  slug: z
    .string()
    .trim()
    .max(63, "Keep the slug under 64 characters.")
    .refine((value) => value === "" || AGENT_SLUG.test(value), "Use lowercase letters, digits and single hyphens."),
  role: z.string().trim().min(1, "Describe the agent's role, e.g. Customer support specialist.").max(200, "Keep the role under 200 characters."),
  persona: z.string().trim().min(1, "Describe how the agent speaks and behaves.").max(20000, "Keep the persona under 20000 characters."),
  system_prompt: z.string().max(20000, "Keep the instructions under 20000 characters."),
  tool_assignments: z.array(z.string().max(100, "Keep tool names under 100 characters.")).max(50, "At most 50 tools."),
  escalation_rules: z.array(escalationRuleSchema).max(50, "At most 50 escalation rules."),
  model_tier: z.enum(["fast", "quality"]),
  is_default: z.boolean(),
  is_active: z.boolean(),
});

export type AgentValues = z.infer<typeof agentSchema>;
export type EscalationRuleValues = AgentValues["escalation_rules"][number];

export const emptyEscalationRule = (): EscalationRuleValues => ({ keywords: [], target_type: "user", target: "", note: "" });

export function agentDefaults(name: string): AgentValues {
  return {
    name,
    slug: "",
    role: "",
    persona: "",
    system_prompt: "",
    tool_assignments: [],
    escalation_rules: [],
    model_tier: "fast",
    is_default: false,
    is_active: true,
  };
}

export function agentToValues(agent: Agent): AgentValues {
  return {
    name: agent.name,
    slug: agent.slug ?? "",
    role: agent.role,
    persona: agent.persona,
    system_prompt: agent.system_prompt,
    tool_assignments: agent.tool_assignments,
    escalation_rules: agent.escalation_rules.map((rule) => ({
      keywords: rule.keywords,
      target_type: rule.target_type,
      target: rule.target,
      note: rule.note ?? "",
    })),
    model_tier: agent.model_tier,
    is_default: agent.is_default,
    is_active: agent.is_active,
  };
}

export function valuesToAgent(values: AgentValues): AgentCreate {
  const { slug, ...rest } = values;
  return {
    ...rest,
    ...(slug.trim() ? { slug: slug.trim() } : {}),
    escalation_rules: values.escalation_rules.map((rule) => ({ ...rule, note: rule.note.trim() })),
  };
}

export const tryMessageSchema = z.object({
  message: z.string().trim().min(1, "Type a message for the agent.").max(4000, "Keep the message under 4000 characters."),
});
