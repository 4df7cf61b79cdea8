// An audit log, newest first: filtered by action, actor and days, searched, paged on the server, in words.
// A tenant's log is a page of its own; the platform's own (operators, invitations) sits on the Operators page.
"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Search } from "lucide-react";
import { useState } from "react";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Pager } from "@/components/ui/pagination";
import { SelectField } from "@/components/ui/select-field";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { formatDateTime } from "@/lib/utils";
import { actionLabel, detailLines } from "./actions";
import { AUDIT_PAGE_SIZE, auditQuery, type AuditFilters, type AuditScope } from "./queries";

const ANY = "any";

function useAudit(scope: AuditScope, filters: AuditFilters) {
  return useQuery({ ...auditQuery(scope, filters), placeholderData: keepPreviousData });
}

export function AuditLog({ scope, headingId }: { scope: AuditScope; headingId?: string }) {
  const [action, setAction] = useState(ANY);
  const [actor, setActor] = useState(ANY);
  const [search, setSearch] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [offset, setOffset] = useState(0);
  const q = useDebouncedValue(search.trim(), 300);
  const datesWrong = since !== "" && until !== "" && since > until;
  const audit = useAudit(scope, {
    action: action === ANY ? undefined : action,
    actor: actor === ANY ? undefined : actor,
    q: q || undefined,
    since: since || undefined,
    until: datesWrong ? undefined : until || undefined,
    limit: AUDIT_PAGE_SIZE,
    offset,
  });
  const filtered = action !== ANY || actor !== ANY || q !== "" || since !== "" || until !== "";
  const changed =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setOffset(0);
    };
  const prefix = scope.kind === "tenant" ? "audit" : "platform-audit";
  const actions = audit.data?.actions ?? [];
  const actors = audit.data?.actors ?? [];

  const body = (
    <div className="grid gap-4">
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-6">
        <div className="grid gap-1.5 sm:col-span-2">
          <label htmlFor={`${prefix}-search`} className="text-sm font-medium">
            Search
          </label>
          <div className="relative">
            <Search className="absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden />
            <Input
              id={`${prefix}-search`}
              type="search"
              placeholder="Who, what, which target or detail"
              className="pl-8"
              value={search}
              onChange={(event) => changed(setSearch)(event.target.value)}
            />
          </div>
        </div>
        <SelectField
          id={`${prefix}-action`}
          label="Action"
          value={action}
          onChange={changed(setAction)}
          options={[{ value: ANY, label: "Every action" }, ...actions.map((value) => ({ value, label: actionLabel(value) }))]}
        />
        <SelectField
          id={`${prefix}-actor`}
          label="Who"
          value={actor}
          onChange={changed(setActor)}
          options={[{ value: ANY, label: "Everyone" }, ...actors.map((value) => ({ value, label: value }))]}
        />
        <div className="grid grid-cols-2 gap-3 sm:col-span-2">
          <Field id={`${prefix}-since`} label="From" error={datesWrong ? "After the last day." : undefined}>
            <Input type="date" className="min-w-0" value={since} onChange={(event) => changed(setSince)(event.target.value)} />
          </Field>
          <Field id={`${prefix}-until`} label="To">
            <Input type="date" className="min-w-0" value={until} onChange={(event) => changed(setUntil)(event.target.value)} />
          </Field>
        </div>
      </div>
      {filtered ? (
        <div>
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              setAction(ANY);
              setActor(ANY);
              setSearch("");
              setSince("");
              setUntil("");
              setOffset(0);
            }}
          >
            Clear filters
          </Button>
        </div>
      ) : null}
      {audit.isPending ? (
        <LoadingState label="Loading audit log…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => audit.refetch()} />
      ) : audit.data.items.length === 0 ? (
        <EmptyState
          title={filtered ? "Nothing matches" : "Nothing recorded yet"}
          description={filtered ? "Try other filters or clear them." : "Changes to agents, keys, Slack, limits and operators appear here."}
        />
      ) : (
        <>
          <Table className="sm:table-fixed" aria-busy={audit.isPlaceholderData}>
            <TableHeader>
              <TableRow>
                <TableHead className="w-[18%]">When</TableHead>
                <TableHead className="w-[20%]">Who</TableHead>
                <TableHead className="w-[22%]">What</TableHead>
                <TableHead className="w-[40%]">Details</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {audit.data.items.map((entry) => {
                const lines = detailLines(entry.detail);
                return (
                  <TableRow key={entry.id}>
                    <TableCell className="text-muted-foreground">{formatDateTime(entry.created_at)}</TableCell>
                    <TableCell label="Who" className="sm:[overflow-wrap:anywhere]">
                      {entry.actor}
                    </TableCell>
                    <TableCell label="What" className="sm:[overflow-wrap:anywhere]">
                      <span className="font-medium">{actionLabel(entry.action)}</span>
                      <span className="block font-mono text-xs text-muted-foreground">{entry.action}</span>
                    </TableCell>
                    <TableCell label="Details" className="text-xs sm:[overflow-wrap:anywhere]">
                      {entry.target ? <span className="block font-mono">{entry.target}</span> : null}
                      {lines.length ? (
                        <ul className="text-muted-foreground">
                          {lines.map((line) => (
                            <li key={line}>{line}</li>
                          ))}
                        </ul>
                      ) : null}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          <Pager label="Audit log" total={audit.data.total} limit={audit.data.limit} offset={audit.data.offset} onOffset={setOffset} />
        </>
      )}
    </div>
  );

  if (scope.kind === "platform") {
    return (
      <Card>
        <CardHeader>
          <CardTitle id={headingId}>Platform activity</CardTitle>
          <CardDescription>Operators invited, reset and removed by platform admins. Each tenant&apos;s own log is under its Audit page.</CardDescription>
        </CardHeader>
        <CardContent>{body}</CardContent>
      </Card>
    );
  }
  return (
    <>
      <PageHeader title="Audit" description="Every change made to this tenant, by whom and when." />
      <Card>
        <CardContent className="pt-5">{body}</CardContent>
      </Card>
    </>
  );
}
