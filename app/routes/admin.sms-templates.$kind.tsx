import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef, useState } from "react";
import { z } from "zod";
import {
  checkSmsTemplate,
  previewSmsTemplate,
  SMS_TEMPLATE_KINDS,
  SMS_TEMPLATES,
  type SmsTemplateKind,
  type SmsTemplateProblem,
} from "../../core/sms-templates";
import type { Translate } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { smsTemplates } from "~/lib/db.server";
import { formatDateTime } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { resetSmsTemplate, SmsTemplateInvalidError, updateSmsTemplate } from "~/lib/services.server";

/*
 * Editing one SMS text (sms_templates:manage): the text, the placeholders it may use (a click inserts one),
 * a live preview with sample values and its characters and SMS parts; save (checked again by the service,
 * with its audit row) or go back to the default text. A refused text comes back with every problem named,
 * in the reader's language, and the text as typed.
 */

const Kind = z.enum(SMS_TEMPLATE_KINDS);
/** Far above what core accepts: a longer body is answered with core's own "too long", not read further. */
const MAX_FORM_BODY = 5000;
const Done = z.enum(["saved", "reset"]).optional().catch(undefined);

function kindOf(params: LoaderFunctionArgs["params"]): SmsTemplateKind {
  const kind = Kind.safeParse(params.kind);
  if (!kind.success) throw new Response("Not found", { status: 404 });
  return kind.data;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "sms_templates:manage");
  const kind = kindOf(params);
  const override = (await smsTemplates.listSmsTemplateOverrides(context.db)).find((o) => o.kind === kind);
  return {
    kind,
    body: override?.body ?? SMS_TEMPLATES[kind].defaultBody,
    custom: override !== undefined,
    updatedAt: override?.updated_at ?? null,
    updatedBy: override?.updated_by_name ?? null,
    done: Done.parse(readSearchParams(request).done),
  };
}

type ActionResult = { problems: SmsTemplateProblem[]; body: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "sms_templates:manage");
  const kind = kindOf(params);
  const form = await readForm(request);
  const actor = staffActor(user, context);
  if (form.intent === "reset") {
    await resetSmsTemplate(context.db, actor, { kind });
    return redirect(`/admin/sms-templates/${kind}?done=reset`);
  }
  const body = form.body ?? "";
  if (form.intent !== "save" || body.length > MAX_FORM_BODY) {
    const problems: SmsTemplateProblem[] = body.length > MAX_FORM_BODY ? [{ code: "tooLong", max: 500 }] : [{ code: "empty" }];
    return Response.json({ problems, body: body.slice(0, MAX_FORM_BODY) } satisfies ActionResult, { status: 400 });
  }
  try {
    await updateSmsTemplate(context.db, actor, { kind, body });
  } catch (error) {
    if (error instanceof SmsTemplateInvalidError) return Response.json({ problems: error.problems, body } satisfies ActionResult, { status: 400 });
    throw error;
  }
  return redirect(`/admin/sms-templates/${kind}?done=saved`);
}

function problemText(t: Translate, p: SmsTemplateProblem): string {
  switch (p.code) {
    case "empty":
      return t("smsTemplates.problem.empty");
    case "tooLong":
      return t("smsTemplates.problem.tooLong", { max: p.max });
    case "unbalancedBrace":
      return t("smsTemplates.problem.unbalancedBrace");
    case "unknownPlaceholder":
      return t("smsTemplates.problem.unknownPlaceholder", { name: p.name });
    case "missingPlaceholder":
      return t("smsTemplates.problem.missingPlaceholder", { name: `{${p.name}}`, label: t(`smsTemplates.placeholder.${p.name}`) });
    case "tooManyParts":
      return t("smsTemplates.problem.tooManyParts", { parts: p.parts, max: p.max });
  }
}

function Editor({ kind, initial, refused }: { kind: SmsTemplateKind; initial: string; refused: boolean }) {
  const t = useT();
  const navigation = useNavigation();
  const [body, setBody] = useState(initial);
  const area = useRef<HTMLTextAreaElement>(null);
  const spec = SMS_TEMPLATES[kind];
  const problems = checkSmsTemplate(kind, body);
  let preview: ReturnType<typeof previewSmsTemplate> | null = null;
  try {
    preview = body.trim() ? previewSmsTemplate(kind, body) : null;
  } catch {
    preview = null; // an unknown placeholder: the problems list says which
  }
  function insert(name: string) {
    const el = area.current;
    const token = `{${name}}`;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + token + body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }
  return (
    <div className="sms-editor">
      <Form method="post" className="panel register-form" id="template-form">
        {refused && problems.length > 0 ? (
          <p className="error" role="alert" data-testid="template-refused">
            {t("smsTemplates.errors")}
          </p>
        ) : null}
        <label htmlFor="template-body">{t("smsTemplates.body")}</label>
        <textarea
          id="template-body"
          name="body"
          ref={area}
          dir="rtl"
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-invalid={problems.length > 0 ? true : undefined}
          aria-describedby="template-problems"
        />
        <ul id="template-problems" className="error" aria-live="polite" data-testid="template-problems">
          {problems.map((p, i) => (
            <li key={i}>{problemText(t, p)}</li>
          ))}
        </ul>
        <div>
          <strong>{t("smsTemplates.placeholders")}</strong>
          <ul className="placeholder-list">
            {spec.placeholders.map((name) => (
              <li key={name}>
                <button type="button" className="link-button" onClick={() => insert(name)} title={t("smsTemplates.insert", { name: `{${name}}` })}>
                  <code>{`{${name}}`}</code> {t(`smsTemplates.placeholder.${name}`)}
                  {spec.required.includes(name) ? ` (${t("smsTemplates.required")})` : ""}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="form-actions">
          <button type="submit" name="intent" value="save" disabled={navigation.state !== "idle"} data-testid="template-save">
            {t("smsTemplates.save")}
          </button>
          <button type="submit" name="intent" value="reset" className="link-button" disabled={navigation.state !== "idle"} formNoValidate>
            {t("smsTemplates.reset")}
          </button>
        </div>
      </Form>
      <section className="panel" aria-labelledby="preview-title">
        <h2 id="preview-title">{t("smsTemplates.preview")}</h2>
        <div className="sms-preview" dir="rtl" data-testid="template-preview">
          {preview?.text ?? "—"}
        </div>
        {preview ? (
          <p data-testid="template-count">
            {t("smsTemplates.count", { chars: preview.characters, parts: preview.parts.parts })}
            {" — "}
            {t("smsTemplates.remaining", { remaining: preview.parts.remaining })}
            <br />
            <span className="muted">{t(`smsTemplates.encoding.${preview.parts.encoding}`)}</span>
          </p>
        ) : null}
      </section>
    </div>
  );
}

export default function SmsTemplateEdit() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to="/admin/sms-templates">{t("smsTemplates.back")}</Link>
      </p>
      <h1>{t(`smsTemplates.kind.${data.kind}`)}</h1>
      <p className="muted">
        {t("smsTemplates.recipient")}: {t(`smsTemplates.audience.${SMS_TEMPLATES[data.kind].audience}`)}
        {" — "}
        {data.custom
          ? t("smsTemplates.changedBy", { name: data.updatedBy ?? "—", at: formatDateTime(data.updatedAt, locale) })
          : t("smsTemplates.default")}
      </p>
      {data.done && !result ? (
        <p className="ok-text" role="status" data-testid="template-done">
          {t(data.done === "saved" ? "smsTemplates.saved" : "smsTemplates.resetDone")}
        </p>
      ) : null}
      <Editor key={`${data.body}|${result?.body ?? ""}`} kind={data.kind} initial={result?.body ?? data.body} refused={result !== undefined} />
    </>
  );
}
