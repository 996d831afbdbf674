import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { MAX_STOCK_QUANTITY, MAX_STOCK_REASON_LENGTH } from "../../core/parts";
import { can } from "../../core/roles";
import type { MessageKey } from "~/i18n";
import { formatDay } from "~/components/PartRequests";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { parts } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { adjustAgencyStock, StockAdjustError } from "~/lib/services.server";
import portalStyles from "~/styles/agency-portal.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalStyles }];

/**
 * The agency's parts (issue 15 §4): the parts on its own shelf and its jobs' open part requests (requested,
 * ordered, shipped) with the ticket and the expected date. Every agency user sees them (agency_portal:use);
 * only its admin sets a part's counted quantity, with a reason (agency_portal:parts_stock; audited). The
 * signed-in user's own agency only — no agency in the URL. Taking a part from the shelf for a job is on the
 * job's page (agency.tickets.$ticketId), which decrements the stock in the same transaction.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const canAdjust = can(user.role, "agency_portal:parts_stock");
  const [stock, open, catalogue] = await Promise.all([
    parts.stockOfAgency(context.db, scope.agencyId),
    parts.openRequestsOfAgency(context.db, scope.agencyId),
    canAdjust ? parts.stockableParts(context.db) : Promise.resolve([]),
  ]);
  return { stock, open, catalogue, canAdjust, done: readSearchParams(request).done === "adjust", maxReason: MAX_STOCK_REASON_LENGTH };
}

const Quantity = z.preprocess(
  (v) => (typeof v === "string" ? toLatinDigits(v).trim() : v),
  z.string().regex(/^\d{1,6}$/, "agencyParts.error.quantity").transform(Number).pipe(z.number().int().min(0, "agencyParts.error.quantity").max(MAX_STOCK_QUANTITY, "agencyParts.error.quantity")),
);
const AdjustForm = z.object({
  partId: z.coerce.number({ invalid_type_error: "agencyParts.error.invalid" }).int().positive().max(2 ** 53),
  quantity: Quantity,
  reason: z.string({ required_error: "agencyParts.error.reason" }).trim().min(1, "agencyParts.error.reason").max(MAX_STOCK_REASON_LENGTH, "agencyParts.error.reason"),
});

export interface StockActionError {
  /** the form the message belongs to: a stock row's part, or the "add a part" form */
  partId: number | "new" | null;
  error: MessageKey;
  values: Record<string, string>;
}

const STATUS: Record<StockAdjustError["problem"], number> = { quantity: 400, reason: 400, unchanged: 409, forbidden: 403, notFound: 404 };

/** Guard (the agency's admin) → parse → one service call → back to the page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:parts_stock");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const form = await readForm(request);
  const which = form.row === "new" ? ("new" as const) : (z.coerce.number().int().positive().safeParse(form.partId).data ?? null);
  const refuse = (status: number, error: MessageKey) => Response.json({ partId: which, error, values: form } satisfies StockActionError, { status });
  const parsed = AdjustForm.safeParse(form);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message;
    return refuse(400, (message?.startsWith("agencyParts.error.") ? message : "agencyParts.error.invalid") as MessageKey);
  }
  try {
    await adjustAgencyStock(context.db, { kind: "agency", userId: user.id, ip: context.clientIp }, { agencyId: scope.agencyId, ...parsed.data });
  } catch (error) {
    if (error instanceof StockAdjustError) return refuse(STATUS[error.problem], `agencyParts.error.${error.problem}`);
    throw error;
  }
  return redirect("/agency/parts?done=adjust");
}

export default function AgencyParts() {
  const { stock, open, catalogue, canAdjust, done, maxReason } = useLoaderData<typeof loader>();
  const result = useActionData<StockActionError>();
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const locale = useLocale();
  const errorFor = (partId: number | "new") =>
    result && result.partId === partId ? (
      <p className="error" role="alert">
        {t(result.error)}
      </p>
    ) : null;
  const echo = (partId: number | "new", field: string) => (result && result.partId === partId ? (result.values[field] ?? "") : undefined);
  return (
    <>
      <h1>{t("agencyParts.title")}</h1>
      <p className="muted">{t("agencyParts.intro")}</p>
      {done ? (
        <p className="notice ok" role="status" data-testid="stock-done">
          {t("agencyParts.done")}
        </p>
      ) : null}
      {result && result.partId === null ? (
        <p className="notice error" role="alert">
          {t(result.error)}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="stock-title">
        <h2 id="stock-title">{t("agencyParts.stock.title")}</h2>
        {canAdjust ? null : (
          <p className="muted" data-testid="stock-view-only">
            {t("agencyParts.viewOnly")}
          </p>
        )}
        {stock.length === 0 ? (
          <p className="muted">{t("agencyParts.stock.none")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data" data-testid="stock-table">
              <thead>
                <tr>
                  <th>{t("parts.col.part")}</th>
                  <th>{t("agencyParts.col.model")}</th>
                  <th>{t("agencyParts.col.quantity")}</th>
                  <th>{t("agencyParts.col.updatedAt")}</th>
                  {canAdjust ? <th>{t("parts.col.actions")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {stock.map((s) => (
                  <tr key={s.part_id} data-part={s.part_id} data-testid="stock-row">
                    <td>
                      <span className="ltr">{s.code}</span> {s.name} {s.active ? null : <span className="muted">{t("agencyParts.inactive")}</span>}
                    </td>
                    <td>{s.model_name}</td>
                    <td data-testid="stock-quantity">{formatNumber(s.quantity, locale)}</td>
                    <td>{formatDateTime(s.updated_at, locale)}</td>
                    {canAdjust ? (
                      <td>
                        <Form method="post" className="stock-form" data-testid="stock-adjust">
                          <input type="hidden" name="partId" value={s.part_id} />
                          <label>
                            <span className="visually-hidden">{t("agencyParts.col.newQuantity")}</span>
                            <input name="quantity" inputMode="numeric" size={5} required aria-label={t("agencyParts.col.newQuantity")} defaultValue={echo(s.part_id, "quantity") ?? String(s.quantity)} />
                          </label>
                          <label>
                            <span className="visually-hidden">{t("agencyParts.col.reason")}</span>
                            <input name="reason" required maxLength={maxReason} aria-label={t("agencyParts.col.reason")} placeholder={t("agencyParts.adjust.reasonHint")} defaultValue={echo(s.part_id, "reason") ?? ""} />
                          </label>
                          <button type="submit" className="secondary" disabled={busy}>
                            {t("agencyParts.adjust.submit")}
                          </button>
                        </Form>
                        {errorFor(s.part_id)}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canAdjust && catalogue.length > 0 ? (
          <Form method="post" className="stock-form" data-testid="stock-add">
            <h3>{t("agencyParts.add.title")}</h3>
            <input type="hidden" name="row" value="new" />
            <label className="field">
              <span>{t("agencyParts.add.part")}</span>
              <select name="partId" required defaultValue={echo("new", "partId") ?? ""}>
                <option value="">{t("agencyParts.add.choose")}</option>
                {catalogue.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.model_name} — {p.code} — {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t("agencyParts.col.newQuantity")}</span>
              <input name="quantity" inputMode="numeric" size={5} required defaultValue={echo("new", "quantity") ?? ""} />
            </label>
            <label className="field">
              <span>{t("agencyParts.col.reason")}</span>
              <input name="reason" required maxLength={maxReason} placeholder={t("agencyParts.adjust.reasonHint")} defaultValue={echo("new", "reason") ?? ""} />
            </label>
            <button type="submit" disabled={busy}>
              {t("agencyParts.adjust.submit")}
            </button>
            {errorFor("new")}
          </Form>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="open-title">
        <h2 id="open-title">{t("agencyParts.open.title")}</h2>
        {open.length === 0 ? (
          <p className="muted">{t("agencyParts.open.none")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data" data-testid="open-requests">
              <thead>
                <tr>
                  <th>{t("agencyParts.col.ticket")}</th>
                  <th>{t("parts.col.part")}</th>
                  <th>{t("parts.col.quantity")}</th>
                  <th>{t("parts.col.status")}</th>
                  <th>{t("parts.col.expected")}</th>
                  <th>{t("parts.col.requestedAt")}</th>
                  <th>{t("agencyParts.col.inStock")}</th>
                </tr>
              </thead>
              <tbody>
                {open.map((r) => (
                  <tr key={r.id} data-request={r.id} data-status={r.status} data-testid="open-request">
                    <td>
                      <Link to={`/agency/tickets/${r.ticket_id}`}>{formatDigits(r.ticket_number, locale)}</Link>
                    </td>
                    <td>
                      <span className="ltr">{r.part_code}</span> {r.part_name}
                    </td>
                    <td>{formatDigits(r.quantity, locale)}</td>
                    <td>
                      <span className="badge">{t(`parts.status.${r.status}` as MessageKey)}</span>
                      {r.source ? <span className="muted"> ({t(`parts.source.${r.source}` as MessageKey)})</span> : null}
                    </td>
                    <td>{formatDay(r.expected_date, locale)}</td>
                    <td>{formatDateTime(r.requested_at, locale)}</td>
                    <td>{formatNumber(r.in_stock ?? 0, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
