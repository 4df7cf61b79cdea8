// A workspace connection's health as the bridge last reported it: why and when it stopped, the last call Slack
// accepted, and the last error. Shown for the fields this proxy reports.
import { Alert } from "@/components/ui/alert";
import type { SlackConnection } from "@/lib/api/types";
import { formatDateTime, formatRelative } from "@/lib/utils";
import { disabledReason } from "./scopes";

export type HealthFields = {
  disabled_reason: string | null;
  disabled_at: string | null;
  is_enterprise_install: boolean;
  last_ok_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
};

export function ConnectionHealth({ connection }: { connection: SlackConnection }) {
  const health = connection as SlackConnection & Partial<HealthFields>;
  if (!("last_ok_at" in health) && !("disabled_reason" in health)) return null;
  const stopped = connection.status !== "active";
  return (
    <div className="grid gap-3">
      {stopped ? (
        <Alert variant="destructive">
          The agents do not answer in this workspace.
          {health.disabled_reason ? ` ${disabledReason(health.disabled_reason)}` : null}
          {health.disabled_at ? ` Since ${formatDateTime(health.disabled_at)}.` : null}
          {health.disabled_reason && health.disabled_reason !== "operator" ? " Add the app again (“Add to Slack”) to reconnect." : null}
        </Alert>
      ) : null}
      <dl aria-label="Connection health" className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">
        <dt className="text-muted-foreground">Last successful call</dt>
        {/* Relative times ("3 minutes ago") may have moved on between the server's HTML and the first render. */}
        <dd title={formatDateTime(health.last_ok_at)} suppressHydrationWarning>
          {health.last_ok_at ? formatRelative(health.last_ok_at) : "None yet"}
        </dd>
        <dt className="text-muted-foreground">Last error</dt>
        <dd className="[overflow-wrap:anywhere]">
          {health.last_error ? (
            <>
              <code className="font-mono text-xs">{health.last_error}</code>
              {health.last_error_at ? (
                <span className="text-muted-foreground" suppressHydrationWarning>
                  {" "}
                  · {formatRelative(health.last_error_at)}
                </span>
              ) : null}
            </>
          ) : (
            "None"
          )}
        </dd>
      </dl>
    </div>
  );
}
