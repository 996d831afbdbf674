import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { useEffect, useState } from "react";
import { toLatinDigits } from "../../core/digits";
import { PRIORITIES, TICKET_TYPES, type TicketType } from "../../core/ticket";
import { AddressMap } from "~/components/AddressMap";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { desk } from "~/lib/db.server";
import { loadCallPop } from "~/lib/desk-pop.server";
import { formatDigits, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { INTAKE_ERROR_FIELDS, intakeValues, parseIntakeForm, type IntakeErrors, type IntakeField, type IntakeValues } from "~/lib/intake-form.server";
import { IntakeError, publicLinks, registerFromCall } from "~/lib/services.server";
import type { loader as productsLoader } from "~/routes/desk.products";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletStyles }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "tickets:create");
  const scope = scopeFor(user);
  const q = readSearchParams(request);
  const callIdText = toLatinDigits(q.callId ?? "");
  const callId = /^[1-9][0-9]{0,14}$/.test(callIdText) ? Number(callIdText) : null;
  const pop = callId ? await loadCallPop(context.db, scope, callId) : null;
  const askedKind = (TICKET_TYPES as readonly string[]).includes(q.kind ?? "") ? (q.kind as TicketType) : null;
  const kind: TicketType = askedKind ?? pop?.call.ivrChoice ?? "breakdown";
  const askedTicket = toLatinDigits(q.ticket ?? "");
  const related = /^[1-9][0-9]{7}$/.test(askedTicket)
    ? askedTicket
    : kind === "follow_up" && pop?.keyedTicket
      ? String(pop.keyedTicket.number)
      : "";
  const customers = (pop?.customers ?? []).map((c) => ({ id: c.id, fullName: c.full_name, mobile: c.mobile }));
  const chosen = customers[0] ?? null;
  const [address, catalogue] = await Promise.all([
    chosen ? desk.defaultAddressOf(context.db, scope, chosen.id) : Promise.resolve(undefined),
    desk.catalogue(context.db),
  ]);
  const prefill: IntakeValues = {
    kind,
    callId: pop ? String(pop.call.id) : "",
    customerId: chosen ? String(chosen.id) : "new",
    fullName: "",
    mobile: pop?.call.mobile ? `0${pop.call.mobile.slice(3)}` : "",
    relatedTicketNumber: related,
    priority: "normal",
    province: address?.province ?? "",
    city: address?.city ?? "",
    addressText: address?.address_text ?? "",
    lat: address?.lat != null ? String(address.lat) : "",
    lng: address?.lng != null ? String(address.lng) : "",
  };
  return {
    // a fresh key per form: a second submission of this form returns the first one's ticket
    idempotencyKey: crypto.randomUUID(),
    call: pop ? { id: pop.call.id, callerNumber: pop.call.callerNumber } : null,
    customers,
    prefill,
    models: catalogue.models,
    categories: catalogue.categories,
    map: { tileUrl: context.env.MAP_TILE_URL, attribution: context.env.MAP_TILE_ATTRIBUTION },
  };
}

type ActionResult = { errors: IntakeErrors; values: IntakeValues };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "tickets:create");
  const form = await readForm(request);
  const values = intakeValues(form);
  const parsed = parseIntakeForm(form);
  if (!parsed.ok) return Response.json({ errors: parsed.errors, values } satisfies ActionResult, { status: 400 });
  try {
    const result = await registerFromCall(context.db, { kind: "user", userId: user.id, ip: context.clientIp }, parsed.input, {
      links: publicLinks(context.env),
    });
    return redirect(`/desk/tickets/${result.ticketId}`);
  } catch (err) {
    if (!(err instanceof IntakeError)) throw err;
    const [field, key] = INTAKE_ERROR_FIELDS[err.code];
    // a key that belongs to another form cannot be used again: the next submission gets a new one
    const v = err.code === "key_reused" ? { ...values, idempotencyKey: crypto.randomUUID() } : values;
    return Response.json({ errors: { [field]: key }, values: v } satisfies ActionResult, { status: 400 });
  }
}

export default function RegisterPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const values: IntakeValues = result?.values ?? data.prefill;
  const errors: IntakeErrors = result?.errors ?? {};
  const busy = navigation.state !== "idle" && navigation.formMethod === "POST";

  // With JavaScript the sections follow the chosen kind; without it every section is shown.
  const [js, setJs] = useState(false);
  useEffect(() => setJs(true), []);
  const [kind, setKind] = useState<TicketType>((values.kind as TicketType) ?? "breakdown");
  const [customerId, setCustomerId] = useState(values.customerId ?? "new");
  const num = (s: string | undefined) => (s && s !== "" && Number.isFinite(Number(s)) ? Number(s) : null);
  const [pin, setPin] = useState<{ lat: number | null; lng: number | null }>({ lat: num(values.lat), lng: num(values.lng) });
  const lookup = useFetcher<typeof productsLoader>();
  const [serial, setSerial] = useState(values.serial ?? "");
  const [modelId, setModelId] = useState(values.modelId ?? "");
  const found = lookup.data && lookup.data.serial === toLatinDigits(serial).trim() ? lookup.data.products : null;
  useEffect(() => {
    if (found && found.length > 0) setModelId(String(found[0]!.modelId));
  }, [found]);

  const show = (...kinds: TicketType[]) => !js || kinds.includes(kind);
  const invalid = (f: IntakeField) => (errors[f] ? { "aria-invalid": true as const, "aria-describedby": `err-${f}` } : {});
  const fieldError = (f: IntakeField) =>
    errors[f] ? (
      <span className="error field-error" id={`err-${f}`}>
        {t(errors[f] as MessageKey)}
      </span>
    ) : null;

  return (
    <>
      <div className="topbar">
        <h1>{t("reg.title")}</h1>
        {data.call ? (
          // the number isolated left-to-right, so its digit groups keep their order in a Persian sentence
          <p className="muted">{t("reg.fromCall", { number: `\u2066${formatPhone(data.call.callerNumber, locale)}\u2069` })}</p>
        ) : null}
      </div>
      {Object.keys(errors).length > 0 ? (
        <p className="error" role="alert" data-testid="form-errors">
          {errors.form ? t(errors.form) : t("reg.errors")}
        </p>
      ) : null}
      <Form method="post" className="register-form" noValidate>
        <input type="hidden" name="idempotencyKey" value={values.idempotencyKey ?? data.idempotencyKey} />
        <input type="hidden" name="callId" value={values.callId ?? ""} />

        <fieldset>
          <legend>{t("ticket.type")}</legend>
          <div className="choices">
            {TICKET_TYPES.map((k) => (
              <label key={k} className="choice">
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
                {t(`type.${k}`)}
              </label>
            ))}
          </div>
          {fieldError("kind")}
        </fieldset>

        {show("follow_up", "complaint") ? (
          <fieldset>
            <legend>{t("reg.relatedTicket")}</legend>
            <label>
              {t("reg.relatedTicket")}
              {kind !== "follow_up" ? <span className="muted"> ({t("reg.optional")})</span> : null}
              <input name="relatedTicketNumber" dir="ltr" inputMode="numeric" defaultValue={values.relatedTicketNumber ?? ""} {...invalid("relatedTicketNumber")} />
              {fieldError("relatedTicketNumber")}
            </label>
            {show("follow_up") ? (
              <label>
                {t("reg.note")}
                <textarea name="note" rows={3} defaultValue={values.note ?? ""} {...invalid("note")} />
                {fieldError("note")}
              </label>
            ) : null}
          </fieldset>
        ) : null}

        {show("breakdown", "complaint", "installation") ? (
          <>
            <fieldset>
              <legend>{t("reg.customer")}</legend>
              {data.customers.length > 0 ? (
                <div className="choices">
                  {data.customers.map((c) => (
                    <label key={c.id} className="choice">
                      <input type="radio" name="customerId" value={String(c.id)} checked={customerId === String(c.id)} onChange={() => setCustomerId(String(c.id))} />
                      {t("reg.customerKnown")}: {c.fullName} (<span className="ltr">{formatPhone(c.mobile, locale)}</span>)
                    </label>
                  ))}
                  <label className="choice">
                    <input type="radio" name="customerId" value="new" checked={customerId === "new"} onChange={() => setCustomerId("new")} />
                    {t("reg.customerNew")}
                  </label>
                </div>
              ) : (
                <input type="hidden" name="customerId" value="new" />
              )}
              {fieldError("customerId")}
              {!js || customerId === "new" || data.customers.length === 0 ? (
                <div className="grid-fields">
                  <label>
                    {t("reg.fullName")}
                    <input name="fullName" autoComplete="off" defaultValue={values.fullName ?? ""} {...invalid("fullName")} />
                    {fieldError("fullName")}
                  </label>
                  <label>
                    {t("reg.mobile")}
                    <input name="mobile" dir="ltr" inputMode="tel" defaultValue={values.mobile ?? ""} {...invalid("mobile")} />
                    {fieldError("mobile")}
                  </label>
                  <label>
                    {t("reg.nationalCode")}
                    <input name="nationalCode" dir="ltr" inputMode="numeric" defaultValue={values.nationalCode ?? ""} {...invalid("nationalCode")} />
                    {fieldError("nationalCode")}
                  </label>
                </div>
              ) : null}
            </fieldset>

            <fieldset>
              <legend>{t("reg.product")}</legend>
              <div className="grid-fields">
                <label>
                  {t("reg.serial")}
                  <input
                    name="serial"
                    dir="ltr"
                    autoComplete="off"
                    value={serial}
                    onChange={(e) => setSerial(e.target.value)}
                    onBlur={() => {
                      const s = toLatinDigits(serial).trim();
                      if (s.length >= 3) lookup.load(`/desk/products?${new URLSearchParams({ serial: s })}`);
                    }}
                    {...invalid("serial")}
                  />
                  {fieldError("serial")}
                </label>
                {js ? (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      const s = toLatinDigits(serial).trim();
                      if (s.length >= 3) lookup.load(`/desk/products?${new URLSearchParams({ serial: s })}`);
                    }}
                  >
                    {t("reg.lookup")}
                  </button>
                ) : null}
                <label>
                  {t("reg.model")}
                  <select name="modelId" value={modelId} onChange={(e) => setModelId(e.target.value)} {...invalid("modelId")}>
                    <option value="">{t("reg.modelNone")}</option>
                    {data.models.map((m) => (
                      <option key={m.id} value={String(m.id)}>
                        {locale === "fa" ? m.brand_fa : m.brand_en} — {m.name} ({m.model_code})
                      </option>
                    ))}
                  </select>
                  {fieldError("modelId")}
                </label>
                <label>
                  {t("reg.purchaseDate")}
                  <input name="purchaseDate" type="date" dir="ltr" defaultValue={values.purchaseDate ?? ""} {...invalid("purchaseDate")} />
                  {fieldError("purchaseDate")}
                </label>
              </div>
              {found ? (
                found.length > 0 ? (
                  <ul className="pop-list" data-testid="serial-found">
                    {found.map((p) => (
                      <li key={p.id}>
                        {t("reg.serialFound", { product: `${locale === "fa" ? p.brandFa : p.brandEn} ${p.model}` })} ·{" "}
                        <span className={`badge ${p.warrantyStatus === "in_warranty" ? "ok" : p.warrantyStatus === "out_of_warranty" ? "danger" : ""}`}>
                          {t(`warranty.${p.warrantyStatus}`)}
                          {p.warrantyDaysLeft !== null
                            ? ` — ${p.warrantyDaysLeft >= 0 ? t("pop.daysLeft", { days: p.warrantyDaysLeft }) : t("pop.expiredAgo", { days: -p.warrantyDaysLeft })}`
                            : ""}
                        </span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted" data-testid="serial-not-found">
                    {t("reg.serialNotFound")}
                  </p>
                )
              ) : null}
            </fieldset>

            <fieldset>
              <legend>{t("reg.description")}</legend>
              <div className="grid-fields">
                <label>
                  {t("reg.category")}
                  <select name="categoryId" defaultValue={values.categoryId ?? ""} {...invalid("categoryId")}>
                    <option value="">{t("reg.modelNone")}</option>
                    {data.categories.map((c) => (
                      <option key={c.id} value={String(c.id)}>
                        {locale === "fa" ? c.name_fa : c.name_en}
                      </option>
                    ))}
                  </select>
                  {fieldError("categoryId")}
                </label>
                <label>
                  {t("ticket.priority")}
                  <select name="priority" defaultValue={values.priority ?? "normal"} {...invalid("priority")}>
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {t(`priority.${p}`)}
                      </option>
                    ))}
                  </select>
                  {fieldError("priority")}
                </label>
              </div>
              <label>
                {t("reg.description")}
                <textarea name="description" rows={4} defaultValue={values.description ?? ""} {...invalid("description")} />
                {fieldError("description")}
              </label>
            </fieldset>

            <fieldset>
              <legend>
                {t("reg.address")}
                {kind === "complaint" ? <span className="muted"> ({t("reg.optional")})</span> : null}
              </legend>
              <div className="grid-fields">
                <label>
                  {t("reg.province")}
                  <input name="province" defaultValue={values.province ?? ""} {...invalid("province")} />
                  {fieldError("province")}
                </label>
                <label>
                  {t("reg.city")}
                  <input name="city" defaultValue={values.city ?? ""} {...invalid("city")} />
                  {fieldError("city")}
                </label>
              </div>
              <label>
                {t("reg.addressText")}
                <textarea name="addressText" rows={2} defaultValue={values.addressText ?? ""} {...invalid("addressText")} />
                {fieldError("addressText")}
              </label>
              <input type="hidden" name="lat" value={pin.lat ?? ""} />
              <input type="hidden" name="lng" value={pin.lng ?? ""} />
              {js ? (
                <div className="map-field">
                  <p className="muted">
                    {t("reg.map")}: {data.map.tileUrl === "none" ? t("reg.mapNoTiles") : t("reg.mapHint")}
                  </p>
                  <AddressMap
                    tileUrl={data.map.tileUrl}
                    attribution={data.map.attribution}
                    lat={pin.lat}
                    lng={pin.lng}
                    onPick={(lat, lng) => setPin({ lat, lng })}
                    label={t("reg.map")}
                  />
                  <p data-testid="pin-status">
                    {pin.lat !== null && pin.lng !== null
                      ? t("reg.pinAt", { lat: formatDigits(pin.lat.toFixed(5), locale), lng: formatDigits(pin.lng.toFixed(5), locale) })
                      : t("reg.pinNone")}{" "}
                    {pin.lat !== null ? (
                      <button type="button" className="link-button" onClick={() => setPin({ lat: null, lng: null })}>
                        {t("reg.clearPin")}
                      </button>
                    ) : null}
                  </p>
                </div>
              ) : null}
              {fieldError("lat")}
            </fieldset>
          </>
        ) : null}

        <div className="form-actions">
          <button type="submit" disabled={busy} data-testid="register-submit">
            {busy ? t("reg.submitting") : kind === "follow_up" ? t("reg.submitFollowUp") : t("reg.submit")}
          </button>
          <Link to="/desk">{t("common.back")}</Link>
        </div>
      </Form>
    </>
  );
}
