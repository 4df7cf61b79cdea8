// A tenant's tool registry: MCP servers (their tools as last listed) and HTTP tools; add, test, refresh, remove.
"use client";

import { Plus, RefreshCw } from "lucide-react";
import { useState, type ReactNode } from "react";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
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
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { errorMessage } from "@/lib/api/errors";
import type { HttpTool, McpServer, ToolTestResult } from "@/lib/api/types";
import { formatDateTime } from "@/lib/utils";
import {
  useCreateHttpTool,
  useCreateMcpServer,
  useDeleteHttpTool,
  useDeleteMcpServer,
  useHttpTools,
  useMcpServers,
  useRefreshMcpServer,
  useTestTool,
} from "./api";
import { HttpToolForm, McpServerForm, ToolTestForm } from "./tool-forms";

export function ToolsPage({ tenantId }: { tenantId: string }) {
  return (
    <>
      <PageHeader
        title="Tools"
        description="What this tenant's agents may use: MCP servers and HTTP endpoints. Give an agent its tools, and whether it asks first, in the Agent Designer."
        actions={
          <div className="flex flex-wrap gap-2">
            <AddMcpServer tenantId={tenantId} />
            <AddHttpTool tenantId={tenantId} />
          </div>
        }
      />
      <div className="grid gap-6">
        <McpServers tenantId={tenantId} />
        <HttpTools tenantId={tenantId} />
      </div>
    </>
  );
}

function AddDialog({ label, title, description, children }: { label: string; title: string; description: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline">
          <Plus aria-hidden />
          {label}
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90vh] overflow-y-auto">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {children(() => setOpen(false))}
      </DialogContent>
    </Dialog>
  );
}

function AddMcpServer({ tenantId }: { tenantId: string }) {
  const create = useCreateMcpServer(tenantId);
  return (
    <AddDialog label="Add MCP server" title="Add an MCP server" description="Credentials are stored encrypted; the proxy refuses private and internal addresses.">
      {(close) => (
        <McpServerForm
          onCancel={close}
          onSubmit={async (body) => {
            await create.mutateAsync(body);
            close();
          }}
        />
      )}
    </AddDialog>
  );
}

function AddHttpTool({ tenantId }: { tenantId: string }) {
  const create = useCreateHttpTool(tenantId);
  return (
    <AddDialog label="Add HTTP tool" title="Add an HTTP tool" description="One endpoint the agent may call with arguments it fills in. Secret headers are stored encrypted.">
      {(close) => (
        <HttpToolForm
          onCancel={close}
          onSubmit={async (body) => {
            await create.mutateAsync(body);
            close();
          }}
        />
      )}
    </AddDialog>
  );
}

function McpServers({ tenantId }: { tenantId: string }) {
  const servers = useMcpServers(tenantId);
  return (
    <Card>
      <CardHeader>
        <CardTitle>MCP servers</CardTitle>
        <CardDescription>Each server&apos;s tools as it last listed them.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {servers.isPending ? (
          <LoadingState label="Loading MCP servers…" />
        ) : servers.isError ? (
          <ErrorState error={servers.error} onRetry={() => servers.refetch()} />
        ) : servers.data.items.length === 0 ? (
          <EmptyState title="No MCP servers yet" description="Add one to give agents its tools." />
        ) : (
          servers.data.items.map((server) => <McpServerRow key={server.id} tenantId={tenantId} server={server} />)
        )}
      </CardContent>
    </Card>
  );
}

function Credentials({ bearer, headers }: { bearer?: boolean; headers: string[] }) {
  if (!bearer && headers.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-1.5">
      {bearer ? <Badge variant="outline">bearer token set</Badge> : null}
      {headers.map((name) => (
        <Badge key={name} variant="outline">
          {name} set
        </Badge>
      ))}
    </div>
  );
}

function McpServerRow({ tenantId, server }: { tenantId: string; server: McpServer }) {
  const refresh = useRefreshMcpServer(tenantId);
  const remove = useDeleteMcpServer(tenantId);
  const actionError = refresh.error ?? remove.error;
  return (
    <section aria-label={server.name} className="grid gap-3 rounded-md border p-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-medium">{server.name}</h3>
          <p className="font-mono text-xs text-muted-foreground [overflow-wrap:anywhere]">{server.url}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" disabled={refresh.isPending} onClick={() => refresh.mutate(server.id)}>
            <RefreshCw aria-hidden />
            {refresh.isPending ? "Refreshing…" : "Refresh tools"}
          </Button>
          <TestDialog tenantId={tenantId} target={{ kind: "mcp", id: server.id }} name={server.name} tools={server.tools.map((tool) => tool.name)} />
          <ConfirmRemove name={server.name} what="Every agent's assignment of its tools goes too." onConfirm={() => remove.mutate(server.id)} />
        </div>
      </div>
      <Credentials bearer={server.has_bearer_token} headers={server.secret_headers} />
      {server.last_error ? <Alert variant="destructive">Last listing failed: {server.last_error}</Alert> : null}
      {actionError ? <Alert variant="destructive">{errorMessage(actionError)}</Alert> : null}
      {server.tools.length === 0 ? (
        <p className="text-sm text-muted-foreground">It lists no tools.</p>
      ) : (
        <ul className="grid gap-1.5" aria-label={`Tools of ${server.name}`}>
          {server.tools.map((tool) => (
            <li key={tool.name} className="text-sm">
              <span className="font-mono">{tool.name}</span>
              {tool.description ? <span className="text-muted-foreground"> — {tool.description}</span> : null}
            </li>
          ))}
        </ul>
      )}
      <p className="text-xs text-muted-foreground">{server.tools_listed_at ? `Listed ${formatDateTime(server.tools_listed_at)}` : "Not listed yet"}</p>
    </section>
  );
}

function HttpTools({ tenantId }: { tenantId: string }) {
  const tools = useHttpTools(tenantId);
  const remove = useDeleteHttpTool(tenantId);
  return (
    <Card>
      <CardHeader>
        <CardTitle>HTTP tools</CardTitle>
        <CardDescription>Endpoints called with the arguments the agent fills in.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {remove.error ? <Alert variant="destructive">{errorMessage(remove.error)}</Alert> : null}
        {tools.isPending ? (
          <LoadingState label="Loading HTTP tools…" />
        ) : tools.isError ? (
          <ErrorState error={tools.error} onRetry={() => tools.refetch()} />
        ) : tools.data.items.length === 0 ? (
          <EmptyState title="No HTTP tools yet" description="Add one to let agents look things up or act in your systems." />
        ) : (
          tools.data.items.map((tool) => <HttpToolRow key={tool.id} tenantId={tenantId} tool={tool} onRemove={() => remove.mutate(tool.id)} />)
        )}
      </CardContent>
    </Card>
  );
}

function HttpToolRow({ tenantId, tool, onRemove }: { tenantId: string; tool: HttpTool; onRemove: () => void }) {
  return (
    <section aria-label={tool.name} className="grid gap-2 rounded-md border p-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-mono font-medium">{tool.name}</h3>
          <p className="font-mono text-xs text-muted-foreground [overflow-wrap:anywhere]">
            {tool.method} {tool.url}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <TestDialog tenantId={tenantId} target={{ kind: "http", id: tool.id }} name={tool.name} />
          <ConfirmRemove name={tool.name} what="Every agent's assignment of it goes too." onConfirm={onRemove} />
        </div>
      </div>
      {tool.description ? <p className="text-sm">{tool.description}</p> : null}
      <Credentials headers={tool.secret_headers} />
    </section>
  );
}

function TestDialog({ tenantId, target, name, tools }: { tenantId: string; target: { kind: "mcp" | "http"; id: string }; name: string; tools?: string[] }) {
  const test = useTestTool(tenantId, target);
  return (
    <Dialog onOpenChange={(open) => !open && test.reset()}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          Test
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90vh] overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Test {name}</DialogTitle>
          <DialogDescription>A real call, as an agent would make it (no agent or approval involved).</DialogDescription>
        </DialogHeader>
        <ToolTestForm tools={tools} onSubmit={(body) => test.mutateAsync(body)} />
        {test.data ? <TestResult result={test.data} /> : null}
      </DialogContent>
    </Dialog>
  );
}

export function TestResult({ result }: { result: ToolTestResult }) {
  return (
    <div aria-live="polite" className="grid gap-2 rounded-md border bg-muted/40 p-3" data-testid="tool-test-result">
      <div className="flex items-center gap-2">
        <Badge variant={result.ok ? "success" : "destructive"}>{result.ok ? "Worked" : "Failed"}</Badge>
        <span className="text-xs text-muted-foreground">{Math.round(result.duration_ms)} ms</span>
      </div>
      <pre className="max-h-64 overflow-auto whitespace-pre-wrap text-xs [overflow-wrap:anywhere]">{result.text || "(no output)"}</pre>
    </div>
  );
}

function ConfirmRemove({ name, what, onConfirm }: { name: string; what: string; onConfirm: () => void }) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm">
          Remove
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Remove {name}?</AlertDialogTitle>
          <AlertDialogDescription>{what} This cannot be undone.</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction onClick={onConfirm}>Remove</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
