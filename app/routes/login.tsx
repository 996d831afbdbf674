import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { homePath } from "../../core/roles";
import { DevLinks } from "~/components/AppShell";
import type { MessageKey } from "~/i18n";
import { getUser, safeRedirect, sessionStarted } from "~/lib/auth.server";
import { readForm, readSearchParams } from "~/lib/input.server";
import { useLocale, useT } from "~/lib/i18n";
import { chosenLocale } from "~/lib/locale.server";
import { signIn } from "~/lib/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (user) throw redirect(homePath(user.role));
  // Only a safe value reaches the page's hidden field; a hostile one becomes "" (go home after sign-in).
  return { redirectTo: safeRedirect(readSearchParams(request).redirectTo, "") };
}

const LoginForm = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
  redirectTo: z.string().optional(),
});

type ActionResult = { error: MessageKey; params?: Record<string, number>; username: string };

const ERRORS = {
  invalid: { error: "login.error.invalid", status: 401 },
  inactive: { error: "login.error.inactive", status: 403 },
  throttled: { error: "login.error.throttled", status: 429 },
} as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const parsed = LoginForm.safeParse(form);
  const typedUsername = (form.username ?? "").slice(0, 100);
  if (!parsed.success) {
    return Response.json({ error: "login.error.required", username: typedUsername } satisfies ActionResult, { status: 400 });
  }
  const { username, password, redirectTo } = parsed.data;
  const result = await signIn(context.db, {
    username,
    password,
    ip: context.clientIp,
    userAgent: request.headers.get("User-Agent"),
    locale: await chosenLocale(request),
  });
  if (!result.ok) {
    const { error, status } = ERRORS[result.reason];
    const params = result.reason === "throttled" ? { minutes: result.retryAfterMinutes } : undefined;
    return Response.json({ error, params, username } satisfies ActionResult, { status });
  }
  return sessionStarted(context, result.sessionId, safeRedirect(redirectTo, homePath(result.role)));
}

export default function LoginPage() {
  const t = useT();
  const locale = useLocale();
  const result = useActionData<ActionResult>();
  const { redirectTo } = useLoaderData<typeof loader>();
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
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
      </Form>
      <Form method="post" action="/locale">
        <input type="hidden" name="locale" value={locale === "fa" ? "en" : "fa"} />
        <input
          type="hidden"
          name="redirectTo"
          value={redirectTo ? `/login?${new URLSearchParams({ redirectTo })}` : "/login"}
        />
        <button type="submit" className="link-button" lang={locale === "fa" ? "en" : "fa"}>
          {t("lang.switchTo")}
        </button>
      </Form>
      {/* the customers' public warranty card page (issue 15 §1) */}
      <p>
        <Link to="/warranty" data-testid="warranty-card-link">
          {t("warrantyCard.link")}
        </Link>
      </p>
      <DevLinks />
    </main>
  );
}
