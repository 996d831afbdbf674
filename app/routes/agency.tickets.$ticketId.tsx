import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CompletionFields } from "~/components/JobCompletion";
import { TicketDetailPage } from "~/components/TicketDetail";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { jobReports, parts as partsRepo, tickets } from "~/lib/db.server";
import { PartLinesFields, PartRequestList, formatDay, type PartRequestRow } from "~/components/PartRequests";
import { parseRequestForm, parseStepForm, partErrorKey } from "~/lib/parts.server";
import { formatDateTime } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";
import { photoStoreOf, readCompletionForm } from "~/lib/photos.server";
import { parseAssignForm, parseCompletionForm } from "~/lib/job-forms.server";
import {
  AssignmentError,
  assignTechnician,
  completeJob,
  IllegalTransitionError,
  JobReportInputError,
  NoFeeRateError,
  NotYourJobError,
  IllegalPartStepError,
  PartRequestError,
  publicLinks,
  requestPartsByAgency,
  stepPartRequest,
  surveyConfigOf,
  TicketNotFoundError,
} from "~/lib/services.server";
import { loadTicketDetail } from "~/lib/ticket-page.server";

/*
 * The agency's job page: the ticket (scopeFor limits every read to the user's own agency: another
 * agency's ticket is a 404), and for the agency's users the job's own forms — the technician and visit
 * window while the job is accepted or scheduled (services/assignments.ts: the technician's SMS with the
 * job link, the customer's SMS), and the completion report while the work is under way
 * (services/job-completion.ts), with its optional photos (a multipart form: ~/lib/photos.server.ts; a photo
 * refused for its type, size or count gives the form back with everything typed).
 */

const ASSIGNABLE = ["assigned", "scheduled"];
const COMPLETABLE = ["scheduled", "in_progress", "on_hold"];
/** issue 15 §4: the job may ask for parts while worked on, or add to what it already waits for */
const PART_REQUESTABLE = ["scheduled", "in_progress"];
const INTENTS = ["assign", "complete", "parts", "fill"] as const;
type Intent = (typeof INTENTS)[number];
const TicketId = z.coerce.number().int().positive().max(2 ** 53);

export async function loader(args: LoaderFunctionArgs) {
  const page = await loadTicketDetail(args, "agency_portal:use");
  const user = await requirePermission(args.request, args.context, "agency_portal:use");
  const scope = scopeFor(user);
  const agencyId = scope.kind === "agency" ? scope.agencyId : null;
  const status = page.ticket.status;
  const canAssign = agencyId !== null && ASSIGNABLE.includes(status);
  const [technicians, visit, modelId, partRequests] = await Promise.all([
    canAssign && agencyId !== null ? jobReports.activeTechnicians(args.context.db, agencyId) : Promise.resolve([]),
    jobReports.currentVisit(args.context.db, scope, page.ticket.id),
    partsRepo.ticketModelId(args.context.db, page.ticket.id),
    // with the defective part's way back (issue 15 §4)
    partsRepo.ticketPartRequests(args.context.db, scope, page.ticket.id),
  ]);
  const hold = await partsRepo.holdOf(args.context.db, scope, page.ticket.id);
  const waitingForParts = status === "on_hold" && hold?.hold_reason === "waiting_for_parts";
  const canRequestParts = agencyId !== null && modelId !== null && (PART_REQUESTABLE.includes(status) || waitingForParts);
  const [catalogue, stock] = await Promise.all([
    canRequestParts && modelId !== null ? partsRepo.activePartsOfModel(args.context.db, modelId) : Promise.resolve([]),
    agencyId !== null ? partsRepo.agencyStock(args.context.db, agencyId, partRequests.filter((r) => r.status === "requested").map((r) => r.part_id)) : Promise.resolve(new Map<number, number>()),
  ]);
  const jobDone = readSearchParams(args.request).job;
  return {
    ...page,
    job: {
      canAssign,
      canComplete: agencyId !== null && COMPLETABLE.includes(status),
      technicians,
      visit,
      done: INTENTS.find((d) => d === jobDone) ?? null,
    },
    parts: {
      canRequest: canRequestParts,
      catalogue,
      requests: partRequests.map((r) => ({ ...r, in_stock: stock.get(r.part_id) ?? 0 })),
      waitingUntil: waitingForParts ? (hold?.hold_expected_date ?? null) : null,
    },
  };
}

interface JobActionError {
  intent: Intent | null;
  error: MessageKey;
  values: Record<string, string>;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const id = TicketId.safeParse(params.ticketId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  // another agency's ticket (or none) is a 404 before any field is read
  if (!(await tickets.getTicket(context.db, scope, id.data))) throw new Response("Not found", { status: 404 });
  const { fields: form, files, problem } = await readCompletionForm(request);
  const intent = INTENTS.find((i) => i === form.intent) ?? null;
  const refuse = (status: number, error: MessageKey) => Response.json({ intent, error, values: form } satisfies JobActionError, { status });
  if (!intent) return refuse(400, "job.error.invalid");
  if (problem) return refuse(problem === "formTooLarge" ? 413 : 400, `job.error.${problem}`);
  const actor = { kind: "agency" as const, userId: user.id, ip: context.clientIp };
  const links = publicLinks(context.env);
  try {
    if (intent === "parts") {
      const parsed = parseRequestForm(form);
      if (!parsed.ok) return refuse(400, parsed.error);
      await requestPartsByAgency(context.db, actor, { ticketId: id.data, agencyId: scope.agencyId, ...parsed.value });
    } else if (intent === "fill") {
      const parsed = parseStepForm({ ...form, step: "fill_from_stock" });
      if (!parsed.ok) return refuse(400, parsed.error);
      // the request must be this job's: another job's id is refused like an unknown one
      const own = await partsRepo.requestsOfTicket(context.db, scope, id.data);
      if (!own.some((r) => r.id === parsed.value.requestId)) return refuse(404, "parts.error.notFound");
      await stepPartRequest(context.db, actor, { ...parsed.value, agencyId: scope.agencyId }, { links });
    } else if (intent === "assign") {
      const parsed = parseAssignForm(form);
      if (!parsed.ok) return refuse(400, parsed.error);
      await assignTechnician(context.db, actor, { ticketId: id.data, agencyId: scope.agencyId, ...parsed.value }, { links });
    } else {
      // the invoice's requirement (out of warranty) is checked by the service, which knows the job
      const parsed = parseCompletionForm(form, "unknown");
      if (!parsed.ok) return refuse(400, parsed.error);
      await completeJob(
        context.db,
        actor,
        { ticketId: id.data, agencyId: scope.agencyId, ...parsed.value, photos: files.map((f) => ({ bytes: f.bytes })) },
        { links, followUp: surveyConfigOf(context.env), photoStore: photoStoreOf(context) },
      );
    }
  } catch (error) {
    if (error instanceof TicketNotFoundError || error instanceof NotYourJobError) throw new Response("Not found", { status: 404 });
    if (error instanceof AssignmentError) {
      if (error.problem === "notYourJob") throw new Response("Not found", { status: 404 });
      return refuse(400, `job.error.assign.${error.problem}`);
    }
    if (error instanceof JobReportInputError) return refuse(400, `job.error.${error.problem}`);
    if (error instanceof NoFeeRateError) return refuse(409, "ledger.error.noRate");
    if (error instanceof IllegalTransitionError) return refuse(409, "job.error.notAllowed");
    if (error instanceof PartRequestError || error instanceof IllegalPartStepError) return refuse(error instanceof PartRequestError && error.problem !== "notAllowed" ? 400 : 409, partErrorKey(error));
    throw error;
  }
  return redirect(`${new URL(request.url).pathname}?job=${intent}`);
}

type Data = Awaited<ReturnType<typeof loader>>;

export default function AgencyTicket() {
  return (
    <>
      <TicketDetailPage backTo="/agency/tickets" />
      <AgencyJobForms />
      <AgencyParts />
    </>
  );
}

function AgencyJobForms() {
  const data = useLoaderData() as unknown as { job: Data["job"]; ticket: { warranty_status: string } };
  const t = useT();
  const locale = useLocale();
  const actionData = useActionData<JobActionError>();
  const busy = useNavigation().state !== "idle";
  const { job } = data;
  const values = (intent: Intent) => (actionData?.intent === intent ? actionData.values : {});
  const errorOf = (intent: Intent) =>
    actionData?.intent === intent || (intent === "assign" && actionData?.intent === null) ? (
      <p className="notice error" role="alert">
        {t(actionData.error)}
      </p>
    ) : null;
  return (
    <>
      {job.done ? (
        <p className="notice ok" role="status" data-testid="job-flash">
          {t(`job.done.portal.${job.done}`)}
        </p>
      ) : null}
      {job.canAssign ? (
        <section className="panel job-assign" data-testid="assign-form">
          <h2>{t("job.assign.title")}</h2>
          {job.visit?.visit_from ? (
            <p className="muted">
              {t("job.assign.current", { from: formatDateTime(job.visit.visit_from, locale), to: formatDateTime(job.visit.visit_to, locale) })}
            </p>
          ) : null}
          {errorOf("assign")}
          {job.technicians.length === 0 ? (
            <p className="muted">{t("job.assign.noTechnicians")}</p>
          ) : (
            <Form method="post" className="job-form">
              <input type="hidden" name="intent" value="assign" />
              <label className="field">
                <span>{t("job.assign.technician")}</span>
                <select name="technicianId" required defaultValue={values("assign").technicianId ?? String(job.visit?.technician_id ?? "")}>
                  <option value="">{t("job.assign.choose")}</option>
                  {job.technicians.map((tech) => (
                    <option key={tech.id} value={tech.id}>
                      {tech.full_name}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>{t("job.assign.day")}</span>
                <input name="visitDay" required placeholder={t("job.form.dateHint")} defaultValue={values("assign").visitDay ?? ""} />
              </label>
              <div className="job-part-row">
                <label className="field">
                  <span>{t("job.assign.from")}</span>
                  <input name="visitFrom" type="time" required dir="ltr" defaultValue={values("assign").visitFrom ?? "10:00"} />
                </label>
                <label className="field">
                  <span>{t("job.assign.to")}</span>
                  <input name="visitTo" type="time" required dir="ltr" defaultValue={values("assign").visitTo ?? "12:00"} />
                </label>
              </div>
              <button type="submit" className="big" disabled={busy}>
                {t("job.assign.submit")}
              </button>
            </Form>
          )}
        </section>
      ) : null}
      {job.canComplete ? (
        <section className="panel" data-testid="complete-form">
          <h2>{t("job.complete.title")}</h2>
          {errorOf("complete")}
          <Form method="post" className="job-form" encType="multipart/form-data">
            <input type="hidden" name="intent" value="complete" />
            <CompletionFields warranty={data.ticket.warranty_status} values={values("complete")} />
            <button type="submit" className="big" disabled={busy}>
              {t("job.form.submitDone")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

/** Issue 15 §4: the job's parts — ask for catalogue parts of its model (the job goes on hold waiting for them), fill a request from the agency's own stock. */
function AgencyParts() {
  const data = useLoaderData() as unknown as { parts: Data["parts"] };
  const t = useT();
  const locale = useLocale();
  const actionData = useActionData<JobActionError>();
  const busy = useNavigation().state !== "idle";
  const { parts } = data;
  if (!parts.canRequest && parts.requests.length === 0) return null;
  const requests = parts.requests as unknown as (PartRequestRow & { in_stock: number })[];
  return (
    <section className="panel" data-testid="agency-parts">
      <h2>{t("parts.job.title")}</h2>
      {parts.waitingUntil ? (
        <p className="notice" role="status" data-testid="job-waiting-parts">
          {t("parts.job.waiting", { date: formatDay(parts.waitingUntil, locale) })}
        </p>
      ) : null}
      {actionData?.intent === "fill" ? (
        <p className="notice error" role="alert">
          {t(actionData.error)}
        </p>
      ) : null}
      <PartRequestList
        requests={requests}
        actions={(r) =>
          r.status === "requested" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="fill" />
              <input type="hidden" name="requestId" value={r.id} />
              <button type="submit" className="secondary" disabled={busy || (r as PartRequestRow & { in_stock: number }).in_stock < r.quantity}>
                {t("parts.fill.submit", { n: (r as PartRequestRow & { in_stock: number }).in_stock })}
              </button>
            </Form>
          ) : null
        }
      />
      {parts.canRequest ? (
        <Form method="post" className="job-form" data-testid="agency-parts-form">
          <h3>{t("parts.request.title")}</h3>
          {actionData?.intent === "parts" ? (
            <p className="notice error" role="alert">
              {t(actionData.error)}
            </p>
          ) : null}
          <input type="hidden" name="intent" value="parts" />
          {parts.catalogue.length === 0 ? <p className="muted">{t("parts.request.noCatalogue")}</p> : <PartLinesFields parts={parts.catalogue} values={actionData?.intent === "parts" ? actionData.values : undefined} />}
          <label className="field">
            <span>{t("job.form.expectedDate")}</span>
            <input name="expectedDate" required placeholder={t("job.form.dateHint")} defaultValue={actionData?.intent === "parts" ? (actionData.values.expectedDate ?? "") : ""} />
          </label>
          <label className="field">
            <span>{t("job.form.partNote")}</span>
            <input name="partNote" maxLength={200} defaultValue={actionData?.intent === "parts" ? (actionData.values.partNote ?? "") : ""} />
          </label>
          <button type="submit" className="big secondary" disabled={busy || parts.catalogue.length === 0}>
            {t("parts.request.submit")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
