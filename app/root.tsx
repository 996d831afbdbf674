import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { AppShell } from "~/components/AppShell";
import { CommitMarker } from "~/components/CommitMarker";
import { direction, translator, type Locale } from "~/i18n";
import { homePath } from "../core/roles";
import { getUser } from "~/lib/auth.server";
import { resolveLocale } from "~/lib/locale.server";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { homeNav } from "~/lib/nav";
import styles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "preload", href: "/fonts/Vazirmatn-Regular.woff2", as: "font", type: "font/woff2", crossOrigin: "anonymous" },
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  const locale = await resolveLocale(request, user);
  // development on the simulators: the simulated SMS inboxes (/dev/sms, no Kavenegar key) and the simulated
  // phones' calls (/dev/phones, no ARI_URL) exist, linked discreetly
  return { locale, user, devSms: context.env.devSmsPage, devPhones: context.env.devPhonesPage };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: translator(data?.locale ?? "fa")("app.name") },
];

function Document({ locale, children }: { locale: Locale; children: React.ReactNode }) {
  return (
    <html lang={locale} dir={direction(locale)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <CommitMarker />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const { locale } = useLoaderData<typeof loader>();
  return (
    <Document locale={locale}>
      <Outlet />
    </Document>
  );
}

/**
 * Every error page: the status code in the reader's digits, a message in their language and, for a
 * signed-in user, their own menu (and sign-out) around it, so an error is never a dead end.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData<typeof loader>("root");
  const locale = useLocale();
  const t = useT();
  let message = t("error.unexpected");
  let status = 500;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (status === 404) message = t("error.notFound");
    else if (status === 403) message = t("error.forbidden");
    else if (status === 400) message = t("error.badRequest");
  }
  const content = (
    <div className="error-page">
      <h1>
        {t("error.title")} <span data-testid="error-status">{formatDigits(status, locale)}</span>
      </h1>
      <p role="alert">{message}</p>
      <Link to={root?.user ? homePath(root.user.role) : "/"}>{t("error.home")}</Link>
    </div>
  );
  return (
    <Document locale={locale}>
      {root?.user ? (
        <AppShell nav={homeNav(root.user.role)} user={root.user}>
          {content}
        </AppShell>
      ) : (
        <main id="main">{content}</main>
      )}
    </Document>
  );
}
