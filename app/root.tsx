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
} from "@remix-run/react";
import { direction, translator, type Locale } from "~/i18n";
import { getUser } from "~/lib/auth.server";
import { resolveLocale } from "~/lib/locale.server";
import { useLocale, useT } from "~/lib/i18n";
import styles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "preload", href: "/fonts/Vazirmatn-Regular.woff2", as: "font", type: "font/woff2", crossOrigin: "anonymous" },
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  const locale = await resolveLocale(request, user);
  return { locale, user };
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

export function ErrorBoundary() {
  const error = useRouteError();
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
  return (
    <Document locale={locale}>
      <main className="error-page" id="main">
        <h1>
          {t("error.title")} {status}
        </h1>
        <p role="alert">{message}</p>
        <Link to="/">{t("error.home")}</Link>
      </main>
    </Document>
  );
}
