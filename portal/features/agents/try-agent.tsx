// "Try it": one message through the gateway as the saved agent, showing the reply and the model that answered.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { FormError } from "@/components/form-error";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import { applyApiError } from "@/lib/forms";
import { useTryAgent } from "./api";
import { tryMessageSchema } from "./schema";

export function TryAgent({ tenantId, agentId }: { tenantId: string; agentId: string }) {
  const tryAgent = useTryAgent(tenantId, agentId);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<z.infer<typeof tryMessageSchema>>({ resolver: zodResolver(tryMessageSchema), defaultValues: { message: "" } });

  const submit = handleSubmit(async ({ message }) => {
    try {
      await tryAgent.mutateAsync(message);
    } catch (error) {
      applyApiError(error, setError, ["message"]);
    }
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Try it</CardTitle>
        <CardDescription>Sends one message through the gateway as the saved agent (counts toward usage).</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <form onSubmit={submit} noValidate className="grid gap-3">
          <FormError message={errors.root?.server?.message} />
          <Field id="try-message" label="Message" error={errors.message?.message}>
            <Textarea rows={3} placeholder="Hi! Can you help me with my order?" {...register("message")} />
          </Field>
          <div>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? "Waiting for the agent…" : "Send"}
            </Button>
          </div>
        </form>
        {tryAgent.data ? (
          <div aria-live="polite" className="grid gap-2 rounded-md border bg-muted/40 p-3">
            <p className="whitespace-pre-wrap text-sm" data-testid="try-reply">
              {tryAgent.data.reply}
            </p>
            <p className="text-xs text-muted-foreground">
              Answered by <span className="font-mono">{tryAgent.data.model_id}</span> (group{" "}
              <span className="font-mono">{tryAgent.data.model_group}</span>)
            </p>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
