import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { can, type Permission } from "../../core/roles";
import { MAX_SEARCH_LENGTH } from "../../core/text";
import { parseDayInput, tehranDayStart } from "../../core/jalali";
import { allowedTransitions, PRIORITIES, TICKET_STATUSES, TICKET_TYPES, WARRANTY_STATUSES } from "../../core/ticket";
import {
  DEFAULT_SORT_DIRECTION,
  DEFAULT_TICKET_PAGE_SIZE,
  DEFAULT_TICKET_SORT,
  MAX_TICKET_PAGE,
  SORT_DIRECTIONS,
  TICKET_PAGE_SIZES,
  TICKET_SORTS,
} from "../../core/ticket-list";
import { requirePermission, scopeFor, type AuthUser, staffActor } from "~/lib/auth.server";
import { dialFromDesk } from "~/lib/dial.server";
import { dispatchPanelData } from "~/lib/dispatch.server";
import { readForm, readSearchParams } from "~/lib/input.server";
import { jobReports, satisfaction, tickets, type DataScope, type DB } from "~/lib/db.server";
import {
  addTicketNote,
  cancelTicket,
  changeTicketStatus,
  publicLinks,
  IllegalTransitionError,
  MAX_NOTE_LENGTH,
  MAX_REASON_LENGTH,
  surveyConfigOf,
  TicketInputError,
  TicketNotFoundError,
} from "~/lib/services.server";
import type { MessageKey } from "~/i18n";

const TicketId = z.coerce.number().int().positive().max(2 ** 53);

/** Everything a ticket page shows, read within the caller's scope; 404 when out of scope. */
export async function loadTicketPage(db: DB, scope: DataScope, rawId: string | undefined) {
  const id = TicketId.safeParse(rawId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const ticket = await tickets.getTicket(db, scope, id.data);
  if (!ticket) throw new Response("Not found", { status: 404 });
  const [history, offers, calls, sms, followUp, complaintOf, report] = await Promise.all([
    tickets.ticketHistory(db, scope, ticket.id),
    tickets.ticketOffers(db, scope, ticket.id),
    tickets.ticketCalls(db, scope, ticket.id),
    tickets.ticketSms(db, scope, ticket.id),
    satisfaction.ticketFollowUp(db, scope, ticket.id),
    ticket.type === "complaint" ? satisfaction.complaintSource(db, scope, ticket.id) : Promise.resolve(null),
    jobReports.completionReport(db, scope, ticket.id),
  ]);
  return { ticket, history, offers, calls, sms, smsAdvice: scope.kind === "all", followUp, complaintOf, report };
}

// ---------------------------------------------------------------------------------------------
// The list's query string
// ---------------------------------------------------------------------------------------------

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v));

/** One schema per parameter, so a bad value falls back to its default alone and is named in a message. */
const LIST_PARAMS = {
  status: optionalText.pipe(z.enum(TICKET_STATUSES).optional()),
  type: optionalText.pipe(z.enum(TICKET_TYPES).optional()),
  priority: optionalText.pipe(z.enum(PRIORITIES).optional()),
  warranty: optionalText.pipe(z.enum(WARRANTY_STATUSES).optional()),
  from: optionalText.pipe(z.string().max(20).optional()).refine((v) => v === undefined || parseDayInput(v) !== null),
  to: optionalText.pipe(z.string().max(20).optional()).refine((v) => v === undefined || parseDayInput(v) !== null),
  q: z.string().trim().optional(),
  sort: optionalText.pipe(z.enum(TICKET_SORTS).optional()),
  dir: optionalText.pipe(z.enum(SORT_DIRECTIONS).optional()),
  page: optionalText.pipe(z.coerce.number().int().min(1).max(MAX_TICKET_PAGE).optional()),
  size: optionalText.pipe(
    z.coerce
      .number()
      .int()
      .refine((n) => (TICKET_PAGE_SIZES as readonly number[]).includes(n))
      .optional(),
  ),
} as const;

type ListParam = keyof typeof LIST_PARAMS;
type ListParams = { [K in ListParam]?: NonNullable<z.output<(typeof LIST_PARAMS)[K]>> };

/**
 * The list's filters, sort and page from the URL, validated once here. A value that is not one of the
 * allowed ones (an unknown status or sort column, page "abc", a day that does not exist) is dropped for its
 * default and named in `invalid`, so the page says what it ignored: never a 500, never an unfiltered surprise.
 */
export function parseListQuery(request: Request) {
  const raw = readSearchParams(request);
  const query: ListParams = {};
  const invalid: ListParam[] = [];
  for (const name of Object.keys(LIST_PARAMS) as ListParam[]) {
    if (raw[name] === undefined) continue;
    const parsed = LIST_PARAMS[name].safeParse(raw[name]);
    if (!parsed.success) invalid.push(name);
    else if (parsed.data !== undefined) (query as Record<string, unknown>)[name] = parsed.data;
  }
  const fromDay = query.from ? parseDayInput(query.from) : null;
  const toDay = query.to ? parseDayInput(query.to) : null;
  if (fromDay && toDay && toDay < fromDay) {
    invalid.push("to");
    delete query.to;
  }
  return {
    query,
    invalid,
    sort: query.sort ?? DEFAULT_TICKET_SORT,
    dir: query.dir ?? DEFAULT_SORT_DIRECTION,
    page: query.page ?? 1,
    pageSize: query.size ?? DEFAULT_TICKET_PAGE_SIZE,
    createdFrom: fromDay ? tehranDayStart(fromDay) : undefined,
    // the whole of the last day: before the next day's start in Tehran
    createdBefore: toDay && query.to ? new Date(tehranDayStart(toDay).getTime() + 24 * 3600_000) : undefined,
  };
}

/*
 * Called from inside each route's `export async function loader`, never as `export const loader =
 * factory(…)`: a call at module level keeps this .server import in the browser bundle, where it is
 * undefined, and hydration dies.
 */

/** A ticket list page for users holding `permission`, filtered by their data scope. */
export async function loadTicketList({ request, context }: LoaderFunctionArgs, permission: Permission) {
  const user = await requirePermission(request, context, permission);
  const parsed = parseListQuery(request);
  const { query, invalid, sort, dir, page, pageSize } = parsed;
  const base = { query, invalid, sort, dir, pageSize, now: Date.now() };
  // refused with a message, never silently dropped (which would list every ticket)
  if (query.q && query.q.length > MAX_SEARCH_LENGTH) {
    return { ...base, rows: [], page: 1, hasMore: false, searchError: "ticket.searchTooLong" as const };
  }
  const list = await tickets.listTickets(context.db, scopeFor(user), {
    status: query.status,
    type: query.type,
    priority: query.priority,
    warranty: query.warranty,
    createdFrom: parsed.createdFrom,
    createdBefore: parsed.createdBefore,
    q: query.q,
    sort,
    dir,
    page,
    pageSize,
  });
  return { ...base, ...list, searchError: null };
}

// ---------------------------------------------------------------------------------------------
// The ticket page
// ---------------------------------------------------------------------------------------------

/**
 * A ticket page; a ticket outside the user's scope (another agency's) is a 404. `withActions`: the route
 * also exports `ticketAction` (the desk), so users holding tickets:update get its forms.
 */
export async function loadTicketDetail(
  { request, context, params }: LoaderFunctionArgs,
  permission: Permission,
  { withActions = false }: { withActions?: boolean } = {},
) {
  const user = await requirePermission(request, context, permission);
  const page = await loadTicketPage(context.db, scopeFor(user), params.ticketId);
  const canUpdate = withActions && can(user.role, "tickets:update");
  const canDial = withActions && can(user.role, "calls:take");
  const next = canUpdate ? allowedTransitions(page.ticket.status, page.ticket.type) : [];
  const done = readSearchParams(request).done;
  return {
    ...page,
    actions: {
      canUpdate,
      // cancelling has its own form, with a required reason
      transitions: next.filter((s) => s !== "cancelled"),
      canCancel: next.includes("cancelled"),
      // click-to-dial the ticket's customer (calls:take)
      canDial,
    },
    // "why this agency", the offers, manual reassignment: the call centre's only, null for agencies
    dispatch: await dispatchPanelData(context.db, context.env, user, page.ticket),
    // the action just done (after its redirect), for a short confirmation
    done: (["note", "status", "cancel", "dial"] as const).find((d) => d === done) ?? null,
  };
}

const ACTION_FORMS = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("status"),
    to: z.enum(TICKET_STATUSES, { errorMap: () => ({ message: "tickets.action.chooseStatus" }) }),
    reason: z.string().trim().max(MAX_REASON_LENGTH, "tickets.action.reasonTooLong").optional(),
  }),
  z.object({
    intent: z.literal("note"),
    text: z.string().trim().min(1, "tickets.action.noteRequired").max(MAX_NOTE_LENGTH, "tickets.action.noteTooLong"),
  }),
  z.object({
    intent: z.literal("cancel"),
    reason: z.string().trim().min(1, "tickets.action.reasonRequired").max(MAX_REASON_LENGTH, "tickets.action.reasonTooLong"),
  }),
]);

export type TicketActionIntent = "status" | "note" | "cancel" | "dial";

/** What a refused action sends back: the message, and every field as typed so nothing is lost. */
export interface TicketActionError {
  intent: TicketActionIntent | null;
  error: MessageKey;
  params?: Record<string, string | number>;
  values: Record<string, string>;
}

const LIMITS = { max: MAX_NOTE_LENGTH, maxReason: MAX_REASON_LENGTH };

function refused(status: number, body: TicketActionError) {
  return Response.json(body, { status });
}

/**
 * The call centre's actions on a ticket (tickets:update): change its status along the life cycle, add a note,
 * cancel with a reason; and (calls:take) call the ticket's customer. Guard → parse → one service call → back
 * to the page (PRG), or the page again with the message and what was typed.
 */
export async function ticketAction({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "desk:use");
  const id = TicketId.safeParse(params.ticketId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const form = await readForm(request);
  if (form.intent === "dial") return dialTicketCustomer({ request, context }, user, id.data);
  if (!can(user.role, "tickets:update")) throw new Response("Forbidden", { status: 403 });
  const values = { to: form.to ?? "", text: form.text ?? "", reason: form.reason ?? "" };
  const intent = (["status", "note", "cancel"] as const).find((i) => i === form.intent) ?? null;
  const parsed = ACTION_FORMS.safeParse(form);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message;
    const error = (message?.startsWith("tickets.action.") ? message : "error.badRequest") as MessageKey;
    return refused(400, { intent, error, params: LIMITS, values });
  }
  const input = parsed.data;
  const actor = staffActor(user, context);
  try {
    if (input.intent === "note") await addTicketNote(context.db, actor, { ticketId: id.data, text: input.text });
    else if (input.intent === "cancel") await cancelTicket(context.db, actor, { ticketId: id.data, reason: input.reason });
    else {
      // a completed job gets its satisfaction follow-up, by the configured rules, and the customer's SMS
      const followUp = surveyConfigOf(context.env);
      await changeTicketStatus(
        context.db,
        actor,
        { ticketId: id.data, to: input.to, reason: input.reason || undefined, followUp },
        { links: publicLinks(context.env) },
      );
    }
  } catch (error) {
    if (error instanceof TicketNotFoundError) throw new Response("Not found", { status: 404 });
    if (error instanceof IllegalTransitionError) {
      return refused(409, {
        intent: input.intent,
        error: "tickets.action.illegalTransition",
        params: { from: error.from, to: error.to },
        values,
      });
    }
    if (error instanceof TicketInputError) {
      const key = error.field === "text" ? "tickets.action.noteRequired" : "tickets.action.reasonRequired";
      return refused(400, { intent: input.intent, error: key, params: LIMITS, values });
    }
    throw error;
  }
  const url = new URL(request.url);
  return redirect(`${url.pathname}?done=${input.intent}`);
}

/**
 * Click-to-dial from the ticket page: the ticket's customer, on their mobile, the call linked to the ticket.
 * The number is the one on file (read within the operator's scope), never one sent by the browser.
 */
async function dialTicketCustomer({ request, context }: Pick<ActionFunctionArgs, "request" | "context">, user: AuthUser, ticketId: number) {
  if (!can(user.role, "calls:take")) throw new Response("Forbidden", { status: 403 });
  const ticket = await tickets.getTicket(context.db, scopeFor(user), ticketId);
  if (!ticket) throw new Response("Not found", { status: 404 });
  const result = await dialFromDesk(context, user, { number: ticket.customer_mobile, ticketId: ticket.id, customerId: ticket.customer_id });
  if (!result.ok) return refused(result.status, { intent: "dial", error: result.error, values: {} });
  const url = new URL(request.url);
  return redirect(`${url.pathname}?done=dial`);
}
