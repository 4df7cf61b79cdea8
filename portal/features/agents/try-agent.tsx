// "Try it": the draft as it stands (unsaved edits included) answers a conversation, streamed as it happens,
// with its tool calls inline, a timer and a way to stop. Nothing is stored as Slack history.
"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { FormError } from "@/components/form-error";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import { api, seg } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { streamEvents } from "@/lib/api/stream";
import type { AgentCreate } from "@/lib/api/types";
import { applyEvent, historyOf, newAssistantTurn, type AssistantTurn, type ToolCallView, type TryEvent, type TryTurn } from "./try-events";
import { tryMessageSchema } from "./schema";

export function TryAgent({ tenantId, agentId, draft }: { tenantId: string; agentId?: string; draft: AgentCreate }) {
  const [turns, setTurns] = useState<TryTurn[]>([]);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);
  const running = startedAt !== null;
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<z.infer<typeof tryMessageSchema>>({ resolver: zodResolver(tryMessageSchema), defaultValues: { message: "" } });

  // Stop a turn still streaming when the Designer closes.
  useEffect(() => () => abort.current?.abort(), []);

  const updateLast = (change: (turn: AssistantTurn) => AssistantTurn) =>
    setTurns((all) => {
      const last = all.at(-1);
      return last?.role === "assistant" ? [...all.slice(0, -1), change(last)] : all;
    });

  // Called from the form's submit event only (refs and the clock are read then, never while rendering).
  const send = async ({ message }: z.infer<typeof tryMessageSchema>) => {
    const conversation: TryTurn[] = [...turns, { role: "user", text: message }];
    const controller = new AbortController();
    abort.current = controller;
    setTurns([...conversation, newAssistantTurn()]);
    setStartedAt(Date.now());
    reset({ message: "" });
    try {
      await streamEvents<TryEvent>(
        `tenants/${seg(tenantId)}/agents/try`,
        { agent: draft, ...(agentId ? { agent_id: agentId } : {}), messages: historyOf(conversation) },
        (event) => updateLast((turn) => applyEvent(turn, event)),
        controller.signal,
      );
      updateLast((turn) => (turn.running ? { ...turn, running: false, status: "", problem: turn.text ? null : "The answer stopped before it was complete." } : turn));
    } catch (error) {
      if (controller.signal.aborted) {
        updateLast((turn) => ({ ...turn, running: false, status: "", problem: "Stopped. The agent did not finish this answer." }));
      } else {
        // Refused before it started (an invalid draft, no budget): the message goes back into the box.
        setTurns(turns);
        reset({ message });
        setError("root.server", { type: "server", message: errorMessage(error) });
      }
    } finally {
      abort.current = null;
      setStartedAt(null);
    }
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Try it</CardTitle>
        <CardDescription>
          The draft as it stands, unsaved edits included, answers a conversation{agentId ? " with the saved agent's tools" : " (tools come once the agent is saved)"}. Counts toward usage; nothing goes to Slack.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {turns.length > 0 ? (
          <ol role="log" aria-label="Conversation" aria-live="polite" className="grid gap-3">
            {turns.map((turn, index) => (
              <li key={index}>
                {turn.role === "user" ? (
                  <p className="ml-6 whitespace-pre-wrap rounded-md bg-primary/10 p-2 text-sm [overflow-wrap:anywhere]">{turn.text}</p>
                ) : (
                  <AssistantReply tenantId={tenantId} turn={turn} last={index === turns.length - 1} startedAt={index === turns.length - 1 ? startedAt : null} />
                )}
              </li>
            ))}
          </ol>
        ) : null}
        <form onSubmit={(event) => void handleSubmit(send)(event)} noValidate className="grid gap-3">
          <FormError message={errors.root?.server?.message} />
          <Field id="try-message" label="Message" error={errors.message?.message}>
            <Textarea rows={3} placeholder="Hi! Can you help me with my order?" {...register("message")} />
          </Field>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={running}>
              {running ? "Answering…" : "Send"}
            </Button>
            {running ? (
              <Button variant="outline" onClick={() => abort.current?.abort()}>
                Stop
              </Button>
            ) : turns.length > 0 ? (
              <Button variant="ghost" onClick={() => setTurns([])}>
                Start over
              </Button>
            ) : null}
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(since);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return <span className="tabular-nums">{Math.max(0, Math.floor((now - since) / 1000))} s</span>;
}

function AssistantReply({ tenantId, turn, last, startedAt }: { tenantId: string; turn: AssistantTurn; last: boolean; startedAt: number | null }) {
  return (
    <div className="mr-6 grid gap-2 rounded-md border bg-muted/40 p-2">
      {turn.tools.length > 0 ? (
        <ul className="grid gap-2" aria-label="Tool calls">
          {turn.tools.map((tool) => (
            <ToolCall key={tool.callId} tenantId={tenantId} tool={tool} />
          ))}
        </ul>
      ) : null}
      {turn.text ? (
        <p className="whitespace-pre-wrap text-sm [overflow-wrap:anywhere]" data-testid={last ? "try-reply" : undefined}>
          {turn.text}
        </p>
      ) : null}
      {turn.running ? (
        <p role="status" className="text-xs text-muted-foreground">
          {turn.status || "Answering…"} {startedAt !== null ? <Elapsed since={startedAt} /> : null}
        </p>
      ) : null}
      {turn.problem ? (
        <p role="alert" className="text-xs text-destructive">
          {turn.problem}
        </p>
      ) : null}
      {turn.model ? (
        <p className="text-xs text-muted-foreground">
          Answered by <span className="font-mono">{turn.model.id}</span>
          {turn.model.group ? (
            <>
              {" "}
              (group <span className="font-mono">{turn.model.group}</span>)
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

const compact = (value: unknown) => {
  if (value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

function ToolCall({ tenantId, tool }: { tenantId: string; tool: ToolCallView }) {
  const [deciding, setDeciding] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  async function decide(decision: "approve" | "deny") {
    if (!tool.approvalId) return;
    setDeciding(true);
    setProblem(null);
    try {
      await api(`tenants/${seg(tenantId)}/approvals/${seg(tool.approvalId)}/decision`, { method: "POST", body: { decision } });
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setDeciding(false);
    }
  }
  const state =
    tool.state === "finished"
      ? { label: tool.ok ? "done" : "failed", variant: tool.ok ? ("success" as const) : ("destructive" as const) }
      : tool.state === "waiting"
        ? { label: "waiting for approval", variant: "warning" as const }
        : { label: "running", variant: "outline" as const };
  return (
    <li className="grid gap-1 rounded border bg-background p-2 text-xs" aria-label={`Tool call ${tool.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono font-medium">{tool.name}</span>
        <Badge variant={state.variant}>{state.label}</Badge>
        {tool.approval ? <span className="text-muted-foreground">{tool.approval}</span> : null}
        {tool.durationMs !== undefined ? <span className="text-muted-foreground tabular-nums">{Math.round(tool.durationMs)} ms</span> : null}
      </div>
      {tool.arguments !== undefined ? <code className="font-mono text-muted-foreground [overflow-wrap:anywhere]">{compact(tool.arguments)}</code> : null}
      {tool.excerpt || tool.outcome ? <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">{tool.excerpt || tool.outcome}</p> : null}
      {tool.state === "waiting" && tool.approvalId ? (
        <div className="flex gap-2">
          <Button size="sm" disabled={deciding} onClick={() => void decide("approve")}>
            Approve
          </Button>
          <Button size="sm" variant="outline" disabled={deciding} onClick={() => void decide("deny")}>
            Deny
          </Button>
        </div>
      ) : null}
      {problem ? (
        <p role="alert" className="text-destructive">
          {problem}
        </p>
      ) : null}
    </li>
  );
}
