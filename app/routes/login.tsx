import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { decideLoginThrottle, throttleWindowStart } from "../../core/login-throttle";
import { homePath } from "../../core/roles";
import type { MessageKey } from "~/i18n";
import { getUser, safeRedirect, startSession } from "~/lib/auth.server";
import { loginAttempts, users } from "~/lib/db.server";
import { useLocale, useT } from "~/lib/i18n";
import { verifyPassword } from "~/lib/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (user) throw redirect(homePath(user.role));
  return null;
}

const LoginForm = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
  redirectTo: z.string().optional(),
});

type ActionResult = { error: MessageKey; params?: Record<string, number>; username: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = Object.fromEntries(await request.formData());
  const parsed = LoginForm.safeParse(form);
  const typedUsername = typeof form.username === "string" ? form.username.slice(0, 100) : "";
  if (!parsed.success) {
    return Response.json({ error: "login.error.required", username: typedUsername } satisfies ActionResult, { status: 400 });
  }
  const { username, password } = parsed.data;
  const ip = context.clientIp;

  const failures = await loginAttempts.countRecentFailures(context.db, { username, ip, since: throttleWindowStart(new Date()) });
  const throttle = decideLoginThrottle(failures);
  if (!throttle.allowed) {
    return Response.json(
      { error: "login.error.throttled", params: { minutes: throttle.retryAfterMinutes }, username } satisfies ActionResult,
      { status: 429 },
    );
  }

  const found = await users.findUserForLogin(context.db, username);
  // Unknown usernames and wrong passwords get the same answer; the throttle limits guessing.
  const ok = found ? await verifyPassword(found.password_hash, password) : false;
  await loginAttempts.recordLoginAttempt(context.db, { username, ip, succeeded: ok });
  if (!found || !ok) {
    return Response.json({ error: "login.error.invalid", username } satisfies ActionResult, { status: 401 });
  }
  if (!found.active) {
    return Response.json({ error: "login.error.inactive", username } satisfies ActionResult, { status: 403 });
  }
  return startSession(request, context, found.id, safeRedirect(parsed.data.redirectTo, homePath(found.role)));
}

export default function LoginPage() {
  const t = useT();
  const locale = useLocale();
  const result = useActionData<ActionResult>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <main className="login-page" id="main">
      <Form method="post" className="login-box" aria-labelledby="login-title">
        <div>
          <h1 className="title" id="login-title">
            {t("login.title")}
          </h1>
          <p className="muted">
            {t("app.name")} — {t("app.tagline")}
          </p>
        </div>
        {result?.error ? (
          <p className="error" role="alert" id="login-error">
            {t(result.error, result.params)}
          </p>
        ) : null}
        <label>
          {t("login.username")}
          <input
            name="username"
            autoComplete="username"
            required
            dir="ltr"
            defaultValue={result?.username ?? ""}
            aria-invalid={result?.error ? true : undefined}
            aria-describedby={result?.error ? "login-error" : undefined}
          />
        </label>
        <label>
          {t("login.password")}
          <input name="password" type="password" autoComplete="current-password" required dir="ltr" />
        </label>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
      </Form>
      <Form method="post" action="/locale">
        <input type="hidden" name="locale" value={locale === "fa" ? "en" : "fa"} />
        <input type="hidden" name="redirectTo" value="/login" />
        <button type="submit" className="link-button" lang={locale === "fa" ? "en" : "fa"}>
          {t("lang.switchTo")}
        </button>
      </Form>
    </main>
  );
}
