// Slack connection and channel-override rules.
import { z } from "zod";
import type { SlackConnectionCreate, SlackConnectionUpdate } from "@/lib/api/types";

export const NO_AGENT = "none";
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

export const slackConnectionSchema = z.object({
  workspace_id: z.string().trim().regex(/^[TE][A-Z0-9]{2,}$/, "A Slack workspace id starts with T (or E), e.g. T024BE7LD."),
  workspace_name: z.string().trim().max(200, "Keep the name under 200 characters."),
  bot_token: z
    .string()
    .trim()
    .regex(/^xox[bp]-\S{6,}$/, "A bot token starts with xoxb-.")
    .max(255, "That is too long for a Slack token."),
  bot_user_id: z.string().trim().regex(/^[UBW][A-Z0-9]{2,}$/, "The bot user id starts with U or B, e.g. U0BOT1234."),
  default_agent_id: z.string(),
});

export type SlackConnectionValues = z.infer<typeof slackConnectionSchema>;

export function slackConnectionPayload(values: SlackConnectionValues): SlackConnectionCreate {
  return {
    workspace_id: values.workspace_id.trim(),
    workspace_name: values.workspace_name.trim(),
    bot_token: values.bot_token.trim(),
    bot_user_id: values.bot_user_id.trim(),
    default_agent_id: values.default_agent_id === NO_AGENT ? null : values.default_agent_id,
  };
}

/** A channel id from what people paste: the id itself, or a channel link like …/archives/C024BE91L. */
export function channelIdFrom(text: string): string {
  const value = text.trim();
  return /\/archives\/([CG][A-Z0-9]+)/.exec(value)?.[1] ?? value;
}

export const channelAgentsSchema = z.object({
  default_agent_id: z.string(),
  overrides: z
    .array(
      z.object({
        channel_id: z
          .string()
          .transform(channelIdFrom)
          .pipe(z.string().regex(CHANNEL_ID, "Paste the channel's link or its id (C or G then letters and digits, e.g. C024BE91L).")),
        agent_id: z.string().min(1, "Choose the agent for this channel."),
      }),
    )
    .superRefine((rows, ctx) => {
      const seen = new Set<string>();
      rows.forEach((row, index) => {
        const id = row.channel_id.trim();
        if (id && seen.has(id)) ctx.addIssue({ code: "custom", path: [index, "channel_id"], message: "This channel already has an override." });
        seen.add(id);
      });
    }),
});

export type ChannelAgentsValues = z.infer<typeof channelAgentsSchema>;

export function channelAgentsPayload(values: ChannelAgentsValues): Pick<SlackConnectionUpdate, "default_agent_id" | "channel_agents"> {
  return {
    default_agent_id: values.default_agent_id === NO_AGENT ? null : values.default_agent_id,
    channel_agents: Object.fromEntries(values.overrides.map((row) => [row.channel_id.trim(), row.agent_id])),
  };
}
