import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { adminGroups } from "~/lib/admin-pages";
import { requirePermission } from "~/lib/auth.server";
import { useT } from "~/lib/i18n";

// users:manage (the admin section's own guard): the admin home, one link to every administration page
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  return { groups: adminGroups(user.role) };
}

export default function AdminHome() {
  const { groups } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <p className="muted">{t("adminHome.intro")}</p>
      {groups.map((g) => (
        <section key={g.title} className="panel" data-testid="admin-group">
          <h2>{t(g.title)}</h2>
          <ul className="admin-links">
            {g.pages.map((p) => (
              <li key={p.to}>
                {p.download ? (
                  <a href={p.to} download>
                    {t(p.label)}
                  </a>
                ) : (
                  <Link to={p.to} prefetch="intent">
                    {t(p.label)}
                  </Link>
                )}
                <span className="muted"> — {t(p.description)}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
