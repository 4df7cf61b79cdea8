// The signed-in frame: sidebar navigation from tablet width up, a drawer behind a menu button below it;
// tenant switcher (platform admins only), operator and logout; the unsaved-edits guard for every page.
"use client";

import { Activity, Bot, Building2, Gauge, KeyRound, LogOut, Menu, MessageSquare, ScrollText, UserRound, Users, Wrench, type LucideIcon } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import type { SessionOperator } from "@/auth";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { cn } from "@/lib/utils";
import { LeaveGuardDialog } from "./leave-guard-dialog";
import { isActive, navItems, tenantIdFromPath } from "./nav";
import { TenantSwitcher } from "./tenant-switcher";

const ICONS: Record<string, LucideIcon> = {
  Tenants: Building2,
  Overview: Building2,
  Agents: Bot,
  Tools: Wrench,
  Keys: KeyRound,
  Slack: MessageSquare,
  Limits: Gauge,
  Usage: Activity,
  Operators: Users,
  Audit: ScrollText,
};

export function AppShell({ operator, children }: { operator: SessionOperator; children: ReactNode }) {
  const pathname = usePathname();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [drawerPath, setDrawerPath] = useState(pathname);
  // A link followed inside the drawer closes it (adjusting state while rendering, not in an effect).
  if (drawerPath !== pathname) {
    setDrawerPath(pathname);
    setDrawerOpen(false);
  }

  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-background focus:p-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-40 flex h-14 items-center gap-2 border-b bg-sidebar px-3 md:hidden">
        <Sheet open={drawerOpen} onOpenChange={setDrawerOpen}>
          <SheetTrigger asChild>
            <Button variant="ghost" size="icon" aria-label="Open menu">
              <Menu aria-hidden />
            </Button>
          </SheetTrigger>
          <SheetContent aria-describedby={undefined}>
            <SheetTitle className="sr-only">Menu</SheetTitle>
            <SidebarContent operator={operator} pathname={pathname} />
          </SheetContent>
        </Sheet>
        <Link href="/" className="text-base font-semibold tracking-tight">
          Konstruct
        </Link>
      </header>
      <aside className="hidden w-60 shrink-0 border-r bg-sidebar md:block">
        <div className="sticky top-0 flex h-screen flex-col">
          <SidebarContent operator={operator} pathname={pathname} />
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-6">
        {children}
      </main>
      <LeaveGuardDialog />
    </div>
  );
}

function SidebarContent({ operator, pathname }: { operator: SessionOperator; pathname: string }) {
  const tenantId = operator.role === "tenant_admin" ? operator.tenant_id : tenantIdFromPath(pathname);
  const items = navItems(operator.role, tenantId);
  return (
    <>
      <div className="px-5 py-4">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          Konstruct
        </Link>
        <p className="text-xs text-muted-foreground">Operator portal</p>
      </div>
      {operator.role === "platform_admin" ? (
        <div className="px-3 pb-3">
          <TenantSwitcher currentTenantId={tenantId} />
        </div>
      ) : null}
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-3">
        <ul className="grid gap-0.5">
          {items.map((item) => {
            const Icon = ICONS[item.label] ?? Building2;
            const active = isActive(item, pathname);
            const classes = "flex items-center gap-2.5 rounded-md px-3 py-2 text-sm";
            return (
              <li key={item.label}>
                {item.href ? (
                  <Link
                    href={item.href}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      classes,
                      "hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                      active && "bg-accent font-medium text-accent-foreground",
                    )}
                  >
                    <Icon className="size-4" aria-hidden />
                    {item.label}
                  </Link>
                ) : (
                  <span aria-disabled="true" title="Choose a tenant first" className={cn(classes, "cursor-not-allowed text-muted-foreground")}>
                    <Icon className="size-4" aria-hidden />
                    {item.label}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="border-t p-3">
        <p className="truncate px-2 text-sm font-medium" title={operator.email}>
          {operator.email}
        </p>
        <p className="px-2 pb-2 text-xs text-muted-foreground">{operator.role === "platform_admin" ? "Platform admin" : "Tenant admin"}</p>
        <Button asChild variant="ghost" size="sm" className={cn("w-full justify-start", pathname === "/profile" && "bg-accent")}>
          <Link href="/profile" aria-current={pathname === "/profile" ? "page" : undefined}>
            <UserRound aria-hidden />
            Profile and password
          </Link>
        </Button>
        <form method="post" action="/logout">
          <Button type="submit" variant="ghost" size="sm" className="w-full justify-start">
            <LogOut aria-hidden />
            Log out
          </Button>
        </form>
      </div>
    </>
  );
}
