import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { homePath } from "../../core/roles";
import { getUser } from "~/lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  throw redirect(user ? homePath(user.role) : "/login");
}
