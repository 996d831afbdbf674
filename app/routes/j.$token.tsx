import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useParams } from "@remix-run/react";
import { JOB_ACTIONS, JOB_LINK_FAILURE_WINDOW_MINUTES, jobActionsFor, type JobAction } from "../../core/job-link";
import { formatIranMobile } from "../../core/phone";
import { CompletionFields, PhotoThumbnails } from "~/components/JobCompletion";
import { StatusBadge } from "~/components/TicketViews";
import type { jobView } from "../../db/repos/technician-links";
import type { MessageKey } from "~/i18n";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";
import { photoStoreOf, readCompletionForm } from "~/lib/photos.server";
import { jobReports, parts as partsRepo } from "~/lib/db.server";
import { PartLinesFields, PartRequestList, formatDay, type CataloguePart, type PartRequestRow } from "~/components/PartRequests";
import { parsePartLines, partErrorKey } from "~/lib/parts.server";
import { parseCompletionForm, parseExpectedDate, parseReason } from "~/lib/job-forms.server";
import {
  IllegalTransitionError,
  JobActionNotAllowedError,
  JobLinkRefusedError,
  JobReportInputError,
  NoFeeRateError,
  PartRequestError,
  openJobLink,
  pressJobAction,
  publicLinks,
  surveyConfigOf,
  type JobPress,
} from "~/lib/services.server";

/*
 * The technician's job page: /j/<token>, sent by SMS when the agency assigns the job (services/assignments.ts),
 * no sign-in. Made for a phone (360 px, large buttons): the job, the customer with a tap-to-call number,
 * the address with a navigation link, and the presses of the job (core/job-link.ts) — each a plain form,
 * so it works with and without JavaScript; each press lands in the ticket's history.
 *
 * An unknown or altered token gets the same page as any other unknown one (a 404: nothing to learn by
 * guessing); a genuine token that was revoked, whose job went to someone else or whose time is up says so
 * (410). Every refused token counts against the address; too many and every link is refused for a while
 * (429). Headers as the tracking page (/t/): not cached, not indexed, and the token never sent on to
 * another site — `same-origin` rather than `no-referrer`, because a browser posting a form from a
 * `no-referrer` page sends `Origin: null`, which the CSRF guard (app/lib/csrf.server.ts) rightly refuses.
 */

export const meta: MetaFunction = ({ matches }) => [
  ...matches.flatMap((m) => m.meta ?? []).filter((d) => "title" in d),
  { name: "robots", content: "noindex" },
];

export const headers: HeadersFunction = () => ({
  "Referrer-Policy": "same-origin",
  "Cache-Control": "private, no-store",
  "X-Robots-Tag": "noindex",
});

const REFUSED_STATUS = { unknown: 404, revoked: 410, expired: 410, reassigned: 410, throttled: 429 } as const;

function linkContext(context: LoaderFunctionArgs["context"]) {
  return { ip: context.clientIp, daysAfterClose: context.env.JOB_LINK_DAYS_AFTER_CLOSE };
}

type Job = SerializeFrom<NonNullable<Awaited<ReturnType<typeof jobView>>>>;
type RefusedKind = keyof typeof REFUSED_STATUS;
type LoaderData =
  | { refused: RefusedKind; job: null }
  | {
      refused: null;
      job: Job;
      actions: JobAction[];
      presses: { id: number; at: string; action: string }[];
      done: JobAction | null;
      /** the photos this link sent (served by /j/<token>/photos/<id>) */
      photos: { id: number }[];
      /** issue 15 §4: the catalogue parts of the job's model, and the parts requested for the job */
      catalogue: CataloguePart[];
      partRequests: PartRequestRow[];
    };

export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const opened = await openJobLink(context.db, params.token ?? "", linkContext(context));
  if (opened.kind !== "valid") return Response.json({ refused: opened.kind, job: null } satisfies LoaderData, { status: REFUSED_STATUS[opened.kind] });
  const done = readSearchParams(request).done;
  const [photos, catalogue, partRequests] = await Promise.all([
    jobReports.linkPhotos(context.db, opened.linkId),
    opened.job.model_id !== null ? partsRepo.activePartsOfModel(context.db, opened.job.model_id) : Promise.resolve([]),
    partsRepo.requestsOfLinkTicket(context.db, opened.job.id),
  ]);
  return Response.json({
    refused: null,
    job: opened.job as unknown as Job,
    actions: jobActionsFor(opened.job.status),
    presses: opened.presses.map((p) => ({ id: p.id, at: p.at.toISOString(), action: String((p.data as { action?: unknown }).action ?? "") })),
    done: JOB_ACTIONS.find((a) => a === done) ?? null,
    photos: photos.map((p) => ({ id: p.id })),
    catalogue,
    partRequests: partRequests as unknown as PartRequestRow[],
  } satisfies LoaderData);
}

type ActionError = { intent: JobAction | null; error: MessageKey; values: Record<string, string> };

export async function action({ params, context, request }: ActionFunctionArgs) {
  const { fields: form, files, problem } = await readCompletionForm(request);
  const intent = JOB_ACTIONS.find((a) => a === form.intent) ?? null;
  const refuse = (status: number, error: MessageKey) => Response.json({ intent, error, values: form } satisfies ActionError, { status });
  if (!intent) return refuse(400, "job.error.invalid");
  if (problem) return refuse(problem === "formTooLarge" ? 413 : 400, `job.error.${problem}`);
  let press: JobPress;
  if (intent === "done") {
    // the invoice's requirement (out of warranty) is checked by the service, which knows the job
    const r = parseCompletionForm(form, "unknown");
    if (!r.ok) return refuse(400, r.error);
    press = { action: "done", ...r.value, photos: files.map((f) => ({ bytes: f.bytes })) };
  } else if (intent === "needs_parts") {
    const r = parseExpectedDate(form.expectedDate);
    if (!r.ok) return refuse(400, r.error);
    const note = (form.partNote ?? "").trim().slice(0, 200);
    // catalogue parts of the job's model (none named: the note says what is needed)
    const lines = parsePartLines(form, true);
    if (!lines.ok) return refuse(400, lines.error);
    press = { action: "needs_parts", expectedDate: r.value, ...(note ? { note } : {}), ...(lines.value.length > 0 ? { parts: lines.value } : {}) };
  } else if (intent === "cannot_repair") {
    const r = parseReason(form.reason);
    if (!r.ok) return refuse(400, r.error);
    press = { action: "cannot_repair", reason: r.value };
  } else {
    press = { action: intent };
  }
  try {
    await pressJobAction(context.db, params.token ?? "", press, {
      ...linkContext(context),
      links: publicLinks(context.env),
      followUp: surveyConfigOf(context.env),
      photoStore: photoStoreOf(context),
    });
  } catch (error) {
    // the page again: the loader shows why the link no longer works
    if (error instanceof JobLinkRefusedError) return redirect(new URL(request.url).pathname);
    if (error instanceof JobActionNotAllowedError || error instanceof IllegalTransitionError) return refuse(409, "job.error.notAllowed");
    if (error instanceof JobReportInputError) return refuse(400, `job.error.${error.problem}`);
    if (error instanceof NoFeeRateError) return refuse(409, "ledger.error.noRate");
    if (error instanceof PartRequestError) return refuse(400, partErrorKey(error));
    throw error;
  }
  return redirect(`${new URL(request.url).pathname}?done=${intent}`);
}

type Loaded = LoaderData;

function navigationUrl(job: Job): string {
  if (job.lat !== null && job.lng !== null) return `https://www.google.com/maps/dir/?api=1&destination=${job.lat},${job.lng}`;
  const text = [job.province, job.city, job.address_text].filter(Boolean).join("، ");
  return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(text)}`;
}

export default function JobLinkPage() {
  const data = useLoaderData() as LoaderData;
  const t = useT();
  if (data.refused !== null) {
    const key = data.refused;
    return (
      <main className="job-page" id="main">
        <div className="job-box" data-testid="job-refused" data-reason={key === "unknown" ? undefined : key}>
          <h1>{t(key === "unknown" ? "job.link.unknown.title" : "job.link.closed.title")}</h1>
          <p>{t(`job.link.${key}`, { minutes: JOB_LINK_FAILURE_WINDOW_MINUTES })}</p>
        </div>
      </main>
    );
  }
  return <JobView data={data as Extract<Loaded, { refused: null }>} />;
}

function JobView({ data }: { data: Extract<Loaded, { refused: null }> }) {
  const t = useT();
  const locale = useLocale();
  const job = data.job;
  const actionData = useActionData<ActionError>();
  const navigation = useNavigation();
  const { token } = useParams();
  const busy = navigation.state !== "idle";
  const address = [job.province, job.city, job.address_text].filter(Boolean).join("، ");
  const product = [job.category_fa, job.brand_fa, job.model_name].filter(Boolean).join(" — ");
  const error = (intent: JobAction) =>
    actionData?.intent === intent ? (
      <p className="notice error" role="alert">
        {t(actionData.error)}
      </p>
    ) : null;
  const has = (a: JobAction) => data.actions.includes(a);
  return (
    <main className="job-page" id="main">
      <div className="job-box">
        <h1>
          {t("job.title")} {formatDigits(job.number, locale)}
        </h1>
        <p data-testid="job-status">
          <StatusBadge status={job.status} />
        </p>
        {data.done ? (
          <p className="notice ok" role="status" data-testid="job-done">
            {t(`job.done.${data.done}`)}
          </p>
        ) : null}
        {actionData && actionData.intent === null ? (
          <p className="notice error" role="alert">
            {t(actionData.error)}
          </p>
        ) : null}
        <dl className="job-facts">
          <dt>{t("job.product")}</dt>
          <dd>{product || t("common.none")}</dd>
          {job.serial_number ? (
            <>
              <dt>{t("job.serial")}</dt>
              <dd className="ltr">{job.serial_number}</dd>
            </>
          ) : null}
          <dt>{t("job.warranty")}</dt>
          <dd>{t(`warranty.${job.warranty_status}`)}</dd>
          <dt>{t("job.problem")}</dt>
          <dd>{job.problem_description || t("common.none")}</dd>
          <dt>{t("job.visit")}</dt>
          <dd>{job.visit_from ? `${formatDateTime(job.visit_from, locale)} – ${formatDateTime(job.visit_to, locale)}` : t("common.none")}</dd>
          <dt>{t("job.customer")}</dt>
          <dd>{job.customer_name}</dd>
          <dt>{t("job.address")}</dt>
          <dd>{address || t("common.none")}</dd>
        </dl>
        <div className="job-links">
          <a className="button big" href={`tel:${job.customer_mobile}`} data-testid="job-call">
            {t("job.call")} <span className="ltr">{formatDigits(formatIranMobile(job.customer_mobile), locale)}</span>
          </a>
          <a className="button big secondary" href={navigationUrl(job)} target="_blank" rel="noreferrer noopener" data-testid="job-navigate">
            {t("job.navigate")}
          </a>
          {job.lat !== null && job.lng !== null ? (
            <a className="button big secondary" href={`geo:${job.lat},${job.lng}`}>
              {t("job.navigateApp")}
            </a>
          ) : null}
        </div>

        <h2>{t("job.actions")}</h2>
        {data.actions.length === 0 ? <p className="muted">{t("job.noActions")}</p> : null}
        {has("on_the_way") ? (
          <Form method="post" replace>
            {error("on_the_way")}
            <button type="submit" name="intent" value="on_the_way" className="big" disabled={busy}>
              {t("job.action.on_the_way")}
            </button>
          </Form>
        ) : null}
        {has("arrived") ? (
          <Form method="post" replace>
            {error("arrived")}
            <button type="submit" name="intent" value="arrived" className="big" disabled={busy}>
              {t("job.action.arrived")}
            </button>
          </Form>
        ) : null}
        {has("done") ? (
          <Form method="post" replace className="job-form" data-testid="job-done-form" encType="multipart/form-data">
            <h3>{t("job.action.done")}</h3>
            {error("done")}
            <CompletionFields warranty={job.warranty_status} values={actionData?.intent === "done" ? actionData.values : undefined} />
            <button type="submit" name="intent" value="done" className="big" disabled={busy}>
              {t("job.form.submitDone")}
            </button>
          </Form>
        ) : null}
        {has("needs_parts") ? (
          <details className="job-more" open={actionData?.intent === "needs_parts"}>
            <summary>{t("job.action.needs_parts")}</summary>
            <Form method="post" replace className="job-form">
              {error("needs_parts")}
              <label className="field">
                <span>{t("job.form.expectedDate")}</span>
                <input name="expectedDate" required placeholder={t("job.form.dateHint")} defaultValue={actionData?.values.expectedDate ?? ""} />
              </label>
              {data.catalogue.length > 0 ? <PartLinesFields parts={data.catalogue} values={actionData?.intent === "needs_parts" ? actionData.values : undefined} /> : null}
              <label className="field">
                <span>{t("job.form.partNote")}</span>
                <input name="partNote" maxLength={200} defaultValue={actionData?.values.partNote ?? ""} />
              </label>
              <button type="submit" name="intent" value="needs_parts" className="big secondary" disabled={busy}>
                {t("job.form.submitParts")}
              </button>
            </Form>
          </details>
        ) : null}
        {has("cannot_repair") ? (
          <details className="job-more" open={actionData?.intent === "cannot_repair"}>
            <summary>{t("job.action.cannot_repair")}</summary>
            <Form method="post" replace className="job-form">
              {error("cannot_repair")}
              <label className="field">
                <span>{t("job.form.reason")}</span>
                <textarea name="reason" rows={2} required maxLength={500} defaultValue={actionData?.values.reason ?? ""} />
              </label>
              <button type="submit" name="intent" value="cannot_repair" className="big danger" disabled={busy}>
                {t("job.form.submitCannot")}
              </button>
            </Form>
          </details>
        ) : null}

        {data.partRequests.length > 0 ? (
          <section data-testid="job-parts">
            <h2>{t("parts.job.title")}</h2>
            {job.status === "on_hold" && job.hold_reason === "waiting_for_parts" ? (
              <p className="notice" role="status" data-testid="job-waiting-parts">
                {t("parts.job.waiting", { date: formatDay(job.hold_expected_date, locale) })}
              </p>
            ) : null}
            <PartRequestList requests={data.partRequests} />
          </section>
        ) : null}
        {data.presses.length > 0 ? (
          <>
            <h2>{t("job.presses")}</h2>
            <ol className="job-presses" data-testid="job-presses">
              {data.presses.map((p) => (
                <li key={p.id} data-action={p.action}>
                  {JOB_ACTIONS.includes(p.action as JobAction) ? t(`job.pressed.${p.action as JobAction}`) : p.action}{" "}
                  <span className="muted">{formatDateTime(p.at, locale)}</span>
                </li>
              ))}
            </ol>
          </>
        ) : null}
        {data.photos.length > 0 ? (
          <>
            <h2>{t("job.photosSent")}</h2>
            <PhotoThumbnails urls={data.photos.map((p) => `/j/${encodeURIComponent(token ?? "")}/photos/${p.id}`)} />
          </>
        ) : null}
        <p className="muted">{t("job.help", { agency: job.agency_name })}</p>
      </div>
    </main>
  );
}
