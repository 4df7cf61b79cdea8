// "/" sends each operator to their start page.
import { redirect } from "next/navigation";
import { homePath, requireOperator } from "@/lib/auth/server";

export default async function Home() {
  redirect(homePath(await requireOperator()));
}
