// The Agent Designer form: identity, persona, instructions, the job, tools and their policies, escalation, model tier and flags.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import type { ReactNode } from "react";
import { Controller, useForm, useWatch, type Control } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { SelectField } from "@/components/ui/select-field";
import { Switch } from "@/components/ui/switch";
import { TagInput } from "@/components/ui/tag-input";
import { Textarea } from "@/components/ui/textarea";
import { choicesToAssignments } from "@/features/tools/schema";
import type { AgentCreate, ToolAssignment } from "@/lib/api/types";
import { applyApiError } from "@/lib/forms";
import { useLeaveGuard } from "@/lib/leave-guard";
import type { AgentSave, SavedAgent } from "./api";
import { EscalationRulesField } from "./escalation-rules-field";
import { agentSchema, agentToValues, valuesToAgent, type AgentValues } from "./schema";
import { ToolPicker } from "./tool-picker";

const MODEL_TIERS = [
  { value: "fast", label: "Fast — quick, low-cost answers" },
  { value: "quality", label: "Quality — stronger reasoning, higher cost" },
];

const FIELD_NAMES = [
  "name",
  "slug",
  "role",
  "persona",
  "system_prompt",
  "job_description",
  "statement_of_work",
  "max_tool_steps",
  "turn_deadline_seconds",
  "approver_ids",
  "tools",
  "escalation_rules",
  "model_tier",
  "is_default",
  "is_active",
] as const;

export type AgentFormProps = {
  tenantId: string;
  defaultValues: AgentValues;
  /** The agent's saved tools (its picker shows those no longer offered too). */
  assignedTools?: ToolAssignment[];
  submitLabel: string;
  /** Saves; resolves with the agent and tools as the proxy stored them (the form's new clean state) or nothing. */
  onSubmit: (save: AgentSave) => Promise<SavedAgent | void>;
  /** Renders beside the form with the current values as API overrides (the live preview). */
  aside?: (draft: AgentCreate) => ReactNode;
};

export function AgentForm({ tenantId, defaultValues, assignedTools, submitLabel, onSubmit, aside }: AgentFormProps) {
  const {
    control,
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting, isDirty },
  } = useForm<AgentValues>({ resolver: zodResolver(agentSchema), defaultValues });
  useLeaveGuard(isDirty);

  const submit = handleSubmit(async (values) => {
    try {
      const saved = await onSubmit({ agent: valuesToAgent(values), tools: choicesToAssignments(values.tools) });
      // The stored agent is the new baseline, in the form's own shapes (numbers as text, no nulls), so the
      // form is clean exactly when it shows what the proxy holds.
      reset(saved ? agentToValues(saved.agent, saved.tools) : values);
    } catch (error) {
      applyApiError(error, setError, FIELD_NAMES);
    }
  });

  return (
    <div className="grid items-start gap-6 xl:grid-cols-[minmax(0,1fr)_26rem]">
      <form onSubmit={submit} noValidate className="grid gap-6" aria-label="Agent designer">
        <FormError message={errors.root?.server?.message} />
        <Card>
          <CardHeader>
            <CardTitle>Identity</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4 md:grid-cols-2">
            <Field id="agent-name" label="Name" error={errors.name?.message} description="A human-like name your team will recognise.">
              <Input autoComplete="off" {...register("name")} />
            </Field>
            <Field id="agent-slug" label="Slug (optional)" error={errors.slug?.message} description="Used in the X-Konstruct-Agent header; derived from the name if empty.">
              <Input autoComplete="off" spellCheck={false} {...register("slug")} />
            </Field>
            <Field id="agent-role" label="Role" error={errors.role?.message} className="md:col-span-2">
              <Input placeholder="Customer support specialist" {...register("role")} />
            </Field>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Persona and instructions</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <Field id="agent-persona" label="Persona" error={errors.persona?.message} description="Tone, manner and what the agent cares about.">
              <Textarea rows={4} placeholder="Warm, concise and precise. Always confirms order numbers." {...register("persona")} />
            </Field>
            <Field id="agent-system-prompt" label="Instructions" error={errors.system_prompt?.message} description="Business knowledge and rules added to the system prompt.">
              <Textarea rows={6} {...register("system_prompt")} />
            </Field>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>The job</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <Field
              id="agent-job-description"
              label="Job description"
              error={errors.job_description?.message}
              description="What this employee is hired to do, for whom, and what is out of scope."
            >
              <Textarea rows={4} placeholder="Answers customers' order and delivery questions for the web shop; does not give refunds." {...register("job_description")} />
            </Field>
            <Field
              id="agent-statement-of-work"
              label="Statement of work"
              error={errors.statement_of_work?.message}
              description="The work it delivers and how: steps, standards, what done looks like."
            >
              <Textarea rows={4} placeholder="Look the order up before answering; quote the order number; hand over to a person for complaints." {...register("statement_of_work")} />
            </Field>
            <div className="grid gap-4 md:grid-cols-2">
              <Field id="agent-max-tool-steps" label="Tool steps per turn" error={errors.max_tool_steps?.message} description="How often one answer may use tools (1–50).">
                <Input inputMode="numeric" {...register("max_tool_steps")} />
              </Field>
              <Field id="agent-turn-deadline" label="Time for one answer (seconds)" error={errors.turn_deadline_seconds?.message} description="The whole turn, tools included (5–600).">
                <Input inputMode="numeric" {...register("turn_deadline_seconds")} />
              </Field>
            </div>
            <Controller
              control={control}
              name="approver_ids"
              render={({ field }) => (
                <Field
                  id="agent-approvers"
                  label="Approvers (Slack user ids)"
                  error={errors.approver_ids?.message ?? errors.approver_ids?.find?.((e) => e)?.message}
                  description="Besides the person who asked, who may approve an “ask first” tool call. Type an id like U024BE7LH and press Enter."
                >
                  <TagInput value={field.value} onChange={field.onChange} onBlur={field.onBlur} placeholder="U024BE7LH" />
                </Field>
              )}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Tools</CardTitle>
          </CardHeader>
          <CardContent>
            <Controller
              control={control}
              name="tools"
              render={({ field }) => (
                <ToolPicker tenantId={tenantId} value={field.value} onChange={field.onChange} assigned={assignedTools} error={errors.tools?.message ?? errors.tools?.root?.message} />
              )}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Escalation</CardTitle>
          </CardHeader>
          <CardContent>
            <EscalationRulesField control={control} register={register} errors={errors} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Model and availability</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <Controller
              control={control}
              name="model_tier"
              render={({ field }) => (
                <SelectField id="agent-model-tier" label="Model tier" value={field.value} onChange={field.onChange} options={MODEL_TIERS} error={errors.model_tier?.message} />
              )}
            />
            <Controller
              control={control}
              name="is_default"
              render={({ field }) => (
                <div className="flex items-center gap-3">
                  <Switch id="agent-is-default" checked={field.value} onCheckedChange={field.onChange} aria-describedby="agent-is-default-description" />
                  <div>
                    <Label htmlFor="agent-is-default">Default agent</Label>
                    <p id="agent-is-default-description" className="text-xs text-muted-foreground">
                      Answers when no agent is named and the channel has no override.
                    </p>
                  </div>
                </div>
              )}
            />
            <Controller
              control={control}
              name="is_active"
              render={({ field }) => (
                <div className="flex items-center gap-3">
                  <Switch id="agent-is-active" checked={field.value} onCheckedChange={field.onChange} />
                  <Label htmlFor="agent-is-active">Active</Label>
                </div>
              )}
            />
          </CardContent>
        </Card>
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Saving…" : submitLabel}
          </Button>
          {isDirty ? <span className="text-xs text-muted-foreground">Unsaved changes</span> : null}
        </div>
      </form>
      {aside ? <LiveAside control={control} render={aside} /> : null}
    </div>
  );
}

/** Watches every field on its own, so typing re-renders the preview column and not the whole form. */
function LiveAside({ control, render }: { control: Control<AgentValues>; render: (draft: AgentCreate) => ReactNode }) {
  const values = useWatch({ control }) as AgentValues;
  return <div className="grid gap-6 xl:sticky xl:top-6">{render(valuesToAgent(values))}</div>;
}
