import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { bandEnd, SERVICE_TYPES } from "../../core/claims";
import { gregorianDayToJalali, parseDayInput, tehranDay } from "../../core/jalali";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { claimFailure } from "~/lib/claims.server";
import { claims } from "~/lib/db.server";
import { formatDigits, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { addLabourTariff, addTravelBand } from "~/lib/services.server";

/** The tariffs warranty claims are priced from: labour per category and service type, travel by distance band. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "tariffs:manage");
  const [labour, bands, categories] = await Promise.all([claims.labourTariffs(context.db), claims.travelBands(context.db), claims.categories(context.db)]);
  return { labour, bands, categories, today: tehranDay(new Date()) };
}

type Result = { ok: boolean; message: MessageKey; form: "labour" | "band" };

function parseRials(text: string): number | null {
  const latin = text
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[,٬\s]/g, "");
  return /^\d{1,13}$/.test(latin) ? Number(latin) : null;
}

const Labour = z.object({ intent: z.literal("labour"), categoryId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER), serviceType: z.string().max(40), amount: z.string().max(40), from: z.string().max(40) });
const Band = z.object({ intent: z.literal("band"), fromKm: z.string().max(10), amount: z.string().max(40), from: z.string().max(40) });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "tariffs:manage");
  const fields = await readForm(request);
  const form = fields.intent === "band" ? "band" : "labour";
  const fail = (message: MessageKey, status = 400) => Response.json({ ok: false, message, form } satisfies Result, { status });
  const actor = staffActor(user, context);
  try {
    if (form === "labour") {
      const f = Labour.safeParse(fields);
      if (!f.success) return fail("claims.error.serviceType");
      const amount = parseRials(f.data.amount);
      if (amount === null) return fail("claims.error.amountInvalid");
      const day = parseDayInput(f.data.from);
      if (!day) return fail("claims.error.dayInvalid");
      await addLabourTariff(context.db, actor, { categoryId: f.data.categoryId, serviceType: f.data.serviceType, amountRials: amount, effectiveFrom: day });
    } else {
      const f = Band.safeParse(fields);
      if (!f.success) return fail("claims.error.kmInvalid");
      const km = parseRials(f.data.fromKm);
      if (km === null) return fail("claims.error.kmInvalid");
      const amount = parseRials(f.data.amount);
      if (amount === null) return fail("claims.error.amountInvalid");
      const day = parseDayInput(f.data.from);
      if (!day) return fail("claims.error.dayInvalid");
      await addTravelBand(context.db, actor, { fromKm: km, amountRials: amount, effectiveFrom: day });
    }
    return { ok: true, message: "tariffs.saved", form } satisfies Result;
  } catch (err) {
    const f = claimFailure(err);
    return fail(f.message, f.status);
  }
}

export default function AdminTariffs() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const day = (iso: string | null) => (iso ? formatDigits(gregorianDayToJalali(iso), locale) : "—");
  const catName = (id: number) => {
    const c = d.categories.find((x) => x.id === id);
    return c ? (locale === "fa" ? c.name_fa : c.name_en) : String(id);
  };
  const current = d.bands.filter((b) => b.effectiveFrom <= d.today && (b.effectiveTo === null || d.today < b.effectiveTo));
  const notice = (form: "labour" | "band") =>
    result && result.form === form ? (
      <p role={result.ok ? "status" : "alert"} className={result.ok ? "notice" : "error"} data-testid={`tariff-result-${form}`}>
        {t(result.message)}
      </p>
    ) : null;
  return (
    <>
      <h1>{t("tariffs.title")}</h1>
      <p className="muted">{t("tariffs.hint")}</p>
      <section aria-labelledby="labour-title">
        <h2 id="labour-title">{t("tariffs.labour")}</h2>
        <table className="data" data-testid="labour-tariffs">
          <thead>
            <tr>
              <th scope="col">{t("tariffs.category")}</th>
              <th scope="col">{t("claims.serviceType")}</th>
              <th scope="col">{t("tariffs.amount")}</th>
              <th scope="col">{t("tariffs.from")}</th>
              <th scope="col">{t("tariffs.to")}</th>
            </tr>
          </thead>
          <tbody>
            {d.labour.map((r) => (
              <tr key={r.id}>
                <td>{catName(r.categoryId)}</td>
                <td>{t(`claims.service.${r.serviceType}`)}</td>
                <td>{formatRials(r.amountRials, locale)}</td>
                <td>{day(r.effectiveFrom)}</td>
                <td>{day(r.effectiveTo)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {notice("labour")}
        <Form method="post" aria-labelledby="add-labour-title">
          <h3 id="add-labour-title">{t("tariffs.addLabour")}</h3>
          <input type="hidden" name="intent" value="labour" />
          <label>
            {t("tariffs.category")}
            <select name="categoryId">
              {d.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {locale === "fa" ? c.name_fa : c.name_en}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("claims.serviceType")}
            <select name="serviceType">
              {SERVICE_TYPES.map((s) => (
                <option key={s} value={s}>
                  {t(`claims.service.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("tariffs.amount")}
            <input name="amount" inputMode="numeric" required />
          </label>
          <label>
            {t("tariffs.from")}
            <input name="from" required placeholder={formatDigits("1405/10/01", locale)} />
          </label>
          <button type="submit" disabled={busy}>
            {t("tariffs.add")}
          </button>
        </Form>
      </section>
      <section aria-labelledby="travel-title">
        <h2 id="travel-title">{t("tariffs.travel")}</h2>
        <table className="data" data-testid="travel-bands">
          <thead>
            <tr>
              <th scope="col">{t("tariffs.band")}</th>
              <th scope="col">{t("tariffs.amount")}</th>
              <th scope="col">{t("tariffs.from")}</th>
              <th scope="col">{t("tariffs.to")}</th>
            </tr>
          </thead>
          <tbody>
            {d.bands.map((b) => {
              const end = bandEnd(b, current);
              return (
                <tr key={b.id}>
                  <td>
                    {end === null
                      ? t("tariffs.bandOpen", { from: formatDigits(b.fromKm, locale) })
                      : t("tariffs.bandRange", { from: formatDigits(b.fromKm, locale), to: formatDigits(end, locale) })}
                  </td>
                  <td>{formatRials(b.amountRials, locale)}</td>
                  <td>{day(b.effectiveFrom)}</td>
                  <td>{day(b.effectiveTo)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {notice("band")}
        <Form method="post" aria-labelledby="add-band-title">
          <h3 id="add-band-title">{t("tariffs.addBand")}</h3>
          <input type="hidden" name="intent" value="band" />
          <label>
            {t("tariffs.fromKm")}
            <input name="fromKm" inputMode="numeric" required />
          </label>
          <label>
            {t("tariffs.amount")}
            <input name="amount" inputMode="numeric" required />
          </label>
          <label>
            {t("tariffs.from")}
            <input name="from" required placeholder={formatDigits("1405/10/01", locale)} />
          </label>
          <button type="submit" disabled={busy}>
            {t("tariffs.add")}
          </button>
        </Form>
      </section>
    </>
  );
}
