// Escalation rules as editable rows: keywords → a Slack user or channel, with an optional note.
"use client";

import { Plus, Trash2 } from "lucide-react";
import { Controller, useFieldArray, type Control, type FieldErrors, type UseFormRegister } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SelectField } from "@/components/ui/select-field";
import { TagInput } from "@/components/ui/tag-input";
import { emptyEscalationRule, type AgentValues } from "./schema";

const TARGET_TYPES = [
  { value: "user", label: "User" },
  { value: "channel", label: "Channel" },
];

export function EscalationRulesField({
  control,
  register,
  errors,
}: {
  control: Control<AgentValues>;
  register: UseFormRegister<AgentValues>;
  errors: FieldErrors<AgentValues>;
}) {
  const { fields, append, remove } = useFieldArray({ control, name: "escalation_rules" });

  return (
    <fieldset className="grid gap-3">
      <legend className="text-sm font-medium">Escalation rules</legend>
      <p className="text-xs text-muted-foreground">
        When a message contains one of the keywords, the agent hands the thread to a person or a channel.
      </p>
      {fields.length === 0 ? <p className="text-sm text-muted-foreground">No escalation rules yet.</p> : null}
      {fields.map((field, index) => {
        const rowErrors = errors.escalation_rules?.[index];
        const n = index + 1;
        return (
          <div key={field.id} role="group" aria-label={`Escalation rule ${n}`} className="grid gap-3 rounded-md border p-3 md:grid-cols-2">
            <Controller
              control={control}
              name={`escalation_rules.${index}.keywords`}
              render={({ field: keywords }) => (
                <Field id={`escalation-${index}-keywords`} label={`Keywords (rule ${n})`} error={rowErrors?.keywords?.message} className="md:col-span-2">
                  <TagInput value={keywords.value} onChange={keywords.onChange} onBlur={keywords.onBlur} placeholder="refund, complaint… then Enter" />
                </Field>
              )}
            />
            <Controller
              control={control}
              name={`escalation_rules.${index}.target_type`}
              render={({ field: targetType }) => (
                <SelectField
                  id={`escalation-${index}-target-type`}
                  label={`Escalate to (rule ${n})`}
                  value={targetType.value}
                  onChange={targetType.onChange}
                  options={TARGET_TYPES}
                />
              )}
            />
            <Field id={`escalation-${index}-target`} label={`Slack id (rule ${n})`} error={rowErrors?.target?.message}>
              <Input placeholder="U024BE7LH or C024BE91L" spellCheck={false} {...register(`escalation_rules.${index}.target`)} />
            </Field>
            <Field id={`escalation-${index}-note`} label={`Note (rule ${n})`} error={rowErrors?.note?.message} className="md:col-span-2">
              <Input placeholder="What the person should know" {...register(`escalation_rules.${index}.note`)} />
            </Field>
            <div className="md:col-span-2">
              <Button variant="ghost" size="sm" onClick={() => remove(index)}>
                <Trash2 aria-hidden />
                Remove rule {n}
              </Button>
            </div>
          </div>
        );
      })}
      <div>
        <Button variant="outline" size="sm" onClick={() => append(emptyEscalationRule(), { shouldFocus: false })}>
          <Plus aria-hidden />
          Add escalation rule
        </Button>
      </div>
    </fieldset>
  );
}
