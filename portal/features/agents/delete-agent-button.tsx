// Delete an agent after confirmation.
"use client";

import { useRouter } from "next/navigation";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api/errors";
import type { Agent } from "@/lib/api/types";
import { useDeleteAgent } from "./api";

export function DeleteAgentButton({ tenantId, agent }: { tenantId: string; agent: Pick<Agent, "id" | "name"> }) {
  const router = useRouter();
  const deleteAgent = useDeleteAgent(tenantId);
  return (
    <div className="flex items-center gap-2">
      {deleteAgent.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {errorMessage(deleteAgent.error)}
        </p>
      ) : null}
      <AlertDialog>
        <AlertDialogTrigger asChild>
          <Button variant="outline">Delete agent</Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Delete {agent.name}?</AlertDialogTitle>
            <AlertDialogDescription>
              Slack channels routed to this agent fall back to the default agent. Past usage stays in the reports.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <AlertDialogAction
              onClick={() =>
                deleteAgent.mutate(agent.id, {
                  onSuccess: () => router.push(`/tenants/${encodeURIComponent(tenantId)}/agents`),
                })
              }
            >
              Delete
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
