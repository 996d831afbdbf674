import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocale } from "~/i18n";
import { getUser, safeRedirect } from "~/lib/auth.server";
import { users } from "~/lib/db.server";
import { readForm } from "~/lib/input.server";
import { localeCookie } from "~/lib/locale.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const to = safeRedirect(form.redirectTo, "/");
  if (!isLocale(form.locale)) return redirect(to);
  const user = await getUser(request, context);
  if (user) await users.setUserLocale(context.db, user.id, form.locale);
  return redirect(to, { headers: { "Set-Cookie": await localeCookie.serialize(form.locale) } });
}

export async function loader() {
  return redirect("/");
}
