// Auth.js endpoints (session, sign-in callback, CSRF).
import { handlers } from "@/auth";

export const { GET, POST } = handlers;
