// The login form's rules and the messages a failed sign-in shows.
import { z } from "zod";

export const loginSchema = z.object({
  email: z.string().trim().min(1, "Enter your email.").pipe(z.email("Enter a valid email address.")),
  password: z.string().min(1, "Enter your password."),
});

export type LoginValues = z.infer<typeof loginSchema>;

export const LOGIN_ERRORS = {
  invalid_credentials: "Wrong email or password.",
  rate_limited: "Too many attempts, try again in a minute.",
  proxy_unavailable: "Sign-in is unavailable right now. Try again shortly.",
} as const;

export type LoginErrorCode = keyof typeof LOGIN_ERRORS;

export type LoginResult = { error: string } | undefined;
