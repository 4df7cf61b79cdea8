// The events a "try it" turn streams (proxy/features/runtime/schemas.py), and the conversation they build.

export type TryEvent =
  | { type: "status"; text: string }
  | { type: "text"; delta: string }
  | { type: "tool_started"; call_id: string; name: string; status_text?: string; arguments?: unknown }
  | {
      type: "approval_needed";
      approval_id: string;
      call_id: string;
      name: string;
      status_text?: string;
      arguments?: unknown;
      requested_by?: string;
      approver_ids?: string[];
      expires_at?: string;
    }
  | { type: "approval_resolved"; approval_id: string; status: string; decided_by?: string | null }
  | { type: "tool_finished"; call_id: string; name: string; ok: boolean; outcome?: string; duration_ms?: number; excerpt?: string }
  | {
      type: "done";
      text: string;
      from_model: boolean;
      error?: string | null;
      replayed?: boolean;
      model_group?: string | null;
      model_id?: string | null;
    };

export type ToolCallView = {
  callId: string;
  name: string;
  arguments?: unknown;
  state: "running" | "waiting" | "finished";
  approvalId?: string;
  approval?: string;
  ok?: boolean;
  outcome?: string;
  durationMs?: number;
  excerpt?: string;
};

export type AssistantTurn = {
  role: "assistant";
  text: string;
  status: string;
  tools: ToolCallView[];
  running: boolean;
  /** Why the answer is not the model's, in words; null when it is. */
  problem: string | null;
  model?: { id: string; group: string };
};

export type UserTurn = { role: "user"; text: string };
export type TryTurn = UserTurn | AssistantTurn;

/** What each `done.error` means for the person trying the agent. */
const PROBLEMS: Record<string, string> = {
  budget_exhausted: "The tenant's monthly budget is used up, so the agent cannot answer.",
  busy: "The model is busy right now; try again in a moment.",
  failed: "The model could not be reached, so the agent answered with its fallback message.",
  step_limit: "The agent used all its tool steps for this turn before it finished.",
  deadline: "The turn took longer than the time the agent has for one answer.",
  approval_expired: "Nobody approved the tool call in time.",
};

export function problemInWords(code: string | null | undefined): string | null {
  if (!code) return null;
  return PROBLEMS[code] ?? `The turn ended early (${code.replaceAll("_", " ")}).`;
}

export const newAssistantTurn = (): AssistantTurn => ({ role: "assistant", text: "", status: "Thinking…", tools: [], running: true, problem: null });

function updateTool(turn: AssistantTurn, callId: string, change: (tool: ToolCallView) => ToolCallView): ToolCallView[] {
  return turn.tools.map((tool) => (tool.callId === callId ? change(tool) : tool));
}

/** The assistant's turn after one more event. */
export function applyEvent(turn: AssistantTurn, event: TryEvent): AssistantTurn {
  switch (event.type) {
    case "status":
      return { ...turn, status: event.text };
    case "text":
      return { ...turn, text: turn.text + event.delta };
    case "tool_started":
      return turn.tools.some((tool) => tool.callId === event.call_id)
        ? { ...turn, tools: updateTool(turn, event.call_id, (tool) => ({ ...tool, state: "running" })) }
        : { ...turn, status: event.status_text || `Using ${event.name}…`, tools: [...turn.tools, { callId: event.call_id, name: event.name, arguments: event.arguments, state: "running" }] };
    case "approval_needed": {
      const waiting = (tool: ToolCallView): ToolCallView => ({ ...tool, state: "waiting", approvalId: event.approval_id, arguments: tool.arguments ?? event.arguments });
      const known = turn.tools.some((tool) => tool.callId === event.call_id);
      return {
        ...turn,
        status: "Waiting for approval…",
        tools: known ? updateTool(turn, event.call_id, waiting) : [...turn.tools, waiting({ callId: event.call_id, name: event.name, state: "waiting" })],
      };
    }
    case "approval_resolved":
      return {
        ...turn,
        tools: turn.tools.map((tool) => (tool.approvalId === event.approval_id ? { ...tool, state: tool.state === "waiting" ? "running" : tool.state, approval: event.status } : tool)),
      };
    case "tool_finished":
      return {
        ...turn,
        tools: updateTool(turn, event.call_id, (tool) => ({ ...tool, state: "finished", ok: event.ok, outcome: event.outcome, durationMs: event.duration_ms, excerpt: event.excerpt })),
      };
    case "done":
      return {
        ...turn,
        text: event.text || turn.text,
        running: false,
        status: "",
        problem: event.from_model ? null : (problemInWords(event.error) ?? null),
        model: event.model_id ? { id: event.model_id, group: event.model_group ?? "" } : undefined,
      };
    default:
      return turn;
  }
}

/** The conversation so far as the proxy takes it: finished turns with text only. */
export function historyOf(turns: TryTurn[]): { role: "user" | "assistant"; content: string }[] {
  return turns.flatMap((turn) => (turn.text.trim() ? [{ role: turn.role, content: turn.text }] : []));
}
