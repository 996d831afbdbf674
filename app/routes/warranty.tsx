import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { normalizeIranMobile } from "../../core/phone";
import { cardLast4, parseCardCode, type CardReply } from "../../core/warranty-card";
import type { MessageKey } from "~/i18n";
import { formatDate, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { checkWarrantyCardOnWeb } from "~/lib/services.server";

/*
 * The public warranty card page (issue 15 §1): no sign-in, Persian first. The customer types the 16-digit
 * code under the card's scratch panel; with their mobile number the warranty is activated for them, without
 * it the card is only checked (genuine, activated, expired). Refused guesses are limited per address and per
 * number (core/warranty-card.ts), and every attempt is kept (services/warranty-cards.ts).
 */

export const meta: MetaFunction = ({ matches }) => [...matches.flatMap((m) => m.meta ?? []).filter((d) => "title" in d)];

// the code is typed into the form, never put in the address; nothing here is for a shared cache
export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" });

const CardForm = z.object({
  code: z.string().transform((v, ctx) => {
    const code = parseCardCode(v);
    if (!code) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "warrantyCard.badCode" });
    return code ?? "";
  }),
  mobile: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v || !toLatinDigits(v).trim()) return null;
      const mobile = normalizeIranMobile(v);
      if (!mobile) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "warrantyCard.badMobile" });
      return mobile;
    }),
  name: z.string().trim().max(200, "warrantyCard.badName").optional(),
});

type ActionData =
  | { ok: false; error: MessageKey; values: { code: string; mobile: string; name: string } }
  | { ok: true; reply: CardReply; last4: string; values: { code: string; mobile: string; name: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const values = { code: form.code ?? "", mobile: form.mobile ?? "", name: form.name ?? "" };
  const parsed = CardForm.safeParse(form);
  if (!parsed.success) {
    const error = (parsed.error.issues[0]?.message ?? "warrantyCard.badCode") as MessageKey;
    return Response.json({ ok: false, error, values } satisfies ActionData, { status: 400 });
  }
  const r = await checkWarrantyCardOnWeb(context.db, context.env.warrantyCodeSecret, {
    code: parsed.data.code,
    mobile: parsed.data.mobile,
    name: parsed.data.name ?? null,
    ip: context.clientIp,
  });
  const status = r.reply.kind === "throttled" ? 429 : 200;
  // the code is not sent back: after an answer the form is empty again
  return Response.json({ ok: true, reply: r.reply, last4: cardLast4(parsed.data.code), values: { ...values, code: "" } } satisfies ActionData, { status });
}

function ReplyBox({ reply, last4 }: { reply: CardReply; last4: string }) {
  const t = useT();
  const locale = useLocale();
  const day = (iso: string | null) => (iso ? formatDate(`${iso}T12:00:00Z`, locale) : "");
  const card = formatDigits(last4, locale);
  const ok = reply.kind === "activated" || reply.kind === "genuine" || (reply.kind === "already_activated" && reply.mine);
  let text: string;
  switch (reply.kind) {
    case "activated":
      text = reply.expiresOn ? t("warrantyCard.reply.activated", { card, until: day(reply.expiresOn) }) : t("warrantyCard.reply.activatedPending", { card });
      break;
    case "already_activated":
      text = reply.expiresOn
        ? t("warrantyCard.reply.alreadyUntil", { card, phone: formatDigits(reply.maskedPhone, locale), until: day(reply.expiresOn) })
        : t("warrantyCard.reply.already", { card, phone: formatDigits(reply.maskedPhone, locale) });
      break;
    case "expired":
      text = reply.expiresOn ? t("warrantyCard.reply.expired", { card, on: day(reply.expiresOn) }) : t("warrantyCard.reply.expiredUnused", { card });
      break;
    case "genuine":
      text = t("warrantyCard.reply.genuine", { card });
      break;
    case "not_genuine":
      text = t("warrantyCard.reply.notGenuine");
      break;
    case "throttled":
      text = t("warrantyCard.reply.throttled", { hours: formatDigits(reply.retryAfterHours, locale) });
      break;
  }
  return (
    <p className={`notice ${ok ? "ok" : "error"}`} role={ok ? "status" : "alert"} data-testid="card-reply" data-kind={reply.kind}>
      {text}
    </p>
  );
}

export default function WarrantyCardPage() {
  const t = useT();
  const data = useActionData<ActionData>();
  const busy = useNavigation().state !== "idle";
  const values = data?.values ?? { code: "", mobile: "", name: "" };
  return (
    <main className="tracking-page" id="main">
      <div className="tracking-box">
        <h1>{t("warrantyCard.title")}</h1>
        <p className="muted">{t("warrantyCard.intro")}</p>
        <p className="muted" data-testid="card-sms-forms">
          {t("warrantyCard.smsForms")}
        </p>
        {data && data.ok ? <ReplyBox reply={data.reply} last4={data.last4} /> : null}
        {data && !data.ok ? (
          <p className="error" role="alert" data-testid="card-error">
            {t(data.error)}
          </p>
        ) : null}
        <Form method="post" className="stack" key={data && data.ok ? `${data.reply.kind}-${data.last4}` : "form"}>
          <label>
            {t("warrantyCard.code")}
            <input name="code" inputMode="numeric" autoComplete="off" dir="ltr" required defaultValue={values.code} placeholder="۱۲۳۴-۵۶۷۸-۹۰۱۲-۳۴۵۶" />
          </label>
          <label>
            {t("warrantyCard.mobile")}
            <input name="mobile" inputMode="tel" autoComplete="tel" dir="ltr" defaultValue={values.mobile} />
          </label>
          <p className="muted">{t("warrantyCard.mobileHelp")}</p>
          <label>
            {t("warrantyCard.name")}
            <input name="name" autoComplete="name" defaultValue={values.name} />
          </label>
          <button type="submit" disabled={busy}>
            {t("warrantyCard.submit")}
          </button>
        </Form>
      </div>
    </main>
  );
}
