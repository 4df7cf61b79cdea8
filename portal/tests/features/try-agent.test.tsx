import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { TryAgent } from "@/features/agents/try-agent";
import { applyEvent, historyOf, newAssistantTurn, problemInWords, type TryEvent } from "@/features/agents/try-events";
import { agentDefaults, valuesToAgent } from "@/features/agents/schema";
import { admin, apiError, requestsTo, server } from "@/tests/msw";

const draft = valuesToAgent({ ...agentDefaults("Ava"), role: "Support", persona: "Warm." });
const TRY = "/admin/tenants/{tenant_id}/agents/try" as const;

/**
 * The proxy's NDJSON answer, one event per chunk. With `until`, the stream stays open (a turn still running)
 * until that signal aborts, and then fails as a real fetch body does.
 */
function ndjson(events: TryEvent[], until?: AbortSignal): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      if (!until) controller.close();
      else until.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
    },
  });
  return new HttpResponse(body, { headers: { "Content-Type": "application/x-ndjson" } });
}

function renderTry(agentId?: string) {
  const client = new QueryClient();
  render(
    <QueryClientProvider client={client}>
      <TryAgent tenantId="t-1" agentId={agentId} draft={draft} />
    </QueryClientProvider>,
  );
}

describe("the try-it conversation", () => {
  it("builds the answer from text, tool and done events", () => {
    let turn = newAssistantTurn();
    turn = applyEvent(turn, { type: "tool_started", call_id: "c1", name: "order_lookup", arguments: { order_id: "42" } });
    turn = applyEvent(turn, { type: "tool_finished", call_id: "c1", name: "order_lookup", ok: true, duration_ms: 31, excerpt: "shipped" });
    turn = applyEvent(turn, { type: "text", delta: "Your order " });
    turn = applyEvent(turn, { type: "text", delta: "shipped." });
    expect(turn.tools).toEqual([{ callId: "c1", name: "order_lookup", arguments: { order_id: "42" }, state: "finished", ok: true, durationMs: 31, excerpt: "shipped", outcome: undefined }]);
    turn = applyEvent(turn, { type: "done", text: "Your order shipped.", from_model: true, model_id: "fast-openai", model_group: "konstruct-fast" });
    expect(turn).toMatchObject({ text: "Your order shipped.", running: false, problem: null, model: { id: "fast-openai", group: "konstruct-fast" } });
    expect(problemInWords("deadline")).toMatch(/longer than the time/);
    expect(historyOf([{ role: "user", text: "hi" }, { ...turn }, { role: "user", text: "and?" }])).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Your order shipped." },
      { role: "user", content: "and?" },
    ]);
  });

  it("streams the draft's answer, tool calls inline, and sends the whole conversation next time", async () => {
    const answers = [
      ndjson([
          { type: "status", text: "Thinking…" },
          { type: "tool_started", call_id: "c1", name: "order_lookup", status_text: "Looking it up…", arguments: { order_id: "42" } },
          { type: "tool_finished", call_id: "c1", name: "order_lookup", ok: true, outcome: "ok", duration_ms: 12, excerpt: "status: shipped" },
          { type: "text", delta: "It shipped." },
          { type: "done", text: "It shipped.", from_model: true, error: null, model_id: "fast-openai", model_group: "konstruct-fast" },
      ]),
      ndjson([{ type: "done", text: "You're welcome.", from_model: true, model_id: "fast-openai", model_group: "konstruct-fast" }]),
    ];
    server.use(admin("post", TRY, () => answers.shift() ?? apiError(500, "one turn too many")));
    renderTry("a-1");
    await userEvent.type(screen.getByLabelText("Message"), "Where is order 42?");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByTestId("try-reply")).toHaveTextContent("It shipped.");
    const call = screen.getByRole("listitem", { name: "Tool call order_lookup" });
    expect(call).toHaveTextContent('{"order_id":"42"}');
    expect(call).toHaveTextContent("status: shipped");
    expect(call).toHaveTextContent("12 ms");
    expect(screen.getByText(/Answered by/)).toHaveTextContent("fast-openai");
    expect(requestsTo("/api/admin/tenants/t-1/agents/try").map((request) => request.body)).toEqual([
      { agent: draft, agent_id: "a-1", messages: [{ role: "user", content: "Where is order 42?" }] },
    ]);

    await userEvent.type(screen.getByLabelText("Message"), "Thanks");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(screen.getByTestId("try-reply")).toHaveTextContent("You're welcome."));
    const [, second] = requestsTo("/api/admin/tenants/t-1/agents/try");
    expect(second?.body).toEqual({
      agent: draft,
      agent_id: "a-1",
      messages: [
        { role: "user", content: "Where is order 42?" },
        { role: "assistant", content: "It shipped." },
        { role: "user", content: "Thanks" },
      ],
    });
  });

  it("shows a timer while it runs, and Stop cancels the request", async () => {
    let running: Request | undefined;
    server.use(
      admin("post", TRY, ({ request }) => {
        running = request;
        return ndjson([{ type: "status", text: "Thinking…" }], request.signal);
      }),
    );
    renderTry();
    await userEvent.type(screen.getByLabelText("Message"), "Hello");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    const status = await screen.findByRole("status");
    expect(status).toHaveTextContent(/Thinking… \d+ s/);
    await userEvent.click(screen.getByRole("button", { name: "Stop" }));
    // The request the proxy's side received was cancelled, not left running.
    expect(running?.signal.aborted).toBe(true);
    expect(await screen.findByText(/Stopped\. The agent did not finish/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send" })).toBeEnabled();
  });

  it("says in words why a turn ended early, and shows a refusal before it started", async () => {
    const answers = [
      ndjson([{ type: "done", text: "Sorry, I can't help right now.", from_model: false, error: "budget_exhausted" }]),
      apiError(422, "Give the agent a persona.", "validation_error", "validation_error"),
    ];
    server.use(admin("post", TRY, () => answers.shift() ?? apiError(500, "one turn too many")));
    renderTry();
    await userEvent.type(screen.getByLabelText("Message"), "Hi");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    const log = await screen.findByRole("log", { name: "Conversation" });
    expect(await within(log).findByText(/monthly budget is used up/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Message"), "Again");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByText("Give the agent a persona.")).toBeInTheDocument();
    expect(screen.getByLabelText("Message")).toHaveValue("Again");
  });
});
