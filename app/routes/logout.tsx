import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession } from "~/lib/auth.server";

export async function action({ request, context }: ActionFunctionArgs) {
  return endSession(request, context);
}

export async function loader() {
  // Signing out changes state, so it is a POST; a typed URL just goes home.
  return redirect("/");
}
