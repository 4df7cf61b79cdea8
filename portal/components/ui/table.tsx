// Data table primitives in the shadcn/ui style. Below the `sm` breakpoint every row becomes a card: the
// header row is kept for screen readers only, and each labelled cell shows its column name beside the value.
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/utils";

export function Table({ className, ...props }: ComponentProps<"table">) {
  return (
    // `relative`: the screen-reader-only header texts are positioned absolutely, and must scroll with the
    // table instead of widening the page from outside the scroll box.
    <div className="relative w-full sm:overflow-x-auto">
      <table className={cn("block w-full caption-bottom text-sm sm:table", className)} {...props} />
    </div>
  );
}

export function TableHeader({ className, ...props }: ComponentProps<"thead">) {
  return <thead className={cn("sr-only sm:not-sr-only sm:[&_tr]:border-b", className)} {...props} />;
}

export function TableBody({ className, ...props }: ComponentProps<"tbody">) {
  return <tbody className={cn("grid gap-3 sm:table-row-group sm:[&_tr:last-child]:border-0", className)} {...props} />;
}

export function TableRow({ className, ...props }: ComponentProps<"tr">) {
  return (
    <tr
      className={cn(
        "grid gap-2 rounded-lg border p-3 transition-colors sm:table-row sm:rounded-none sm:border-0 sm:border-b sm:p-0 sm:hover:bg-muted/40",
        className,
      )}
      {...props}
    />
  );
}

export function TableHead({ className, ...props }: ComponentProps<"th">) {
  return (
    <th
      scope="col"
      className={cn("h-10 px-3 text-left align-middle text-xs font-medium uppercase tracking-wide text-muted-foreground", className)}
      {...props}
    />
  );
}

/** `label`: the column name shown beside the value on a phone card (cells without one lead the card). */
export function TableCell({ className, label, children, ...props }: ComponentProps<"td"> & { label?: ReactNode }) {
  return (
    <td
      className={cn(
        "block min-w-0 [overflow-wrap:anywhere] sm:table-cell sm:px-3 sm:py-2.5 sm:align-middle sm:[overflow-wrap:normal]",
        label ? "grid grid-cols-[minmax(5.5rem,35%)_minmax(0,1fr)] items-baseline gap-3" : null,
        className,
      )}
      {...props}
    >
      {label ? (
        <span aria-hidden className="text-xs font-medium text-muted-foreground sm:hidden">
          {label}
        </span>
      ) : null}
      {children}
    </td>
  );
}
