import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { PROBATION_CAPACITY_SHARE, PROBATION_PERFORMANCE_CAP, QUALITY_LIMITS } from "../../core/quality";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { quality } from "~/lib/db.server";
import { formatDate, formatDateTime, formatDigits, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { endAgencyProbation, updateQualitySettings } from "~/lib/services.server";

/*
 * The admin's quality settings (issue 15 §5, quality:manage): the rework window and the probation rule
 * (months, jobs), and the agencies on probation with a form to end one early (a reason is required; both are
 * audited). Bad input comes back with a message, never a 500.
 */

const Done = z.enum(["saved", "ended"]).optional().catch(undefined);
const Int = z.coerce.number().int();

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "quality:manage");
  const [settings, probation] = await Promise.all([quality.qualitySettings(context.db), quality.probationList(context.db)]);
  return { settings, probation, done: Done.parse(readSearchParams(request).done) };
}

type ActionResult = { error: "settings" | "notFound" | "notOnProbation" | "reasonRequired" };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "quality:manage");
  const form = await readForm(request);
  const actor = staffActor(user, context);
  if (form.intent === "end_probation") {
    const id = z.coerce.number().int().positive().max(2 ** 53).safeParse(form.agency);
    if (!id.success) return Response.json({ error: "notFound" } satisfies ActionResult, { status: 400 });
    const r = await endAgencyProbation(context.db, actor, id.data, form.reason ?? "");
    if (!r.ok) return Response.json({ error: r.error } satisfies ActionResult, { status: 400 });
    return redirect("/admin/quality?done=ended");
  }
  const parsed = z.object({ reworkWindowDays: Int, probationMonths: Int, probationJobs: Int }).safeParse({
    reworkWindowDays: form.reworkWindowDays,
    probationMonths: form.probationMonths,
    probationJobs: form.probationJobs,
  });
  if (!parsed.success) return Response.json({ error: "settings" } satisfies ActionResult, { status: 400 });
  const r = await updateQualitySettings(context.db, actor, parsed.data);
  if (!r.ok) return Response.json({ error: "settings" } satisfies ActionResult, { status: 400 });
  return redirect("/admin/quality?done=saved");
}

export default function AdminQuality() {
  const { settings, probation, done } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("quality.title")}</h1>
      {done ? (
        <p className="notice ok" role="status" data-testid="quality-done">
          {t(done === "saved" ? "quality.saved" : "quality.ended")}
        </p>
      ) : null}
      {result ? (
        <p className="error" role="alert" data-testid="quality-error">
          {t(`quality.error.${result.error}`)}
        </p>
      ) : null}
      <Form method="post" className="panel register-form" aria-labelledby="quality-settings-title">
        <h2 id="quality-settings-title">{t("quality.settings")}</h2>
        <label>
          {t("quality.reworkWindowDays")}
          <input name="reworkWindowDays" type="number" required min={QUALITY_LIMITS.reworkWindowDays.min} max={QUALITY_LIMITS.reworkWindowDays.max} defaultValue={settings.reworkWindowDays} />
        </label>
        <label>
          {t("quality.probationMonths")}
          <input name="probationMonths" type="number" required min={QUALITY_LIMITS.probationMonths.min} max={QUALITY_LIMITS.probationMonths.max} defaultValue={settings.probationMonths} />
        </label>
        <label>
          {t("quality.probationJobs")}
          <input name="probationJobs" type="number" required min={QUALITY_LIMITS.probationJobs.min} max={QUALITY_LIMITS.probationJobs.max} defaultValue={settings.probationJobs} />
        </label>
        <p className="muted">
          {t("quality.probationRule", {
            share: formatNumber(PROBATION_CAPACITY_SHARE * 100, locale),
            cap: formatNumber(PROBATION_PERFORMANCE_CAP, locale),
          })}
        </p>
        {settings.updatedAt ? <p className="muted">{t("quality.updatedAt", { at: formatDateTime(settings.updatedAt, locale) })}</p> : null}
        <div className="form-actions">
          <button type="submit" name="intent" value="save">
            {t("quality.save")}
          </button>
        </div>
      </Form>
      <h2>{t("quality.probationList")}</h2>
      {probation.length === 0 ? (
        <p className="muted">{t("quality.noProbation")}</p>
      ) : (
        <table className="data" data-testid="probation-list">
          <thead>
            <tr>
              <th>{t("scorecard.col.agency")}</th>
              <th>{t("quality.startDay")}</th>
              <th>{t("quality.jobsTotal")}</th>
              <th>{t("scorecard.col.probation")}</th>
            </tr>
          </thead>
          <tbody>
            {probation.map((p) => (
              <tr key={p.agencyId} data-agency={p.agencyId}>
                <td>
                  <Link to={`/manager/scorecards/agencies/${p.agencyId}`}>{p.name}</Link> <span className="muted">({formatDigits(p.code, locale)})</span>
                </td>
                <td>{formatDate(p.startDay, locale)}</td>
                <td>{formatNumber(p.jobsTotal, locale)}</td>
                <td>
                  {p.onProbation ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="agency" value={p.agencyId} />
                      <label>
                        {t("quality.reason")} <input name="reason" required maxLength={500} />
                      </label>{" "}
                      <button type="submit" name="intent" value="end_probation">
                        {t("quality.endProbation")}
                      </button>
                    </Form>
                  ) : (
                    t("quality.endedEarly", { at: p.endedEarlyAt ? formatDate(p.endedEarlyAt, locale) : "—", reason: p.endedReason ?? "" })
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
