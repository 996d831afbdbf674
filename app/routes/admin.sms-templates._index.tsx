import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SMS_TEMPLATE_KINDS, SMS_TEMPLATES } from "../../core/sms-templates";
import { requirePermission } from "~/lib/auth.server";
import { smsTemplates } from "~/lib/db.server";
import { formatDateTime } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "sms_templates:manage");
  const overrides = new Map((await smsTemplates.listSmsTemplateOverrides(context.db)).map((o) => [o.kind, o]));
  return {
    rows: SMS_TEMPLATE_KINDS.map((kind) => {
      const o = overrides.get(kind);
      return {
        kind,
        audience: SMS_TEMPLATES[kind].audience,
        body: o?.body ?? SMS_TEMPLATES[kind].defaultBody,
        custom: o !== undefined,
        updatedAt: o?.updated_at ?? null,
        updatedBy: o?.updated_by_name ?? null,
      };
    }),
  };
}

export default function SmsTemplateList() {
  const { rows } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("smsTemplates.title")}</h1>
      <p className="muted">{t("smsTemplates.intro")}</p>
      <table className="data">
        <thead>
          <tr>
            <th>{t("smsTemplates.kind")}</th>
            <th>{t("smsTemplates.recipient")}</th>
            <th>{t("smsTemplates.text")}</th>
            <th>{t("smsTemplates.state")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.kind} data-kind={r.kind}>
              <td>{t(`smsTemplates.kind.${r.kind}`)}</td>
              <td>{t(`smsTemplates.audience.${r.audience}`)}</td>
              <td className="sms-body-cell">{r.body}</td>
              <td>
                {r.custom ? (
                  <>
                    <span className="badge">{t("smsTemplates.custom")}</span>
                    <br />
                    <span className="muted">{t("smsTemplates.changedBy", { name: r.updatedBy ?? "—", at: formatDateTime(r.updatedAt, locale) })}</span>
                  </>
                ) : (
                  <span className="muted">{t("smsTemplates.default")}</span>
                )}
              </td>
              <td>
                <Link to={`/admin/sms-templates/${r.kind}`} aria-label={`${t("smsTemplates.edit")}: ${t(`smsTemplates.kind.${r.kind}`)}`}>
                  {t("smsTemplates.edit")}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
