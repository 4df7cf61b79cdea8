// Manual Slack connection: for workspaces installed outside "Add to Slack" (bot token pasted by an admin).
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SelectField, type SelectOption } from "@/components/ui/select-field";
import type { SlackConnectionCreate } from "@/lib/api/types";
import { applyApiError } from "@/lib/forms";
import { NO_AGENT, slackConnectionPayload, slackConnectionSchema, type SlackConnectionValues } from "./schema";

export function SlackConnectionForm({
  agents,
  onSubmit,
}: {
  agents: SelectOption[];
  onSubmit: (body: SlackConnectionCreate) => Promise<unknown>;
}) {
  const {
    control,
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SlackConnectionValues>({
    resolver: zodResolver(slackConnectionSchema),
    defaultValues: { workspace_id: "", workspace_name: "", bot_token: "", bot_user_id: "", default_agent_id: NO_AGENT },
  });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(slackConnectionPayload(values));
      reset();
    } catch (error) {
      applyApiError(error, setError, ["workspace_id", "workspace_name", "bot_token", "bot_user_id", "default_agent_id"]);
    }
  });

  return (
    <form onSubmit={submit} noValidate className="grid gap-4 md:grid-cols-2" aria-label="Connect a workspace manually">
      <FormError message={errors.root?.server?.message} className="md:col-span-2" />
      <Field id="slack-workspace-id" label="Workspace id" error={errors.workspace_id?.message}>
        <Input placeholder="T024BE7LD" spellCheck={false} {...register("workspace_id")} />
      </Field>
      <Field id="slack-workspace-name" label="Workspace name (optional)" error={errors.workspace_name?.message}>
        <Input placeholder="Acme HQ" {...register("workspace_name")} />
      </Field>
      <Field id="slack-bot-token" label="Bot token" error={errors.bot_token?.message} description="Stored encrypted; never shown again.">
        <Input type="password" autoComplete="off" placeholder="xoxb-…" {...register("bot_token")} />
      </Field>
      <Field id="slack-bot-user-id" label="Bot user id" error={errors.bot_user_id?.message}>
        <Input placeholder="U0BOT1234" spellCheck={false} {...register("bot_user_id")} />
      </Field>
      <Controller
        control={control}
        name="default_agent_id"
        render={({ field }) => (
          <SelectField
            id="slack-default-agent"
            label="Default agent"
            value={field.value}
            onChange={field.onChange}
            options={[{ value: NO_AGENT, label: "The tenant's default agent" }, ...agents]}
            error={errors.default_agent_id?.message}
          />
        )}
      />
      <div className="flex items-end justify-end">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Connecting…" : "Connect workspace"}
        </Button>
      </div>
    </form>
  );
}
