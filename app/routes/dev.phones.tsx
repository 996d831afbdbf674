import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import type { Env } from "../../platform/env";
import { SimulatedCallFields } from "~/components/SimulatedCallFields";
import type { MessageKey } from "~/i18n";
import {
  HANGUP_CAUSE,
  placeSimulatedCall,
  simAnswer,
  simDtmf,
  simHangup,
  SimulatedCallForm,
  simPhoneCalls,
  simSetTrunkAnswer,
  simTrunkAnswer,
  type SimCallResult,
  type SimPhoneCall,
} from "~/lib/ari-sim.server";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { useAutoRefresh } from "~/lib/use-auto-refresh";

/*
 * The simulated customers' phones: their live calls on the ARI simulator (development only: ARI_URL unset, so
 * every call goes to the built-in simulator; with a real Asterisk this page is a 404). The twin of /dev/sms:
 * no sign-in (the phones are made up), and it reads and drives the simulator only through its HTTP control API
 * (~/lib/ari-sim.server.ts), refreshing itself every few seconds. A newcomer answers the follow-up call here
 * and presses the score, declines a call as busy, or calls the hotline as a customer (the desk panel's form).
 */

export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

function requireSimulated(context: LoaderFunctionArgs["context"]) {
  if (!context.env.devPhonesPage) throw new Response("Not found", { status: 404 });
}

/** The sounds this application plays, by the setting that names them, so the page can say what the customer hears. */
function soundLabels(env: Env): Record<string, MessageKey> {
  return {
    [env.ARI_SOUND_SURVEY_QUESTION]: "devPhones.sound.surveyQuestion",
    [env.ARI_SOUND_SURVEY_INVALID]: "devPhones.sound.surveyInvalid",
    [env.ARI_SOUND_SURVEY_THANKS]: "devPhones.sound.surveyThanks",
    [env.ARI_SOUND_MENU]: "devPhones.sound.menu",
    [env.ARI_SOUND_TICKET_NUMBER]: "devPhones.sound.ticketNumber",
    [env.ARI_SOUND_CALLBACK_OFFER]: "devPhones.sound.callbackOffer",
    [env.ARI_SOUND_CALLBACK_CONFIRMED]: "devPhones.sound.callbackConfirmed",
  };
}

interface PhoneCallView extends SimPhoneCall {
  /** what is playing, in words when it is one of our sounds */
  playingLabel: MessageKey | null;
}

interface PhonesData {
  /** the simulator's address when it does not answer */
  unreachable: string | null;
  calls: PhoneCallView[];
  /** how customers' phones answer our calls: ring until answered here, or by themselves */
  ring: "never" | "auto" | null;
}

export async function loader({ context }: LoaderFunctionArgs): Promise<PhonesData> {
  requireSimulated(context);
  const base = context.env.ariUrl;
  const [calls, ring] = await Promise.all([simPhoneCalls(base), simTrunkAnswer(base)]);
  if (!calls.ok) return { unreachable: calls.url, calls: [], ring: null };
  const labels = soundLabels(context.env);
  return {
    unreachable: null,
    calls: calls.value.map((c) => ({ ...c, playingLabel: c.playing ? (labels[c.playing] ?? null) : null })),
    ring: ring.ok && (ring.value === "never" || ring.value === "auto") ? ring.value : null,
  };
}

const channelId = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/);
const PhoneAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("answer"), id: channelId }),
  z.object({ intent: z.literal("hangup"), id: channelId }),
  z.object({ intent: z.literal("busy"), id: channelId }),
  z.object({ intent: z.literal("reject"), id: channelId }),
  z.object({ intent: z.literal("dtmf"), id: channelId, digits: z.string().regex(/^[0-9*#]$/) }),
  z.object({ intent: z.literal("ring"), ring: z.enum(["never", "auto"]) }),
  z.object({ intent: z.literal("call") }),
]);

type ActionResult = {
  /** which part of the page the message belongs to: a call's card, the ring setting, the call form */
  about: "phone" | "ring" | "call";
  ok: boolean;
  message: MessageKey;
  params?: Record<string, string | number>;
  /** the call the message is about */
  id?: string;
  /** the call form's values, kept when it was refused */
  values?: { from: string; digit: string; ticketNumber: string };
};

const DONE: Record<"answer" | "hangup" | "busy" | "reject", MessageKey> = {
  answer: "devPhones.answered",
  hangup: "devPhones.hungUp",
  busy: "devPhones.declinedBusy",
  reject: "devPhones.rejected",
};

/** What the page says when the simulator did not do it. */
function failure(about: ActionResult["about"], r: Exclude<SimCallResult, { ok: true }>, id?: string) {
  const body = (message: MessageKey, params?: ActionResult["params"]): ActionResult => ({ about, ok: false, message, params, id });
  if (r.reason === "unreachable") return Response.json(body("devPhones.unreachable", { url: r.url }), { status: 503 });
  if (about === "phone" && r.status === 404) return Response.json(body("devPhones.gone"), { status: 409 });
  if (about === "phone" && r.status === 409) return Response.json(body("devPhones.notRinging"), { status: 409 });
  return Response.json(body("sim.refused", { status: r.status }), { status: 502 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSimulated(context);
  const base = context.env.ariUrl;
  const form = await readForm(request);
  const parsed = PhoneAction.safeParse(form);
  if (!parsed.success) return Response.json({ about: "ring", ok: false, message: "devPhones.badInput" } satisfies ActionResult, { status: 400 });
  const a = parsed.data;
  switch (a.intent) {
    case "call": {
      const values = { from: form.from ?? "", digit: form.digit ?? "", ticketNumber: form.ticketNumber ?? "" };
      const call = SimulatedCallForm.safeParse(form);
      if (!call.success) return Response.json({ about: "call", ok: false, message: "sim.badInput", values } satisfies ActionResult, { status: 400 });
      const r = await placeSimulatedCall(base, call.data);
      if (r.ok) return { about: "call", ok: true, message: "sim.started", params: { id: r.id } } satisfies ActionResult;
      return failure("call", r);
    }
    case "ring": {
      const r = await simSetTrunkAnswer(base, a.ring);
      if (!r.ok) return failure("ring", r);
      return { about: "ring", ok: true, message: a.ring === "never" ? "devPhones.ringNeverSaved" : "devPhones.ringAutoSaved" } satisfies ActionResult;
    }
    case "dtmf": {
      const r = await simDtmf(base, a.id, a.digits);
      if (!r.ok) return failure("phone", r, a.id);
      return { about: "phone", ok: true, message: "devPhones.keyed", params: { digits: a.digits }, id: a.id } satisfies ActionResult;
    }
    default: {
      const r = a.intent === "answer" ? await simAnswer(base, a.id) : await simHangup(base, a.id, HANGUP_CAUSE[a.intent]);
      if (!r.ok) return failure("phone", r, a.id);
      return { about: "phone", ok: true, message: DONE[a.intent], id: a.id } satisfies ActionResult;
    }
  }
}

/** A message's keyed digits in the page's numerals (Persian digits in Persian). */
function localized(params: ActionResult["params"], locale: ReturnType<typeof useLocale>): ActionResult["params"] {
  return params && typeof params.digits === "string" ? { ...params, digits: formatDigits(params.digits, locale) } : params;
}

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"] as const;

function CallCard({ call, result, busy }: { call: PhoneCallView; result: ActionResult | undefined; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  const ringingOut = call.state === "ringing" && call.direction === "outbound";
  return (
    <li className="sim-call" data-testid="sim-call" data-number={call.number} data-state={call.state} data-direction={call.direction}>
      <div>
        <strong className="ltr">{formatDigits(call.number, locale)}</strong>
        {" — "}
        {t(call.direction === "outbound" ? "devPhones.outbound" : "devPhones.inbound")}
        {" — "}
        <span data-testid="sim-call-state">{t(call.state === "up" ? "devPhones.up" : "devPhones.ringing")}</span>
      </div>
      {call.playing ? (
        <div className="muted" data-testid="sim-call-playing">
          {t("devPhones.playing")}{" "}
          {call.playingLabel ? t(call.playingLabel) : <span className="ltr">{call.playing}</span>}
        </div>
      ) : call.moh ? (
        <div className="muted">{t("devPhones.moh")}</div>
      ) : null}
      <Form method="post" className="sim-call-actions">
        <input type="hidden" name="id" value={call.id} />
        {ringingOut ? (
          <>
            <button type="submit" name="intent" value="answer" disabled={busy}>
              {t("devPhones.answer")}
            </button>
            <button type="submit" name="intent" value="busy" disabled={busy}>
              {t("devPhones.busy")}
            </button>
            <button type="submit" name="intent" value="reject" disabled={busy}>
              {t("devPhones.reject")}
            </button>
          </>
        ) : (
          <button type="submit" name="intent" value="hangup" disabled={busy}>
            {t("devPhones.hangup")}
          </button>
        )}
      </Form>
      {ringingOut ? null : (
        <Form method="post" aria-label={t("devPhones.keypad")}>
          <input type="hidden" name="id" value={call.id} />
          <input type="hidden" name="intent" value="dtmf" />
          <div className="sim-keypad" role="group" aria-label={t("devPhones.keypad")}>
            {KEYS.map((k) => (
              <button key={k} type="submit" name="digits" value={k} disabled={busy}>
                {formatDigits(k, locale)}
              </button>
            ))}
          </div>
        </Form>
      )}
      {result?.about === "phone" && result.id === call.id ? (
        <p className={result.ok ? "ok-text" : "error"} role={result.ok ? "status" : "alert"} data-testid="sim-call-result">
          {t(result.message, localized(result.params, locale))}
        </p>
      ) : null}
    </li>
  );
}

export default function DevPhones() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  useAutoRefresh(2000);
  const busy = navigation.state === "submitting";
  // a message about a call that has ended since (it is no longer listed) shows above the list
  const orphan = result?.about === "phone" && !data.calls.some((c) => c.id === result.id) ? result : undefined;
  return (
    <main className="dev-phones" id="main">
      <h1>{t("devPhones.title")}</h1>
      <p className="muted">{t("devPhones.intro")}</p>
      {data.unreachable ? (
        <p className="error" role="alert">
          {t("devPhones.unreachable", { url: data.unreachable })}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="calls-title">
        <h2 id="calls-title">{t("devPhones.calls")}</h2>
        {orphan ? (
          <p className={orphan.ok ? "ok-text" : "error"} role={orphan.ok ? "status" : "alert"} data-testid="sim-call-result">
            {t(orphan.message, localized(orphan.params, locale))}
          </p>
        ) : null}
        {data.calls.length === 0 && !data.unreachable ? <p className="muted">{t("devPhones.none")}</p> : null}
        <ol className="sim-calls" data-testid="sim-calls">
          {data.calls.map((c) => (
            <CallCard key={c.id} call={c} result={result} busy={busy} />
          ))}
        </ol>
      </section>
      <section className="panel" aria-labelledby="ring-title">
        <h2 id="ring-title">{t("devPhones.ringTitle")}</h2>
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="ring" />
          {(["never", "auto"] as const).map((mode) => (
            <button key={mode} type="submit" name="ring" value={mode} aria-pressed={data.ring === mode} className={data.ring === mode ? "active" : undefined} disabled={busy}>
              {t(mode === "never" ? "devPhones.ringNever" : "devPhones.ringAuto")}
            </button>
          ))}
        </Form>
        {result?.about === "ring" ? (
          <p className={result.ok ? "ok-text" : "error"} role={result.ok ? "status" : "alert"} data-testid="ring-result">
            {t(result.message, result.params)}
          </p>
        ) : null}
      </section>
      <section className="panel simulator" aria-labelledby="call-title">
        <h2 id="call-title">{t("sim.title")}</h2>
        <p className="muted">{t("devPhones.callHint")}</p>
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="call" />
          <SimulatedCallFields values={{ from: result?.values?.from ?? "09121234567", digit: result?.values?.digit, ticketNumber: result?.values?.ticketNumber }} />
          <button type="submit" disabled={busy}>
            {t("sim.submit")}
          </button>
        </Form>
        {result?.about === "call" ? (
          <p className={result.ok ? "ok-text" : "error"} role={result.ok ? "status" : "alert"} data-testid="sim-result">
            {t(result.message, result.params)}
          </p>
        ) : null}
      </section>
    </main>
  );
}
