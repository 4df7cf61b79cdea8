// Agent Designer rules, and conversions between the form and the admin API's agent.
import { z } from "zod";
import { assignmentsToChoices } from "@/features/tools/schema";
import type { Agent, AgentCreate, ToolAssignment } from "@/lib/api/types";

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

const wholeBetween = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .refine((v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max, `${label} is a whole number from ${min} to ${max}.`);

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
  job_description: z.string().max(20000, "Keep the job description under 20000 characters."),
  statement_of_work: z.string().max(20000, "Keep the statement of work under 20000 characters."),
  max_tool_steps: wholeBetween("Tool steps per turn", 1, 50),
  turn_deadline_seconds: wholeBetween("The time for one turn", 5, 600),
  approver_ids: z
    .array(z.string().trim().regex(SLACK_USER_ID, "A Slack user id starts with U or W, e.g. U024BE7LH."))
    .max(20, "At most 20 approvers."),
  // Registry tools the agent may use and whether it asks first (saved through the agent's tools endpoint).
  tools: z.array(z.object({ key: z.string(), policy: z.enum(["auto", "ask"]) })).max(100, "At most 100 tools."),
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
    job_description: "",
    statement_of_work: "",
    max_tool_steps: "8",
    turn_deadline_seconds: "90",
    approver_ids: [],
    tools: [],
    escalation_rules: [],
    model_tier: "fast",
    is_default: false,
    is_active: true,
  };
}

export function agentToValues(agent: Agent, tools: ToolAssignment[] = []): AgentValues {
  return {
    name: agent.name,
    slug: agent.slug ?? "",
    role: agent.role,
    persona: agent.persona,
    system_prompt: agent.system_prompt,
    job_description: agent.job_description,
    statement_of_work: agent.statement_of_work,
    max_tool_steps: String(agent.max_tool_steps),
    turn_deadline_seconds: String(agent.turn_deadline_seconds),
    approver_ids: agent.approver_ids,
    tools: assignmentsToChoices(tools),
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
  // The tools are not part of the agent: they are saved through the agent's tools endpoint.
  const { slug, max_tool_steps, turn_deadline_seconds, tools, ...rest } = values;
  void tools;
  return {
    ...rest,
    max_tool_steps: Number(max_tool_steps),
    turn_deadline_seconds: Number(turn_deadline_seconds),
    ...(slug.trim() ? { slug: slug.trim() } : {}),
    escalation_rules: values.escalation_rules.map((rule) => ({ ...rule, note: rule.note.trim() })),
  };
}

export const tryMessageSchema = z.object({
  message: z.string().trim().min(1, "Type a message for the agent.").max(4000, "Keep the message under 4000 characters."),
});
