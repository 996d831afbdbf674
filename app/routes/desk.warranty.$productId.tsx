import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { can } from "../../core/roles";
import { tehranDay } from "../../core/jalali";
import { formatIranMobile } from "../../core/phone";
import { maskMobile } from "../../core/warranty-card";
import { warrantyStatusOn } from "../../core/warranty";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor, staffActor } from "~/lib/auth.server";
import { warranty } from "~/lib/db.server";
import { formatDate, formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { ProductNotFoundError, REGISTRY_ID_RE, RegistryIdTakenError, setWarrantyRegistryId } from "~/lib/services.server";

/*
 * A customer's product (issue 15 §1): model, serial, the warranty's start rule and dates, its warranty card
 * (last four digits, when and by which masked number it was activated), the national registry's tracking id
 * (operators edit it), the product's warranty history (activation, start at installation, extensions with
 * their reason) and its requests.
 */

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "customers:read");
  const id = Id.safeParse(params.productId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const page = await warranty.productPage(context.db, scopeFor(user), id.data);
  if (!page) throw new Response("Not found", { status: 404 });
  return { ...page, today: tehranDay(new Date()), canEdit: can(user.role, "products:update") };
}

const RegistryForm = z.object({
  registryId: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .refine((v) => v === "" || REGISTRY_ID_RE.test(v), "warrantyCard.registry.invalid")
    .transform((v) => (v === "" ? null : v)),
});

type ActionData = { ok: true } | { ok: false; error: MessageKey };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "products:update");
  const id = Id.safeParse(params.productId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const parsed = RegistryForm.safeParse(await readForm(request));
  if (!parsed.success) {
    return Response.json({ ok: false, error: (parsed.error.issues[0]?.message ?? "warrantyCard.registry.invalid") as MessageKey } satisfies ActionData, { status: 400 });
  }
  try {
    await setWarrantyRegistryId(context.db, staffActor(user, context), { productId: id.data, registryId: parsed.data.registryId });
  } catch (e) {
    if (e instanceof RegistryIdTakenError) return Response.json({ ok: false, error: "warrantyCard.registry.taken" } satisfies ActionData, { status: 409 });
    if (e instanceof ProductNotFoundError) throw new Response("Not found", { status: 404 });
    throw e;
  }
  return Response.json({ ok: true } satisfies ActionData);
}

export default function CustomerProductPage() {
  const { product: p, history, tickets, today, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const locale = useLocale();
  const day = (iso: string | null) => (iso ? formatDate(`${iso}T12:00:00Z`, locale) : t("common.none"));
  const brand = locale === "fa" ? p.brand_fa : p.brand_en;
  const category = locale === "fa" ? p.category_fa : p.category_en;
  return (
    <>
      <h1>{t("warrantyCard.product.title", { model: p.model_name })}</h1>
      <section className="panel">
        <dl className="facts" data-testid="product-facts">
          <dt>{t("warrantyCard.product.customer")}</dt>
          <dd>{p.customer_name}</dd>
          <dt>{t("warrantyCard.product.mobile")}</dt>
          <dd className="ltr">{formatDigits(formatIranMobile(p.customer_mobile), locale)}</dd>
          <dt>{t("warrantyCard.product.product")}</dt>
          <dd>{[category, brand, p.model_name].join(" — ")}</dd>
          <dt>{t("warrantyCard.product.serial")}</dt>
          <dd className="ltr" data-testid="product-serial">
            {p.serial_number}
          </dd>
          <dt>{t("warrantyCard.product.startRule")}</dt>
          <dd>{t(`warrantyCard.rule.${p.warranty_start}`)}</dd>
          <dt>{t("warrantyCard.product.purchaseDate")}</dt>
          <dd>{day(p.purchase_date)}</dd>
          {p.warranty_start === "installation" ? (
            <>
              <dt>{t("warrantyCard.product.installedOn")}</dt>
              <dd>{day(p.installed_on)}</dd>
            </>
          ) : null}
          <dt>{t("warrantyCard.product.months")}</dt>
          <dd>{t("warrantyCard.product.monthsValue", { months: formatDigits(p.warranty_months, locale) })}</dd>
          <dt>{t("warrantyCard.product.expiresOn")}</dt>
          <dd data-testid="product-expires">{day(p.warranty_expires_on)}</dd>
          <dt>{t("warrantyCard.product.status")}</dt>
          <dd data-testid="product-warranty-status">{t(`warranty.${warrantyStatusOn(p.warranty_expires_on, today)}`)}</dd>
          <dt>{t("warrantyCard.product.card")}</dt>
          <dd data-testid="product-card">
            {p.card_id === null
              ? t("warrantyCard.product.noCard")
              : p.card_activated_at
                ? t("warrantyCard.product.cardActivated", {
                    card: formatDigits(p.card_last4 ?? "", locale),
                    at: formatDateTime(p.card_activated_at, locale),
                    phone: formatDigits(maskMobile(p.card_activated_phone ?? ""), locale),
                    via: t(`warrantyCard.via.${p.card_activated_via ?? "sms"}`),
                  })
                : t("warrantyCard.product.cardNotActivated", { card: formatDigits(p.card_last4 ?? "", locale) })}
          </dd>
          <dt>{t("warrantyCard.registry.label")}</dt>
          <dd className="ltr" data-testid="product-registry">
            {p.warranty_registry_id ?? t("warrantyCard.registry.none")}
          </dd>
        </dl>
      </section>

      {canEdit ? (
        <section className="panel">
          <Form method="post" className="stack" key={p.warranty_registry_id ?? ""}>
            <label>
              {t("warrantyCard.registry.label")}
              <input name="registryId" defaultValue={p.warranty_registry_id ?? ""} dir="ltr" maxLength={40} autoComplete="off" />
            </label>
            <p className="muted">{t("warrantyCard.registry.help")}</p>
            <button type="submit" disabled={busy}>
              {t("warrantyCard.registry.save")}
            </button>
          </Form>
          {result?.ok ? (
            <p className="notice ok" role="status" data-testid="registry-saved">
              {t("warrantyCard.registry.saved")}
            </p>
          ) : null}
          {result && !result.ok ? (
            <p className="error" role="alert" data-testid="registry-error">
              {t(result.error)}
            </p>
          ) : null}
        </section>
      ) : null}

      <section className="panel">
        <h2>{t("warrantyCard.product.history")}</h2>
        {history.length === 0 ? (
          <p className="muted">{t("warrantyCard.product.noHistory")}</p>
        ) : (
          <ol className="timeline" data-testid="product-history">
            {history.map((e) => (
              <li key={e.id} data-kind={e.kind}>
                <strong>{t(`warrantyCard.event.${e.kind}`)}</strong> · {formatDateTime(e.at, locale)}
                {e.actor_name ?? e.actor_label ? ` · ${e.actor_name ?? e.actor_label}` : ""}
                {e.ticket_number !== null ? (
                  <>
                    {" · "}
                    <Link to={`/desk/tickets/${e.ticket_id}`}>{formatDigits(e.ticket_number, locale)}</Link>
                  </>
                ) : null}
                {e.reason ? <p>{e.reason}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="panel">
        <h2>{t("warrantyCard.product.tickets")}</h2>
        {tickets.length === 0 ? (
          <p className="muted">{t("warrantyCard.product.noTickets")}</p>
        ) : (
          <ul data-testid="product-tickets">
            {tickets.map((tk) => (
              <li key={tk.id}>
                <Link to={`/desk/tickets/${tk.id}`}>{formatDigits(tk.number, locale)}</Link> · {t(`type.${tk.type}`)} · {t(`status.${tk.status}`)} ·{" "}
                {formatDateTime(tk.created_at, locale)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
