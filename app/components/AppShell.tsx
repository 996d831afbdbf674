import { Form, Link, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/lib/i18n";
import type { Role } from "../../core/roles";

export interface NavItem {
  to: string;
  label: MessageKey;
  end?: boolean;
}

/** The frame of every signed-in page: navigation for the role, language switch, sign-out. */
export function AppShell({
  nav,
  user,
  children,
}: {
  nav: NavItem[];
  user: { displayName: string; role: Role };
  children: React.ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  // On a phone the menu folds behind a button once the page is hydrated (without JavaScript it stays open): a
  // small agency's new offers are the first thing on its screen, not below a screenful of links.
  const [hydrated, setHydrated] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setHydrated(true), []);
  // each navigation folds it again
  useEffect(() => setMenuOpen(false), [location.pathname, location.search]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <nav className={`shell-nav${hydrated ? " foldable" : ""}${menuOpen ? " open" : ""}`} aria-label={t("app.name")}>
        <div className="brand">{t("app.name")}</div>
        {hydrated ? (
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="shell-menu" onClick={() => setMenuOpen((o) => !o)}>
            {t("nav.menu")}
          </button>
        ) : null}
        <div className="shell-menu" id="shell-menu">
          {nav.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.end ?? false} prefetch="intent">
              {t(item.label)}
            </NavLink>
          ))}
          <div className="spacer" />
          <div className="who">
            {t("nav.signedInAs", { name: user.displayName })}
            <br />
            {t(`role.${user.role}`)}
          </div>
          <Form method="post" action="/locale">
            <input type="hidden" name="locale" value={locale === "fa" ? "en" : "fa"} />
            <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
            <button type="submit" className="link-button" lang={locale === "fa" ? "en" : "fa"}>
              {t("lang.switchTo")}
            </button>
          </Form>
          <Form method="post" action="/logout">
            <button type="submit" className="link-button">
              {t("logout")}
            </button>
          </Form>
        </div>
      </nav>
      <main className="shell-main" id="main">
        {children}
        <footer className="dev-footer">
          <DevLinks />
        </footer>
      </main>
    </div>
  );
}

/**
 * Development on the simulators: quiet links to the simulated phones' SMS inboxes (/dev/sms, KAVENEGAR_API_KEY
 * unset) and to their calls (/dev/phones, ARI_URL unset).
 */
export function DevLinks() {
  const t = useT();
  const root = useRouteLoaderData<{ devSms?: boolean; devPhones?: boolean }>("root");
  if (!root?.devSms && !root?.devPhones) return null;
  return (
    <span className="dev-links">
      {root.devSms ? (
        <Link to="/dev/sms" className="dev-link" data-testid="dev-sms-link">
          {t("devSms.link")}
        </Link>
      ) : null}
      {root.devPhones ? (
        <Link to="/dev/phones" className="dev-link" data-testid="dev-phones-link">
          {t("devPhones.link")}
        </Link>
      ) : null}
    </span>
  );
}
