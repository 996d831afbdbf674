import { Form, useLoaderData } from "@remix-run/react";
import { MAX_SEARCH_LENGTH } from "../../core/text";
import { TICKET_STATUSES, TICKET_TYPES } from "../../core/ticket";
import { useT } from "~/lib/i18n";
import { Pager, TicketTable, type TicketRow } from "./TicketViews";

interface ListData {
  rows: TicketRow[];
  page: number;
  hasMore: boolean;
  now: number;
  query: { status?: string; type?: string; q?: string };
  /** the search was refused (too long): say so instead of listing anything */
  searchError: "ticket.searchTooLong" | null;
}

/** A searchable, filterable, paged list of tickets; works as a plain GET form without JavaScript. */
export function TicketListPage({ title, linkBase }: { title: string; linkBase: string }) {
  const data = useLoaderData() as unknown as ListData;
  const t = useT();
  return (
    <>
      <h1>{title}</h1>
      <Form method="get" className="inline" role="search">
        <label>
          {t("common.search")}
          <input type="search" name="q" defaultValue={data.query.q ?? ""} placeholder={t("ticket.searchPlaceholder")} />
        </label>
        <label>
          {t("ticket.status")}
          <select name="status" defaultValue={data.query.status ?? ""}>
            <option value="">{t("common.all")}</option>
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("ticket.type")}
          <select name="type" defaultValue={data.query.type ?? ""}>
            <option value="">{t("common.all")}</option>
            {TICKET_TYPES.map((s) => (
              <option key={s} value={s}>
                {t(`type.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("common.filter")}</button>
      </Form>
      {data.searchError ? (
        <p className="error" role="alert">
          {t(data.searchError, { max: MAX_SEARCH_LENGTH })}
        </p>
      ) : (
        <>
          <TicketTable rows={data.rows} linkBase={linkBase} now={data.now} />
          <Pager page={data.page} hasMore={data.hasMore} />
        </>
      )}
    </>
  );
}
