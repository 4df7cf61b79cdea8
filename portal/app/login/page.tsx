// The sign-in page; reachable signed in or out (signing in again replaces the session).
import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { LoginForm } from "@/features/auth/login-form";
import { safeCallbackPath } from "@/lib/auth/callback";
import { login } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ reason?: string; callbackUrl?: string }> }) {
  const { reason, callbackUrl } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-sidebar px-4">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <p className="text-sm font-semibold tracking-wide text-primary">Konstruct</p>
          <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
          <CardDescription>Operator portal for your AI employees.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {reason === "expired" ? <Alert>Your session has ended. Please sign in again.</Alert> : null}
          <LoginForm action={login.bind(null, safeCallbackPath(callbackUrl))} />
        </CardContent>
      </Card>
    </main>
  );
}
