// Server-side paging and sorting controls: "21–40 of 73" with previous/next, and table headers that sort.
"use client";

import { ArrowDown, ArrowUp, ArrowUpDown, ChevronLeft, ChevronRight } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { TableHead } from "@/components/ui/table";
import { cn } from "@/lib/utils";

export type SortState<K extends string> = { sort: K; order: "asc" | "desc" };

export function Pager({
  total,
  limit,
  offset,
  onOffset,
  label,
}: {
  total: number;
  limit: number;
  offset: number;
  onOffset: (offset: number) => void;
  label: string;
}) {
  if (total === 0) return null;
  const first = offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav aria-label={`${label} pages`} className="flex flex-wrap items-center justify-between gap-2 text-sm">
      <p className="text-muted-foreground" aria-live="polite">
        {first === 1 && last === total ? `${total} in all` : `${first}–${last} of ${total}`}
      </p>
      <div className="flex gap-2">
        <Button variant="outline" size="sm" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
          <ChevronLeft aria-hidden />
          Previous
        </Button>
        <Button variant="outline" size="sm" disabled={last >= total} onClick={() => onOffset(offset + limit)}>
          Next
          <ChevronRight aria-hidden />
        </Button>
      </div>
    </nav>
  );
}

/** A column header that sorts by `column`: the first click sorts `firstOrder`, the next one reverses it. */
export function SortableHead<K extends string>({
  column,
  state,
  onSort,
  firstOrder = "asc",
  className,
  children,
}: {
  column: K;
  state: SortState<K>;
  onSort: (next: SortState<K>) => void;
  firstOrder?: "asc" | "desc";
  className?: string;
  children: ReactNode;
}) {
  const active = state.sort === column;
  const Icon = !active ? ArrowUpDown : state.order === "asc" ? ArrowUp : ArrowDown;
  const next: SortState<K> = { sort: column, order: active ? (state.order === "asc" ? "desc" : "asc") : firstOrder };
  return (
    <TableHead aria-sort={active ? (state.order === "asc" ? "ascending" : "descending") : "none"} className={className}>
      <button
        type="button"
        onClick={() => onSort(next)}
        className={cn(
          "inline-flex items-center gap-1 rounded-sm uppercase tracking-wide hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
          active && "text-foreground",
        )}
      >
        {children}
        <Icon className="size-3.5" aria-hidden />
      </button>
    </TableHead>
  );
}

/** On a phone the table headers are hidden: the same sort as a select. */
export function sortOptions<K extends string>(columns: { value: K; label: string; firstOrder?: "asc" | "desc" }[]) {
  return columns.flatMap(({ value, label }) => [
    { value: `${value}:asc`, label: `${label} ↑` },
    { value: `${value}:desc`, label: `${label} ↓` },
  ]);
}
