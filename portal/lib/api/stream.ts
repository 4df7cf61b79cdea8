// Reads a streamed admin API answer (NDJSON: one JSON event per line) as the events arrive.
import { adminUrl } from "./client";
import { apiErrorFrom } from "./errors";

/** POSTs `body` and calls `onEvent` for each line; errors before the stream starts throw an ApiError. */
export async function streamEvents<E>(path: string, body: unknown, onEvent: (event: E) => void, signal?: AbortSignal): Promise<void> {
  const res = await fetch(adminUrl(path), {
    method: "POST",
    signal,
    headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" },
    body: JSON.stringify(body),
    cache: "no-store",
  });
  if (!res.ok) throw await apiErrorFrom(res);
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onEvent(JSON.parse(line) as E);
  }
  if (buffered.trim()) onEvent(JSON.parse(buffered) as E);
}
