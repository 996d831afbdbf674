import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { SERVICE_RULE_DEFAULTS, SERVICE_RULE_KEYS, SERVICE_RULE_SPECS, serviceRulesOf, type ServiceRuleKey } from "../../core/service-rules";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { formatDateTime, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { serviceRules, ServiceRuleError, setServiceRule } from "~/lib/service-rules.server";

/*
 * Every number of issue 15 an admin may change (core/service-rules.ts), on one page: what each rule means, its
 * default, the value in force (and who set it, when) and a form to change it. The value is read at the edge
 * (Persian or Latin digits, a whole number within the rule's bounds from core/); a bad one comes back with a
 * message beside its rule, never a 500. Changes go through services/service-rules.ts (audited) and are applied
 * from the next deadline, attempt or sweep; deadlines already stored keep their value.
 * Guarded by holidays:manage: the working-day clock's holidays and these numbers are the same admin's rules.
 */

const GROUPS: readonly { id: "complaints" | "sla" | "warranty" | "card"; keys: readonly ServiceRuleKey[] }[] = [
  { id: "complaints", keys: ["complaint_resolve_days", "complaint_warn_hours", "loaner_after_days", "repeat_fault_days"] },
  { id: "sla", keys: ["sla_at_risk_percent"] },
  { id: "warranty", keys: ["repair_grace_days", "extension_months_per_week"] },
  { id: "card", keys: ["card_failures_per_phone", "card_phone_window_hours", "card_failures_per_ip", "card_ip_window_hours"] },
];

const Key = z.enum(SERVICE_RULE_KEYS);
const Done = Key.optional().catch(undefined);
/** a whole number as typed: Persian, Arabic-Indic or Latin digits, spaces around allowed */
const Typed = z
  .string()
  .transform((v) => toLatinDigits(v).trim())
  .refine((v) => /^\d{1,6}$/.test(v))
  .transform(Number);

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "holidays:manage");
  const stored = await serviceRules.listServiceRuleSettings(context.db);
  const inForce = serviceRulesOf(stored);
  const rows = SERVICE_RULE_KEYS.map((key) => {
    const s = stored.find((r) => r.key === key && r.value === inForce[key]);
    return { key, value: inForce[key], default: SERVICE_RULE_DEFAULTS[key], ...SERVICE_RULE_SPECS[key], updatedAt: s?.updatedAt ?? null, updatedBy: s?.updatedBy ?? null };
  });
  return { rows, done: Done.parse(readSearchParams(request).done) };
}

type ActionResult = { error: "out_of_range"; key: ServiceRuleKey; typed: string } | { error: "unknown_rule" };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "holidays:manage");
  const form = await readForm(request);
  const key = Key.safeParse(form.key);
  if (!key.success) return Response.json({ error: "unknown_rule" } satisfies ActionResult, { status: 400 });
  const outOfRange = () => Response.json({ error: "out_of_range", key: key.data, typed: (form.value ?? "").slice(0, 20) } satisfies ActionResult, { status: 400 });
  const value = Typed.safeParse(form.value ?? "");
  if (!value.success) return outOfRange();
  try {
    await setServiceRule(context.db, staffActor(user, context), key.data, value.data);
  } catch (err) {
    if (err instanceof ServiceRuleError) return outOfRange();
    throw err;
  }
  return redirect(`/admin/service-rules?done=${key.data}`);
}

export default function ServiceRulesPage() {
  const { rows, done } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const n = (v: number) => formatNumber(v, locale);
  const amount = (r: (typeof rows)[number], v: number) => t(`serviceRules.unit.${r.unit}`, { value: n(v) });
  const busy = navigation.state === "submitting";
  const doneRow = done ? rows.find((r) => r.key === done) : undefined;
  return (
    <>
      <h1>{t("serviceRules.title")}</h1>
      <p className="muted">{t("serviceRules.intro")}</p>
      {doneRow && !result ? (
        <p className="notice ok" role="status" data-testid="service-rules-saved">
          {t("serviceRules.saved", { rule: t(`serviceRules.rule.${doneRow.key}.name`), value: amount(doneRow, doneRow.value) })}
        </p>
      ) : null}
      {result?.error === "unknown_rule" ? (
        <p className="error" role="alert" data-testid="service-rules-error">
          {t("serviceRules.error.unknown_rule")}
        </p>
      ) : null}
      {GROUPS.map((g) => (
        <section key={g.id} aria-labelledby={`rules-${g.id}`}>
          <h2 id={`rules-${g.id}`}>{t(`serviceRules.group.${g.id}`)}</h2>
          <table className="data" data-testid={`service-rules-${g.id}`}>
            <thead>
              <tr>
                <th scope="col">{t("serviceRules.col.rule")}</th>
                <th scope="col">{t("serviceRules.col.default")}</th>
                <th scope="col">{t("serviceRules.col.inForce")}</th>
                <th scope="col">{t("serviceRules.col.change")}</th>
              </tr>
            </thead>
            <tbody>
              {g.keys.map((key) => {
                const r = rows.find((x) => x.key === key)!;
                const name = t(`serviceRules.rule.${key}.name`);
                const failed = result?.error === "out_of_range" && result.key === key ? result : null;
                return (
                  <tr key={key} data-testid="service-rule" data-key={key}>
                    <td>
                      <strong>{name}</strong>
                      <br />
                      <span className="muted">{t(`serviceRules.rule.${key}.meaning`)}</span>
                    </td>
                    <td>{amount(r, r.default)}</td>
                    <td data-testid="service-rule-value">
                      {amount(r, r.value)}
                      {r.updatedAt ? (
                        <>
                          <br />
                          <span className="muted">{t("serviceRules.changedBy", { by: r.updatedBy ?? t("actor.system"), at: formatDateTime(r.updatedAt, locale) })}</span>
                        </>
                      ) : null}
                    </td>
                    <td>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="key" value={key} />
                        <label>
                          <span className="visually-hidden">{name}</span>
                          <input
                            name="value"
                            required
                            inputMode="numeric"
                            dir="ltr"
                            size={5}
                            defaultValue={failed ? failed.typed : String(r.value)}
                            key={`${key}:${r.value}:${failed ? "x" : ""}`}
                            aria-invalid={failed ? true : undefined}
                            aria-describedby={failed ? `rule-error-${key}` : `rule-bounds-${key}`}
                          />
                        </label>{" "}
                        <button type="submit" disabled={busy}>
                          {t("serviceRules.save")}
                        </button>
                        <br />
                        <span className="muted" id={`rule-bounds-${key}`}>
                          {t("serviceRules.bounds", { min: n(r.min), max: n(r.max) })}
                        </span>
                        {failed ? (
                          <p className="error" role="alert" id={`rule-error-${key}`} data-testid="service-rules-error">
                            {t("serviceRules.error.out_of_range", { rule: name, min: amount(r, r.min), max: amount(r, r.max) })}
                          </p>
                        ) : null}
                      </Form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
