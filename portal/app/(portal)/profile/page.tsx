// The signed-in operator's own page: who they are, their password, and signing out on every device.
import type { Metadata } from "next";
import { Profile } from "@/features/operators/profile";
import { requireOperator } from "@/lib/auth/server";
import { changePassword } from "./actions";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  const operator = await requireOperator();
  return <Profile operator={operator} changePassword={changePassword} />;
}
