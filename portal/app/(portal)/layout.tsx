// Everything behind sign-in: checks the session on the server, then renders the shell.
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireOperator } from "@/lib/auth/server";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const operator = await requireOperator();
  return <AppShell operator={operator}>{children}</AppShell>;
}
