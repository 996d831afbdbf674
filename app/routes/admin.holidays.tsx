import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { MAX_HOLIDAY_REASON } from "../../core/holidays";
import { jalaliDateText, tehranJalaliDate } from "../../core/jalali";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { formatDigits } from "~/lib/format";
import { addHoliday, HolidayError, holidays, removeHoliday } from "~/lib/holidays.server";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";

/*
 * The official holidays of the working-day clock (issue 15 §2): one Jalali year at a time; the admin adds a day
 * (Jalali date as people write it, ۱۴۰۵/۰۱/۰۱, with a reason) or removes one. Every deadline computed after the
 * change counts it (services/working-calendar.ts); stored deadlines keep their value. Changes go through
 * services/holidays.ts (checked, audited).
 */

const Year = z.coerce.number().int().min(1300).max(1600);
const JalaliInput = z
  .string()
  .transform((v) => /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(toLatinDigits(v).trim()))
  .refine((m): m is RegExpExecArray => m !== null)
  .transform((m) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }));
const AddForm = z.object({ intent: z.literal("add"), date: JalaliInput, reason: z.string().max(1000) });
const RemoveForm = z.object({ intent: z.literal("remove"), id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const Done = z.enum(["added", "removed"]).optional().catch(undefined);

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "holidays:manage");
  const params = readSearchParams(request);
  const current = tehranJalaliDate(new Date()).year;
  const year = Year.catch(current).parse(params.year ?? current);
  const [rows, years] = await Promise.all([holidays.listHolidays(context.db, year), holidays.holidayYears(context.db)]);
  const allYears = [...new Set([...years, current, current + 1, year])].sort((a, b) => a - b);
  return { year, years: allYears, rows, done: Done.parse(params.done) };
}

type ActionResult = { error: MessageKey };

/** A refused change, answered on the page in words (404 for a holiday that is gone, else 400). */
function refused(code: HolidayError["code"]): Response {
  return Response.json({ error: `holidays.error.${code}` as MessageKey } satisfies ActionResult, { status: code === "not_found" ? 404 : 400 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "holidays:manage");
  const form = await readForm(request);
  const actor = staffActor(user, context);
  try {
    if (form.intent === "remove") {
      const parsed = RemoveForm.safeParse(form);
      if (!parsed.success) return refused("not_found");
      await removeHoliday(context.db, actor, parsed.data.id);
      return redirect(`/admin/holidays?year=${Year.catch(0).parse(form.year)}&done=removed`);
    }
    const parsed = AddForm.safeParse(form);
    if (!parsed.success) return refused("no_such_day");
    const { date, reason } = parsed.data;
    await addHoliday(context.db, actor, { ...date, reason });
    return redirect(`/admin/holidays?year=${date.year}&done=added`);
  } catch (err) {
    if (err instanceof HolidayError) return refused(err.code);
    throw err;
  }
}

export default function HolidaysPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const t = useT();
  const locale = useLocale();
  const weekday = (iso: string) =>
    new Intl.DateTimeFormat(locale === "fa" ? "fa-IR" : "en-GB", { weekday: "long", timeZone: "UTC" }).format(new Date(`${iso}T12:00:00Z`));
  return (
    <>
      <h1>{t("holidays.title")}</h1>
      <p className="muted">{t("holidays.intro")}</p>
      {d.done ? (
        <p className="notice" role="status">
          {t(d.done === "added" ? "holidays.added" : "holidays.removed")}
        </p>
      ) : null}
      {result ? (
        <p className="error" role="alert" data-testid="holiday-error">
          {t(result.error)}
        </p>
      ) : null}
      <nav aria-label={t("holidays.years")} className="inline">
        {d.years.map((y) =>
          y === d.year ? (
            <strong key={y} aria-current="page">
              {formatDigits(String(y), locale)}{" "}
            </strong>
          ) : (
            <Link key={y} to={`/admin/holidays?year=${y}`}>
              {formatDigits(String(y), locale)}{" "}
            </Link>
          ),
        )}
      </nav>
      <h2>{t("holidays.ofYear", { year: formatDigits(String(d.year), locale) })}</h2>
      {d.rows.length === 0 ? (
        <p className="muted">{t("holidays.none")}</p>
      ) : (
        <table className="data" data-testid="holidays">
          <thead>
            <tr>
              <th scope="col">{t("holidays.date")}</th>
              <th scope="col">{t("holidays.weekday")}</th>
              <th scope="col">{t("holidays.reason")}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => {
              const text = formatDigits(jalaliDateText({ year: r.jalaliYear, month: r.jalaliMonth, day: r.jalaliDay }), locale);
              return (
                <tr key={r.id} data-testid="holiday" data-day={r.day}>
                  <td>{text}</td>
                  <td>{weekday(r.day)}</td>
                  <td>{r.reason}</td>
                  <td>
                    <Form method="post" className="inline">
                      <input type="hidden" name="id" value={r.id} />
                      <input type="hidden" name="year" value={d.year} />
                      <button type="submit" name="intent" value="remove" className="secondary" aria-label={`${t("holidays.remove")} ${text}`}>
                        {t("holidays.remove")}
                      </button>
                    </Form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Form method="post" className="panel register-form" aria-labelledby="add-holiday">
        <h2 id="add-holiday">{t("holidays.add")}</h2>
        <label>
          {t("holidays.date")}
          <input name="date" required placeholder={formatDigits("1405/01/01", locale)} inputMode="numeric" dir="ltr" />
        </label>
        <label>
          {t("holidays.reason")}
          <input name="reason" required maxLength={MAX_HOLIDAY_REASON} />
        </label>
        <button type="submit" name="intent" value="add">
          {t("holidays.add")}
        </button>
      </Form>
    </>
  );
}
