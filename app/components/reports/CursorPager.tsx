import { Link } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/lib/i18n";

/** The links of a newest-first list paged by a cursor (app/lib/report-table.ts cursorPage): back to the newest page, on to older rows. */
export function CursorPager({ label, newestHref, olderHref }: { label: MessageKey; newestHref: string | null; olderHref: string | null }) {
  const t = useT();
  if (!newestHref && !olderHref) return null;
  return (
    <nav className="pager" aria-label={t(label)}>
      {newestHref && <Link to={newestHref}>{t("voice.low.newestPage")}</Link>}{" "}
      {olderHref && <Link to={olderHref}>{t("voice.low.older")}</Link>}
    </nav>
  );
}
