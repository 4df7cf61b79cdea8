// Live preview of the composed system prompt, debounced, from the form's current (unsaved) values.
"use client";

import { useMemo } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/api/errors";
import type { AgentUpdate } from "@/lib/api/types";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { cn } from "@/lib/utils";
import { usePromptPreview } from "./api";

/** Lines telling people they talk to an AI; the proxy always adds one and the preview highlights it. */
const TRANSPARENCY = /\b(AI|artificial intelligence)\b/;

export function PromptPreview({ tenantId, agentId, overrides }: { tenantId: string; agentId?: string; overrides: AgentUpdate }) {
  const settled = useDebouncedValue(JSON.stringify(overrides), 400);
  const parsed = useMemo(() => JSON.parse(settled) as AgentUpdate, [settled]);
  const preview = usePromptPreview(tenantId, agentId, parsed);
  const lines = preview.data?.system_prompt.split("\n") ?? [];

  return (
    <Card>
      <CardHeader>
        <CardTitle>System prompt preview</CardTitle>
        <CardDescription>
          What the model receives, including the line that tells people they are talking to an AI.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {!agentId ? (
          <p className="text-sm text-muted-foreground">Create the agent to see its composed prompt here as you edit.</p>
        ) : preview.isPending ? (
          <div role="status" className="grid gap-2">
            <span className="sr-only">Composing preview…</span>
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-4 w-4/5" />
            <Skeleton className="h-4 w-3/5" />
          </div>
        ) : preview.isError ? (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(preview.error)}
          </p>
        ) : (
          // A scroll region: focusable so keyboard users can scroll it too (WCAG 2.1.1), named for screen readers.
          <pre
            role="region"
            tabIndex={0}
            aria-label="Composed system prompt"
            aria-busy={preview.isFetching}
            className={cn(
              "max-h-96 overflow-auto whitespace-pre-wrap rounded-md bg-muted p-3 font-mono text-xs leading-relaxed [overflow-wrap:anywhere] focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
              preview.isFetching && "opacity-70",
            )}
          >
            {lines.map((line, index) => (
              <span key={index} className={cn("block", TRANSPARENCY.test(line) && "rounded bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100")}>
                {line || "\u00a0"}
              </span>
            ))}
          </pre>
        )}
      </CardContent>
    </Card>
  );
}
