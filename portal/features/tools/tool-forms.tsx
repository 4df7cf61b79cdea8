// The forms for registering an MCP server or an HTTP tool, and for trying one out.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm, useWatch, type UseFormRegisterReturn } from "react-hook-form";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SelectField } from "@/components/ui/select-field";
import { Textarea } from "@/components/ui/textarea";
import type { HttpToolCreate, McpServerCreate, ToolTest } from "@/lib/api/types";
import { applyApiError } from "@/lib/forms";
import {
  httpToolPayload,
  httpToolSchema,
  mcpServerPayload,
  mcpServerSchema,
  parseArguments,
  toolTestSchema,
  type HttpToolValues,
  type McpServerValues,
  type ToolTestValues,
} from "./schema";

type Submit<T> = { onSubmit: (body: T) => Promise<unknown>; onCancel?: () => void };

function Actions({ onCancel, busy, label, busyLabel }: { onCancel?: () => void; busy: boolean; label: string; busyLabel: string }) {
  return (
    <div className="flex justify-end gap-2">
      {onCancel ? (
        <Button variant="outline" onClick={onCancel}>
          Cancel
        </Button>
      ) : null}
      <Button type="submit" disabled={busy}>
        {busy ? busyLabel : label}
      </Button>
    </div>
  );
}

/** A header sent with every call, its value stored encrypted (both forms have one). */
function SecretHeaderFields({
  idPrefix,
  placeholder,
  name,
  value,
  errors,
}: {
  idPrefix: string;
  placeholder: string;
  name: UseFormRegisterReturn;
  value: UseFormRegisterReturn;
  errors: [string | undefined, string | undefined];
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field id={`${idPrefix}-header-name`} label="Secret header (optional)" error={errors[0]}>
        <Input autoComplete="off" spellCheck={false} placeholder={placeholder} {...name} />
      </Field>
      <Field id={`${idPrefix}-header-value`} label="Header value" error={errors[1]}>
        <Input type="password" autoComplete="off" {...value} />
      </Field>
    </div>
  );
}

export function McpServerForm({ onSubmit, onCancel }: Submit<McpServerCreate>) {
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<McpServerValues>({
    resolver: zodResolver(mcpServerSchema),
    defaultValues: { name: "", url: "", bearer_token: "", header_name: "", header_value: "" },
  });
  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(mcpServerPayload(values));
    } catch (error) {
      applyApiError(error, setError, ["name", "url", "bearer_token"], { headers: "header_name" });
    }
  });
  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-label="Add an MCP server">
      <FormError message={errors.root?.server?.message} />
      <Field id="mcp-name" label="Name" error={errors.name?.message}>
        <Input autoComplete="off" autoFocus placeholder="Order system" {...register("name")} />
      </Field>
      <Field id="mcp-url" label="URL" error={errors.url?.message} description="The server's streamable HTTP endpoint. Konstruct lists its tools when you add it.">
        <Input autoComplete="off" spellCheck={false} inputMode="url" placeholder="https://mcp.example.com/mcp" {...register("url")} />
      </Field>
      <Field id="mcp-bearer" label="Bearer token (optional)" error={errors.bearer_token?.message} description="Stored encrypted and never shown again.">
        <Input type="password" autoComplete="off" {...register("bearer_token")} />
      </Field>
      <SecretHeaderFields
        idPrefix="mcp"
        placeholder="X-Api-Key"
        name={register("header_name")}
        value={register("header_value")}
        errors={[errors.header_name?.message, errors.header_value?.message]}
      />
      <Actions onCancel={onCancel} busy={isSubmitting} label="Add server" busyLabel="Listing its tools…" />
    </form>
  );
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"].map((value) => ({ value, label: value }));

export function HttpToolForm({ onSubmit, onCancel }: Submit<HttpToolCreate>) {
  const {
    control,
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<HttpToolValues>({
    resolver: zodResolver(httpToolSchema),
    defaultValues: { name: "", description: "", method: "GET", url: "", parameters: "", status_text: "", header_name: "", header_value: "" },
  });
  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(httpToolPayload(values));
    } catch (error) {
      applyApiError(error, setError, ["name", "description", "method", "url", "parameters", "status_text"], { headers: "header_name" });
    }
  });
  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-label="Add an HTTP tool">
      <FormError message={errors.root?.server?.message} />
      <Field id="http-name" label="Name" error={errors.name?.message} description="The function name the model sees.">
        <Input autoComplete="off" autoFocus spellCheck={false} placeholder="order_lookup" {...register("name")} />
      </Field>
      <Field id="http-description" label="What it does" error={errors.description?.message} description="The model reads this to decide when to use the tool.">
        <Textarea rows={2} placeholder="Looks an order up by its number: status, items, delivery date." {...register("description")} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-[8rem_minmax(0,1fr)]">
        <Controller
          control={control}
          name="method"
          render={({ field }) => <SelectField id="http-method" label="Method" value={field.value} onChange={field.onChange} options={METHODS} />}
        />
        <Field id="http-url" label="URL" error={errors.url?.message} description="{argument} placeholders may appear in the path and query.">
          <Input autoComplete="off" spellCheck={false} inputMode="url" placeholder="https://shop.example.com/api/orders/{order_id}" {...register("url")} />
        </Field>
      </div>
      <Field id="http-parameters" label="Arguments (JSON Schema, optional)" error={errors.parameters?.message} description='Mark a secret argument "x-konstruct-secret": true.'>
        <Textarea rows={4} spellCheck={false} className="font-mono text-xs" placeholder={'{"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}'} {...register("parameters")} />
      </Field>
      <Field id="http-status" label="Status while it runs (optional)" error={errors.status_text?.message} description="Shown in Slack while the call is on its way.">
        <Input autoComplete="off" placeholder="Looking the order up…" {...register("status_text")} />
      </Field>
      <SecretHeaderFields
        idPrefix="http"
        placeholder="Authorization"
        name={register("header_name")}
        value={register("header_value")}
        errors={[errors.header_name?.message, errors.header_value?.message]}
      />
      <Actions onCancel={onCancel} busy={isSubmitting} label="Add tool" busyLabel="Adding…" />
    </form>
  );
}

const LIST_TOOLS = "__list__";

/** Arguments (and for an MCP server, which tool; none lists them) for one test call. */
export function ToolTestForm({ tools, onSubmit }: { tools?: string[]; onSubmit: (body: ToolTest) => Promise<unknown> }) {
  const {
    control,
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<ToolTestValues>({ resolver: zodResolver(toolTestSchema), defaultValues: { tool: tools ? LIST_TOOLS : "", arguments: "" } });
  const chosen = useWatch({ control, name: "tool" });
  const listing = tools !== undefined && chosen === LIST_TOOLS;
  const submit = handleSubmit(async (values) => {
    try {
      const tool = values.tool && values.tool !== LIST_TOOLS ? values.tool : undefined;
      await onSubmit({ ...(tool ? { tool } : {}), arguments: parseArguments(values.arguments) });
    } catch (error) {
      applyApiError(error, setError, ["tool", "arguments"]);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="grid gap-3" aria-label="Test call">
      <FormError message={errors.root?.server?.message} />
      {tools ? (
        <Controller
          control={control}
          name="tool"
          render={({ field }) => (
            <SelectField
              id="test-tool"
              label="Call"
              value={field.value}
              onChange={field.onChange}
              options={[{ value: LIST_TOOLS, label: "List the server's tools" }, ...tools.map((name) => ({ value: name, label: name }))]}
            />
          )}
        />
      ) : null}
      {listing ? null : (
        <Field id="test-arguments" label="Arguments (JSON)" error={errors.arguments?.message}>
          <Textarea rows={3} spellCheck={false} className="font-mono text-xs" placeholder='{"order_id": "1234"}' {...register("arguments")} />
        </Field>
      )}
      <div>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Calling…" : "Run test"}
        </Button>
      </div>
    </form>
  );
}
