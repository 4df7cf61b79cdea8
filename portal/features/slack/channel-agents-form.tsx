// A workspace's routing: its default agent and per-channel agent overrides (channel → agent), channels picked by name.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Plus, Trash2 } from "lucide-react";
import { Controller, useFieldArray, useForm } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SelectField, type SelectOption } from "@/components/ui/select-field";
import type { SlackConnection, SlackConnectionUpdate } from "@/lib/api/types";
import { errorMessage } from "@/lib/api/errors";
import { applyApiError } from "@/lib/forms";
import { useLeaveGuard } from "@/lib/leave-guard";
import { useSlackChannels } from "./api";
import { ChannelPicker } from "./channel-picker";
import { channelAgentsPayload, channelAgentsSchema, NO_AGENT, type ChannelAgentsValues } from "./schema";

export function ChannelAgentsForm({
  tenantId,
  connection,
  agents,
  onSubmit,
}: {
  tenantId: string;
  connection: Pick<SlackConnection, "id" | "default_agent_id" | "channel_agents">;
  agents: SelectOption[];
  onSubmit: (body: Pick<SlackConnectionUpdate, "default_agent_id" | "channel_agents">) => Promise<unknown>;
}) {
  const {
    control,
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting, isDirty },
  } = useForm<ChannelAgentsValues>({
    resolver: zodResolver(channelAgentsSchema),
    defaultValues: {
      default_agent_id: connection.default_agent_id ?? NO_AGENT,
      overrides: Object.entries(connection.channel_agents).map(([channel_id, agent_id]) => ({ channel_id, agent_id })),
    },
  });
  const { fields, append, remove } = useFieldArray({ control, name: "overrides" });
  const prefix = `connection-${connection.id}`;
  const channelList = useSlackChannels(tenantId, connection.id);
  const channels = channelList.data?.items;

  useLeaveGuard(isDirty);

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(channelAgentsPayload(values));
      reset(values);
    } catch (error) {
      applyApiError(error, setError, ["default_agent_id"], { channel_agents: "overrides" });
    }
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-label="Agent routing">
      <FormError message={errors.root?.server?.message ?? errors.overrides?.message} />
      <Controller
        control={control}
        name="default_agent_id"
        render={({ field }) => (
          <SelectField
            id={`${prefix}-default-agent`}
            label="Default agent for this workspace"
            value={field.value}
            onChange={field.onChange}
            options={[{ value: NO_AGENT, label: "The tenant's default agent" }, ...agents]}
            className="max-w-sm"
          />
        )}
      />
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Channel overrides</legend>
        {channels ? (
          <p className="text-xs text-muted-foreground">
            Choose a channel by name from this workspace{channelList.data?.truncated ? " (the first channels Slack listed)" : ""}. The app
            answers only where it was added: in Slack, /invite the app to the channel.
          </p>
        ) : (
          <p className="text-xs text-muted-foreground">
            {channelList.isError ? `The channel list could not be loaded: ${errorMessage(channelList.error)} ` : null}A channel is named by
            its Slack id. In Slack, right-click the channel → Copy → Copy link, and paste the link here; or open the channel’s details:
            the id (C… or G…) is at the bottom of About.
          </p>
        )}
        {fields.length === 0 ? <p className="text-sm text-muted-foreground">Every channel uses the default agent.</p> : null}
        {fields.map((field, index) => (
          <div key={field.id} role="group" aria-label={`Channel override ${index + 1}`} className="grid items-start gap-2 sm:grid-cols-[1fr_1fr_auto]">
            {channels ? (
              <Controller
                control={control}
                name={`overrides.${index}.channel_id`}
                render={({ field: channel }) => (
                  <ChannelPicker
                    id={`${prefix}-override-${index}-channel`}
                    label={`Channel (override ${index + 1})`}
                    value={channel.value}
                    onChange={channel.onChange}
                    onBlur={channel.onBlur}
                    channels={channels}
                    error={errors.overrides?.[index]?.channel_id?.message}
                  />
                )}
              />
            ) : (
              <Field id={`${prefix}-override-${index}-channel`} label={`Channel link or id (override ${index + 1})`} error={errors.overrides?.[index]?.channel_id?.message}>
                <Input placeholder="C024BE91L" spellCheck={false} {...register(`overrides.${index}.channel_id`)} />
              </Field>
            )}
            <Controller
              control={control}
              name={`overrides.${index}.agent_id`}
              render={({ field: agent }) => (
                <SelectField
                  id={`${prefix}-override-${index}-agent`}
                  label={`Agent (override ${index + 1})`}
                  value={agent.value}
                  onChange={agent.onChange}
                  options={agents}
                  placeholder="Choose an agent"
                  error={errors.overrides?.[index]?.agent_id?.message}
                />
              )}
            />
            <Button variant="ghost" size="icon" className="mt-6" aria-label={`Remove override ${index + 1}`} onClick={() => remove(index)}>
              <Trash2 aria-hidden />
            </Button>
          </div>
        ))}
        <div>
          <Button variant="outline" size="sm" onClick={() => append({ channel_id: "", agent_id: "" }, { shouldFocus: true })}>
            <Plus aria-hidden />
            Add channel override
          </Button>
        </div>
      </fieldset>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isSubmitting || !isDirty}>
          {isSubmitting ? "Saving…" : "Save routing"}
        </Button>
        {isDirty ? <span className="text-xs text-muted-foreground">Unsaved changes</span> : null}
      </div>
    </form>
  );
}
