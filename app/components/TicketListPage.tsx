import type { SerializeFrom } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useMemo, useRef, type ReactNode } from "react";
import { formatIranMobile } from "../../core/phone";
import { MAX_SEARCH_LENGTH } from "../../core/text";
import { isOverdue, PRIORITIES, TICKET_STATUSES, TICKET_TYPES, WARRANTY_STATUSES } from "../../core/ticket";
import { nextSortDirection, TICKET_PAGE_SIZES, type SortDirection, type TicketSort } from "../../core/ticket-list";
import type { loadTicketList } from "~/lib/ticket-page.server";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import type { MessageKey, Translate } from "~/i18n";
import { Pager, StatusBadge } from "./TicketViews";

type ListData = SerializeFrom<Awaited<ReturnType<typeof loadTicketList>>>;
type Row = NonNullable<ListData["rows"][number]>;

/** Query parameters the page names when it had to ignore them. */
const PARAM_LABELS: Record<ListData["invalid"][number], MessageKey> = {
  status: "ticket.status",
  type: "ticket.type",
  priority: "tickets.list.priority",
  warranty: "ticket.warranty",
  from: "tickets.list.from",
  to: "tickets.list.param.to",
  q: "common.search",
  sort: "tickets.list.param.sort",
  dir: "tickets.list.param.dir",
  page: "tickets.list.param.page",
  size: "tickets.list.pageSize",
};

/**
 * A searchable, filterable, sortable, paged list of tickets. Filters, sort and page live in the URL and are
 * applied by the server (the table renders the rows the loader sent, in their order).
 * Works the same without JavaScript: the filters are a GET form, the sortable headers and the pager are links.
 */
export function TicketListPage({ title, linkBase }: { title: string; linkBase: string }) {
  const data = useLoaderData() as unknown as ListData;
  const t = useT();
  const { query } = data;
  const locale = useLocale();
  const formKey = useFilterFormKey();
  return (
    <>
      <h1>{title}</h1>
      <Form method="get" className="inline ticket-filters" role="search" key={formKey}>
        <label>
          {t("common.search")}
          <input type="search" name="q" defaultValue={query.q ?? ""} placeholder={t("ticket.searchPlaceholder")} />
        </label>
        <Choice name="status" label={t("ticket.status")} value={query.status} options={TICKET_STATUSES} text={(s) => t(`status.${s}`)} />
        <Choice name="type" label={t("ticket.type")} value={query.type} options={TICKET_TYPES} text={(s) => t(`type.${s}`)} />
        <Choice name="priority" label={t("tickets.list.priority")} value={query.priority} options={PRIORITIES} text={(s) => t(`priority.${s}`)} />
        <Choice name="warranty" label={t("ticket.warranty")} value={query.warranty} options={WARRANTY_STATUSES} text={(s) => t(`warranty.${s}`)} />
        <label>
          {t("tickets.list.from")}
          <input name="from" className="date" inputMode="numeric" defaultValue={query.from ?? ""} placeholder={t("tickets.list.dateHint")} />
        </label>
        <label>
          {t("tickets.list.to")}
          <input name="to" className="date" inputMode="numeric" defaultValue={query.to ?? ""} placeholder={t("tickets.list.dateHint")} />
        </label>
        <label>
          {t("tickets.list.pageSize")}
          <select name="size" defaultValue={String(data.pageSize)}>
            {TICKET_PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {formatDigits(n, locale)}
              </option>
            ))}
          </select>
        </label>
        {/* the sort survives a new filter; the page starts again at 1 */}
        <input type="hidden" name="sort" value={data.sort} />
        <input type="hidden" name="dir" value={data.dir} />
        <button type="submit">{t("common.filter")}</button>
        <Link to={linkBase}>{t("tickets.list.clear")}</Link>
      </Form>
      {data.invalid.length > 0 ? (
        <p className="notice" role="status">
          {t("tickets.list.invalid", { fields: data.invalid.map((p) => t(PARAM_LABELS[p])).join("، ") })}
        </p>
      ) : null}
      {data.searchError ? (
        <p className="error" role="alert">
          {t(data.searchError, { max: MAX_SEARCH_LENGTH })}
        </p>
      ) : (
        <>
          <SortableTicketTable rows={data.rows} linkBase={linkBase} now={data.now} sort={data.sort} dir={data.dir} />
          <Pager page={data.page} hasMore={data.hasMore} />
        </>
      )}
    </>
  );
}

/** The query parameters the filter form's fields show. */
const FORM_FIELDS = ["q", "status", "type", "priority", "warranty", "from", "to", "size"] as const;

/**
 * The filter form's fields are uncontrolled (they work without JavaScript), so after a client-side navigation
 * that changed the filters without the form ("clear filters", the menu) they would still show the old values.
 * The form is then mounted afresh from the URL. Never after its own submission or a navigation that leaves the
 * filters as they were (pager, sort headers): whatever is typed meanwhile is kept.
 */
function useFilterFormKey(): number {
  const { search } = useLocation();
  const navigation = useNavigation();
  const params = new URLSearchParams(search);
  const filters = FORM_FIELDS.map((f) => params.get(f) ?? "").join("\u0000");
  // Worked out while rendering, not in an effect: the new URL and the fresh form arrive in the same commit,
  // so nothing typed in between can be wiped by a late remount.
  const state = useRef({ filters, key: 0, ownSubmission: false });
  const s = state.current;
  if (navigation.state !== "idle" && navigation.formMethod?.toUpperCase() === "GET" && navigation.formData) s.ownSubmission = true;
  if (filters !== s.filters) {
    if (!s.ownSubmission) s.key += 1;
    s.filters = filters;
    s.ownSubmission = false;
  }
  // a submission that changed nothing leaves no flag behind
  if (navigation.state === "idle") s.ownSubmission = false;
  return s.key;
}

function Choice<T extends string>(props: {
  name: string;
  label: string;
  value: T | undefined;
  options: readonly T[];
  text: (value: T) => string;
}) {
  const t = useT();
  return (
    <label>
      {props.label}
      <select name={props.name} defaultValue={props.value ?? ""}>
        <option value="">{t("common.all")}</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.text(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A column of the list: its header and how a row's cell reads. Plain functions, not a table library: the server
 * sorts and pages, so the table only writes rows out (a table model per request cost ≈ 6 % of the page's
 * server CPU for nothing it used).
 */
interface Column {
  id: string;
  header: string;
  /** the server-side sort this column's header asks for */
  sort?: TicketSort;
  cell: (row: Row) => ReactNode;
}

function columnsFor(t: Translate, locale: "fa" | "en", linkBase: string, now: number): Column[] {
  return [
    {
      id: "number",
      header: t("ticket.number"),
      sort: "number",
      cell: (row) => <Link to={`${linkBase}/${row.id}`}>{formatDigits(row.number, locale)}</Link>,
    },
    { id: "type", header: t("ticket.type"), cell: (row) => t(`type.${row.type}`) },
    {
      id: "customer",
      header: t("ticket.customer"),
      cell: (row) => (
        <>
          {row.customer_name}
          <br />
          <span className="ltr muted">{formatDigits(formatIranMobile(row.customer_mobile), locale)}</span>
        </>
      ),
    },
    {
      id: "product",
      header: t("ticket.product"),
      cell: (row) => (locale === "fa" ? row.category_fa : row.category_en) ?? t("common.none"),
    },
    { id: "city", header: t("ticket.city"), cell: (row) => row.city ?? t("common.none") },
    { id: "warranty", header: t("ticket.warranty"), cell: (row) => t(`warranty.${row.warranty_status}`) },
    {
      id: "priority",
      header: t("tickets.list.priority"),
      sort: "priority",
      cell: (row) => <span data-priority={row.priority}>{t(`priority.${row.priority}`)}</span>,
    },
    { id: "agency", header: t("ticket.agency"), cell: (row) => row.agency_name ?? t("common.none") },
    {
      id: "status",
      header: t("ticket.status"),
      sort: "status",
      cell: (row) => (
        <>
          <StatusBadge status={row.status} />{" "}
          {isOverdue(row.status, row.sla_resolve_due_at, now) ? (
            <span className="badge danger">{t("ticket.overdue")}</span>
          ) : null}
        </>
      ),
    },
    {
      id: "created_at",
      header: t("ticket.createdAt"),
      sort: "created_at",
      cell: (row) => <time dateTime={String(row.created_at)}>{formatDateTime(row.created_at, locale)}</time>,
    },
    {
      id: "sla_due",
      header: t("tickets.list.slaDue"),
      sort: "sla_due",
      cell: (row) => formatDateTime(row.sla_resolve_due_at, locale),
    },
  ];
}

/** The page of tickets as a table whose sortable headers are links to the same list sorted by that column. */
function SortableTicketTable(props: { rows: Row[]; linkBase: string; now: number; sort: TicketSort; dir: SortDirection }) {
  const t = useT();
  const locale = useLocale();
  const { search } = useLocation();
  const columns = useMemo(() => columnsFor(t, locale, props.linkBase, props.now), [t, locale, props.linkBase, props.now]);
  const hrefFor = (column: TicketSort) => {
    const params = new URLSearchParams(search);
    params.delete("page");
    params.set("sort", column);
    params.set("dir", nextSortDirection(column, props));
    return `?${params}`;
  };
  if (props.rows.length === 0) return <p className="muted">{t("common.noResults")}</p>;
  return (
    // its own horizontal scroll on a narrow screen (a phone), the filters above staying in view
    <div className="table-scroll">
      <table className="data tickets">
        <thead>
          <tr>
            {columns.map((column) => {
              if (!column.sort) return <th key={column.id}>{column.header}</th>;
              // the column of the server's sort
              const sorted = column.sort === props.sort ? (props.dir === "desc" ? "desc" : "asc") : false;
              return (
                <th
                  key={column.id}
                  aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                  data-sort={column.sort}
                >
                  <Link to={hrefFor(column.sort)} title={t("tickets.list.sortBy", { column: column.header })} className="sort">
                    {column.header}
                    {sorted ? (
                      <>
                        <span aria-hidden="true">{sorted === "asc" ? " ▲" : " ▼"}</span>
                        <span className="visually-hidden">{t(sorted === "asc" ? "tickets.list.sortedAsc" : "tickets.list.sortedDesc")}</span>
                      </>
                    ) : null}
                  </Link>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.id}>
              {columns.map((column) => (
                <td key={column.id}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
