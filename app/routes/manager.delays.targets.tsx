import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { PRIORITIES } from "../../core/ticket";
import { REGION_TIERS } from "../../core/region-tier";
import { can } from "../../core/roles";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { delays, deleteSlaTarget, saveSlaTarget, SlaTargetError, slaRules } from "~/lib/delays.server";
import { formatDateTime, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { DELAYS_PATH } from "~/lib/reports/delays";

/*
 * The SLA target rules (issue 14 §1): read with reports:read, changed with sla:manage (manager, admin). Each
 * rule keys on priority, category, province and region tier (empty: any; the tier: core/region-tier.ts) and gives
 * accept, visit and done targets in working hours from registration (the working-day clock, issue 15 §2); the most specific matching rule sets a new request's due times (core/delays.ts). Every
 * change goes through services/sla-targets.ts (checked again there, audited).
 */

const Hours = z
  .string()
  .transform((v) => Number(toLatinDigits(v).trim().replace("٫", ".")))
  .pipe(z.number().positive().max(8760))
  .transform((h) => Math.round(h * 60));
const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const SaveForm = z.object({
  intent: z.literal("save"),
  id: z.union([z.literal("").transform(() => null), Id]).optional().transform((v) => v ?? null),
  priority: z.union([z.literal("").transform(() => null), z.enum(PRIORITIES)]),
  categoryId: z.union([z.literal("").transform(() => null), Id]),
  province: z.string().max(100).transform((v) => v.trim() || null),
  regionTier: z.union([z.literal("").transform(() => null), z.enum(REGION_TIERS)]).optional().transform((v) => v ?? null),
  acceptHours: Hours,
  visitHours: Hours,
  resolveHours: Hours,
});
const DeleteForm = z.object({ intent: z.literal("delete"), id: Id });
const Done = z.enum(["saved", "deleted"]).optional().catch(undefined);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const [rules, choices, tiers] = await Promise.all([delays.listSlaTargets(context.db), delays.slaRuleChoices(context.db), slaRules.slaTargetTiers(context.db)]);
  return { rules: rules.map((r) => ({ ...r, regionTier: tiers.get(r.id) ?? null })), ...choices, canEdit: can(user.role, "sla:manage"), done: Done.parse(readSearchParams(request).done) };
}

type ActionResult = { error: MessageKey; id: number | null };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "sla:manage");
  const form = await readForm(request);
  const actor = staffActor(user, context);
  const formId = Id.safeParse(form.id);
  const id = formId.success ? formId.data : null;
  try {
    if (form.intent === "delete") {
      const parsed = DeleteForm.safeParse(form);
      if (!parsed.success) return { error: "delays.targets.error.invalid", id } satisfies ActionResult;
      await deleteSlaTarget(context.db, actor, parsed.data.id);
      return redirect("/manager/delays/targets?done=deleted");
    }
    const parsed = SaveForm.safeParse(form);
    if (!parsed.success) return { error: "delays.targets.error.invalid", id } satisfies ActionResult;
    const v = parsed.data;
    await saveSlaTarget(context.db, actor, v.id, {
      priority: v.priority,
      categoryId: v.categoryId,
      province: v.province,
      regionTier: v.regionTier,
      acceptMinutes: v.acceptHours,
      visitMinutes: v.visitHours,
      resolveMinutes: v.resolveHours,
    });
    return redirect("/manager/delays/targets?done=saved");
  } catch (err) {
    if (err instanceof SlaTargetError) {
      // answered on the page in words (a refused value is the reader's to fix, not an HTTP failure)
      return { error: `delays.targets.error.${err.code}` as MessageKey, id } satisfies ActionResult;
    }
    throw err;
  }
}

const hoursText = (minutes: number) => String(Math.round((minutes / 60) * 100) / 100);

export default function SlaTargetsPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const t = useT();
  const locale = useLocale();
  const catName = (c: { name_fa: string; name_en: string }) => (locale === "fa" ? c.name_fa : c.name_en);
  return (
    <>
      <p>
        <Link to={DELAYS_PATH}>{t("delays.tickets.back")}</Link>
      </p>
      <h1>{t("delays.targets.title")}</h1>
      <p className="muted">{t("delays.targets.intro")}</p>
      {d.done ? (
        <p className="notice" role="status">
          {t(d.done === "saved" ? "delays.targets.saved" : "delays.targets.deleted")}
        </p>
      ) : null}
      {result ? (
        <p className="error" role="alert" data-testid="sla-error">
          {t(result.error)}
        </p>
      ) : null}
      {!d.canEdit ? <p className="muted">{t("delays.targets.readOnly")}</p> : null}
      <table className="data" data-testid="sla-rules">
        <thead>
          <tr>
            <th scope="col">{t("delays.col.priority")}</th>
            <th scope="col">{t("delays.col.category")}</th>
            <th scope="col">{t("delays.col.province")}</th>
            <th scope="col">{t("slaTier.col")}</th>
            <th scope="col">{t("delays.targets.acceptHours")}</th>
            <th scope="col">{t("delays.targets.visitHours")}</th>
            <th scope="col">{t("delays.targets.resolveHours")}</th>
            <th scope="col">{t("delays.targets.updatedAt")}</th>
            {d.canEdit ? <th scope="col" /> : null}
          </tr>
        </thead>
        <tbody>
          {d.rules.map((r) => {
            const base = r.categoryId === null && r.province === null && r.regionTier === null && r.priority !== null;
            const formId = `rule-${r.id}`;
            return (
              <tr key={r.id} data-testid="sla-rule">
                <td>{r.priority ? t(`priority.${r.priority}`) : t("delays.targets.any")}</td>
                <td>{r.categoryName ?? t("delays.targets.any")}</td>
                <td>{r.province ?? t("delays.targets.any")}</td>
                <td>{r.regionTier ? t(`slaTier.${r.regionTier}`) : t("delays.targets.any")}</td>
                {d.canEdit ? (
                  <>
                    {(["acceptMinutes", "visitMinutes", "resolveMinutes"] as const).map((k) => (
                      <td key={k}>
                        <input
                          form={formId}
                          name={k.replace("Minutes", "Hours")}
                          defaultValue={hoursText(r[k])}
                          inputMode="decimal"
                          size={6}
                          aria-label={`${t(`delays.targets.${k.replace("Minutes", "Hours")}` as MessageKey)} (${r.priority ? t(`priority.${r.priority}`) : ""} ${r.categoryName ?? ""} ${r.province ?? ""})`}
                        />
                      </td>
                    ))}
                  </>
                ) : (
                  <>
                    <td>{formatNumber(r.acceptMinutes / 60, locale)}</td>
                    <td>{formatNumber(r.visitMinutes / 60, locale)}</td>
                    <td>{formatNumber(r.resolveMinutes / 60, locale)}</td>
                  </>
                )}
                <td>{formatDateTime(r.updatedAt, locale)}</td>
                {d.canEdit ? (
                  <td>
                    <Form method="post" id={formId} className="inline">
                      <input type="hidden" name="id" value={r.id} />
                      <input type="hidden" name="priority" value={r.priority ?? ""} />
                      <input type="hidden" name="categoryId" value={r.categoryId ?? ""} />
                      <input type="hidden" name="province" value={r.province ?? ""} />
                      <input type="hidden" name="regionTier" value={r.regionTier ?? ""} />
                      <button type="submit" name="intent" value="save">
                        {t("delays.targets.save")}
                      </button>
                      {base ? (
                        <span className="muted"> {t("delays.targets.base")}</span>
                      ) : (
                        <button type="submit" name="intent" value="delete" className="secondary">
                          {t("delays.targets.delete")}
                        </button>
                      )}
                    </Form>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {d.canEdit ? (
        <Form method="post" className="panel register-form" aria-labelledby="add-rule">
          <h2 id="add-rule">{t("delays.targets.add")}</h2>
          <input type="hidden" name="id" value="" />
          <label>
            {t("delays.col.priority")}
            <select name="priority" defaultValue="">
              <option value="">{t("delays.targets.any")}</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("delays.col.category")}
            <select name="categoryId" defaultValue="">
              <option value="">{t("delays.targets.any")}</option>
              {d.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {catName(c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("delays.col.province")}
            <input name="province" list="sla-provinces" maxLength={100} />
            <datalist id="sla-provinces">
              {d.provinces.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </label>
          <label>
            {t("slaTier.col")}
            <select name="regionTier" defaultValue="">
              <option value="">{t("delays.targets.any")}</option>
              {REGION_TIERS.map((tier) => (
                <option key={tier} value={tier}>
                  {t(`slaTier.${tier}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("delays.targets.acceptHours")}
            <input name="acceptHours" inputMode="decimal" required />
          </label>
          <label>
            {t("delays.targets.visitHours")}
            <input name="visitHours" inputMode="decimal" required />
          </label>
          <label>
            {t("delays.targets.resolveHours")}
            <input name="resolveHours" inputMode="decimal" required />
          </label>
          <button type="submit" name="intent" value="save">
            {t("delays.targets.add")}
          </button>
        </Form>
      ) : null}
    </>
  );
}
