// Auth.js v5: operators sign in with email + password verified by the proxy; the session is a JWT
// cookie that holds the proxy's operator token, which never reaches browser code.
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { proxyLogin } from "@/lib/auth/proxy-login";
import {
  IDLE_TIMEOUT_SECONDS,
  SESSION_REFRESH_SECONDS,
  sessionExpired,
  tokenExpiry,
} from "@/lib/auth/rules";
import type { Operator } from "@/lib/api/types";

export type SessionOperator = Pick<Operator, "id" | "email" | "role" | "tenant_id">;

declare module "next-auth" {
  interface User {
    operator: SessionOperator;
    accessToken: string;
    accessTokenExpiresAt: number;
  }
  interface Session {
    operator: SessionOperator;
    loginAt: number;
    user: DefaultSession["user"];
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    operator?: SessionOperator;
    accessToken?: string;
    accessTokenExpiresAt?: number;
    loginAt?: number;
  }
}

const credentials = z.object({ email: z.email(), password: z.string().min(1) });

export const { handlers, auth, signIn, signOut } = NextAuth({
  session: { strategy: "jwt", maxAge: IDLE_TIMEOUT_SECONDS, updateAge: SESSION_REFRESH_SECONDS },
  pages: { signIn: "/login" },
  logger: {
    // A wrong password is an expected outcome, not a server error worth a stack trace.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(input) {
        const parsed = credentials.safeParse(input);
        if (!parsed.success) return null;
        const login = await proxyLogin(parsed.data.email, parsed.data.password);
        const { id, email, role, tenant_id } = login.operator;
        return {
          id,
          email,
          operator: { id, email, role, tenant_id },
          accessToken: login.token,
          accessTokenExpiresAt: tokenExpiry(login.expires_at),
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        return {
          ...token,
          operator: user.operator,
          accessToken: user.accessToken,
          accessTokenExpiresAt: user.accessTokenExpiresAt,
          loginAt: Date.now(),
        };
      }
      if (
        !token.operator ||
        !token.accessToken ||
        token.loginAt === undefined ||
        token.accessTokenExpiresAt === undefined ||
        sessionExpired({ loginAt: token.loginAt, accessTokenExpiresAt: token.accessTokenExpiresAt })
      ) {
        return null;
      }
      return token;
    },
    session({ session, token }) {
      // Only what the UI shows; the operator token stays in the encrypted cookie.
      return {
        ...session,
        operator: token.operator as SessionOperator,
        loginAt: token.loginAt as number,
      };
    },
  },
});
