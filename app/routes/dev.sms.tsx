import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { smsStatusFromProvider } from "../../core/sms";
import { toIranLocalMobile } from "../../core/phone";
import type { MessageKey } from "~/i18n";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { useAutoRefresh } from "~/lib/use-auto-refresh";
import { pollInboundSoon, simInbox, simPhones, simSendInbound, type SimInboxMessage, type SimPhone } from "~/lib/sms-sim.server";

/** The longest inbound text the form sends (the simulator refuses longer ones). */
const MAX_INBOUND_CHARS = 1000;

/*
 * The simulated phones' inboxes (development only: KAVENEGAR_API_KEY unset, so every SMS goes to the
 * Kavenegar simulator; with a key this page is a 404). No sign-in: it shows what the simulator holds, which
 * are made-up phones, so a newcomer can follow a ticket's messages. It reads and writes the simulator only
 * through its HTTP control API (~/lib/sms-sim.server.ts) and refreshes itself every few seconds.
 */

/** The root's title (the app's name in the reader's language) kept: a route's meta replaces its parents'. */
export const meta: MetaFunction = ({ matches }) => [
  ...matches.flatMap((m) => m.meta ?? []).filter((d) => "title" in d),
  { name: "robots", content: "noindex" },
];

/**
 * A simulated message's delivery status in the reader's language (the simulator's own `statustext` is
 * Kavenegar's Persian wording, which would leak into the English page); a number Kavenegar does not
 * know the message by (100) reads as "on its way", like our rows.
 */
function simStatusKey(status: number): MessageKey {
  return `sms.status.${smsStatusFromProvider(status) ?? "sent"}`;
}

function requireSimulated(context: LoaderFunctionArgs["context"]) {
  if (!context.env.devSmsPage) throw new Response("Not found", { status: 404 });
}

/** A phone the page may show: a mobile (as 09…) or a line's digits. */
function phoneParam(raw: string | undefined): string | null {
  if (!raw) return null;
  const mobile = toIranLocalMobile(raw);
  if (mobile) return mobile;
  const digits = toLatinDigits(raw).trim();
  return /^\d{3,20}$/.test(digits) ? digits : null;
}

interface InboxData {
  /** the simulator's address when it does not answer */
  unreachable: string | null;
  phones: SimPhone[];
  selected: string | null;
  messages: SimInboxMessage[];
  /** the number an inbound SMS was just sent from */
  sentFrom: string | null;
}

export async function loader({ request, context }: LoaderFunctionArgs): Promise<InboxData> {
  requireSimulated(context);
  const query = readSearchParams(request);
  const base = context.env.kavenegarSimUrl;
  const phones = await simPhones(base);
  if (!phones.ok) return { unreachable: phones.url, phones: [], selected: null, messages: [], sentFrom: null };
  const selected = phoneParam(query.number) ?? phones.value[0]?.number ?? null;
  const inbox = selected ? await simInbox(base, selected) : { ok: true as const, value: [] as SimInboxMessage[] };
  if (!inbox.ok) return { unreachable: inbox.url, phones: phones.value, selected, messages: [], sentFrom: null };
  return { unreachable: null, phones: phones.value, selected, messages: inbox.value, sentFrom: phoneParam(query.sent) };
}

const InboundForm = z.object({
  from: z.string().transform((v, ctx) => {
    const mobile = toIranLocalMobile(v);
    if (!mobile) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "devSms.badNumber" });
    return mobile ?? "";
  }),
  message: z.string().trim().min(1, "devSms.emptyMessage").max(MAX_INBOUND_CHARS, "devSms.emptyMessage"),
});

type ActionError = { error: MessageKey; params?: Record<string, string | number>; values: { from: string; message: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  requireSimulated(context);
  const form = await readForm(request);
  const values = { from: form.from ?? "", message: form.message ?? "" };
  const parsed = InboundForm.safeParse(form);
  if (!parsed.success) {
    const error = (parsed.error.issues[0]?.message ?? "devSms.emptyMessage") as MessageKey;
    return Response.json({ error, params: { max: MAX_INBOUND_CHARS }, values } satisfies ActionError, { status: 400 });
  }
  const sent = await simSendInbound(context.env.kavenegarSimUrl, parsed.data.from, parsed.data.message);
  if (!sent.ok) {
    return Response.json({ error: "devSms.unreachable", params: { url: sent.url }, values } satisfies ActionError, { status: 503 });
  }
  await pollInboundSoon(context.db);
  return redirect(`/dev/sms?${new URLSearchParams({ number: parsed.data.from, sent: parsed.data.from })}`);
}

const URL_SPLIT = /(https?:\/\/[^\s]+)/g;

/** A message's text with its links clickable (only http and https). */
function MessageText({ text }: { text: string }) {
  const pieces = text.split(URL_SPLIT);
  return (
    <p className="sim-text" dir="rtl">
      {pieces.map((piece, i) =>
        i % 2 === 1 ? (
          <a key={i} href={piece} dir="ltr">
            {piece}
          </a>
        ) : (
          piece
        ),
      )}
    </p>
  );
}

export default function DevSmsInbox() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionError>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  useAutoRefresh(2500);
  const phone = (n: string) => formatDigits(n, locale);
  return (
    <main className="dev-sms" id="main">
      <h1>{t("devSms.title")}</h1>
      <p className="muted">{t("devSms.intro")}</p>
      {data.unreachable ? (
        <p className="error" role="alert">
          {t("devSms.unreachable", { url: data.unreachable })}
        </p>
      ) : null}
      <div className="dev-sms-grid">
        <nav aria-label={t("devSms.numbers")} className="panel">
          <h2>{t("devSms.numbers")}</h2>
          {data.phones.length === 0 ? <p className="muted">{t("devSms.none")}</p> : null}
          <ul className="sim-phones">
            {data.phones.map((p) => (
              <li key={p.number}>
                <Link
                  to={`/dev/sms?${new URLSearchParams({ number: p.number })}`}
                  aria-current={p.number === data.selected ? "page" : undefined}
                  data-testid="sim-phone"
                  data-number={p.number}
                >
                  <span className="ltr">{phone(p.number)}</span>
                </Link>
                <br />
                <span className="muted">{t("devSms.counts", { received: p.received, sent: p.sent })}</span>
              </li>
            ))}
          </ul>
        </nav>
        <section className="panel" aria-labelledby="inbox-title">
          {data.selected ? (
            <>
              <h2 id="inbox-title">
                {t("devSms.inboxOf")}{" "}
                <span className="ltr">{phone(data.selected)}</span>
              </h2>
              <ol className="sim-messages" data-testid="sim-messages">
                {data.messages.map((m) => (
                  <li key={m.messageid} className={`sim-message ${m.direction}`} data-testid="sim-message" data-direction={m.direction}>
                    <div className="muted">
                      {m.direction === "outbound" ? (
                        <>
                          {t("devSms.incoming")}{" "}
                          <span className="ltr">{phone(m.sender)}</span>
                          {" — "}
                          <span data-testid="sim-status">{t(simStatusKey(m.status))}</span>
                        </>
                      ) : (
                        <>
                          {t("devSms.outgoing")}{" "}
                          <span className="ltr">{phone(m.receptor)}</span>
                        </>
                      )}
                      {" — "}
                      <bdi>{formatDateTime(m.date * 1000, locale)}</bdi>
                    </div>
                    <MessageText text={m.message} />
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          <h2>{t("devSms.replyTitle")}</h2>
          <p className="muted">{t("devSms.replyHelp")}</p>
          {data.sentFrom && !result ? (
            <p className="ok-text" role="status">
              {t("devSms.sentOk", { number: phone(data.sentFrom) })}
            </p>
          ) : null}
          {result?.error ? (
            <p className="error" role="alert" data-testid="inbound-error">
              {t(result.error, result.params)}
            </p>
          ) : null}
          <Form method="post" className="sim-reply" key={data.sentFrom ?? "form"}>
            <label>
              {t("devSms.from")}
              <input name="from" dir="ltr" inputMode="tel" required defaultValue={result?.values.from ?? data.selected ?? ""} />
            </label>
            <label>
              {t("devSms.message")}
              <textarea name="message" rows={2} required maxLength={MAX_INBOUND_CHARS} defaultValue={result?.values.message ?? ""} />
            </label>
            <button type="submit" disabled={navigation.state === "submitting"}>
              {t("devSms.send")}
            </button>
          </Form>
        </section>
      </div>
    </main>
  );
}
