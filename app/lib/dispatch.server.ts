import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { AGENCY_STATUSES, isDispatchedType, type TicketType } from "../../core/ticket";
import { can } from "../../core/roles";
import type { ExclusionReason } from "../../core/dispatch";
import { requirePermission, scopeFor, type AuthUser, staffActor } from "~/lib/auth.server";
import { readForm } from "~/lib/input.server";
import { agencies, dispatchRepo, supervision, tickets, type DataScope, type DB } from "~/lib/db.server";
import {
  AgencyNotFoundError,
  publicLinks,
  MAX_REASON_LENGTH,
  REASSIGNABLE_STATUSES,
  ReassignRefusedError,
  reassignmentChoices,
  reassignTicket,
  setAgencyStatus,
  SupervisionInputError,
} from "~/lib/services.server";
import type { MessageKey } from "~/i18n";
import type { Env } from "../../platform/env";

/*
 * Dispatch, the supervisor's side, in the web shell: the "why this agency" panel's data on the call
 * centre's ticket pages, the supervisor queue, the manual reassignment and the agency status form.
 * Never for agencies: the panel's data is read for scope 'all' only, every route here asks for a
 * permission no agency role holds.
 */

/**
 * The supervisor's actions' configuration, from this server's validated environment: the links written into
 * the agency's SMS, an offer's deadline (DISPATCH_OFFER_DEADLINE_MINUTES) and the weights of a re-dispatch
 * (DISPATCH_WEIGHTS).
 */
function dispatchOptionsOf(env: Env) {
  return { links: publicLinks(env), offerMinutes: env.DISPATCH_OFFER_DEADLINE_MINUTES, weights: env.DISPATCH_WEIGHTS };
}

const Id = z.coerce.number().int().positive().max(2 ** 53);

/**
 * The panel's data (scope 'all' only; null for an agency): the latest stored decision with agency names,
 * the ticket's offers in full, whether it is held for a supervisor and, for a user holding dispatch:manage,
 * the agencies it may be reassigned to now (hard constraints marked as such, never choosable).
 */
export async function dispatchPanelData(db: DB, env: Env, user: AuthUser, ticket: { id: number; status: string; type: string }) {
  const scope: DataScope = scopeFor(user);
  if (scope.kind !== "all") return null;
  const [decision, offers, held] = await Promise.all([
    dispatchRepo.latestDecision(db, ticket.id),
    supervision.ticketOffersInFull(db, scope, ticket.id),
    supervision.ticketHold(db, scope, ticket.id),
  ]);
  const canReassign =
    can(user.role, "dispatch:manage") && isDispatchedType(ticket.type as TicketType) && (REASSIGNABLE_STATUSES as readonly string[]).includes(ticket.status);
  const choices = canReassign ? await reassignmentChoices(db, scope, ticket.id, dispatchOptionsOf(env)) : [];
  const agencies = decision ? Object.entries(decision.agencies).map(([id, a]) => ({ id: Number(id), code: a.code, name: a.name })) : [];
  return { decision: decision ?? null, agencies, offers, held, canReassign, choices, maxReason: MAX_REASON_LENGTH };
}

// ---------------------------------------------------------------------------------------------
// The supervisor queue
// ---------------------------------------------------------------------------------------------

export async function loadDispatchQueue({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "dispatch:manage");
  const scope = scopeFor(user);
  // dispatch:manage is a call-centre permission: the scope is 'all' (an agency's would read nothing)
  const rows = scope.kind === "all" ? await dispatchRepo.heldTickets(context.db, 200) : [];
  return { rows, now: Date.now() };
}

// ---------------------------------------------------------------------------------------------
// Manual reassignment (dispatch:manage)
// ---------------------------------------------------------------------------------------------

const REASSIGN_FORM = z.object({
  agencyId: z.coerce.number({ invalid_type_error: "dispatch.reassign.error.chooseAgency" }).int().positive("dispatch.reassign.error.chooseAgency").max(2 ** 53),
  reason: z.string().trim().min(1, "dispatch.reassign.error.reasonRequired").max(MAX_REASON_LENGTH, "dispatch.reassign.error.reasonTooLong"),
  override: z.literal("on").optional(),
});

export interface ReassignActionError {
  intent: "reassign";
  error: MessageKey;
  params?: Record<string, string | number>;
  /** exclusion reasons to name in the message (translated in the page) */
  reasons?: ExclusionReason[];
  values: { agencyId: string; reason: string; override: boolean };
}

/**
 * POST from the ticket page's dispatch panel: guard → parse → reassignTicket → back to the ticket page, or
 * the ticket page's URL again with the message and what was typed.
 */
export async function reassignAction({ request, context, params }: ActionFunctionArgs, ticketPage: (id: number) => string) {
  const user = await requirePermission(request, context, "dispatch:manage");
  const id = Id.safeParse(params.ticketId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const form = await readForm(request);
  const values = { agencyId: form.agencyId ?? "", reason: form.reason ?? "", override: form.override === "on" };
  const refuse = (status: number, error: MessageKey, extra: Partial<ReassignActionError> = {}) =>
    Response.json({ intent: "reassign", error, values, params: { max: MAX_REASON_LENGTH }, ...extra } satisfies ReassignActionError, { status });
  const parsed = REASSIGN_FORM.safeParse(form);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "";
    return refuse(400, (message.startsWith("dispatch.reassign.error.") ? message : "dispatch.reassign.error.chooseAgency") as MessageKey);
  }
  const actor = staffActor(user, context);
  try {
    await reassignTicket(
      context.db,
      actor,
      { ticketId: id.data, agencyId: parsed.data.agencyId, reason: parsed.data.reason, override: parsed.data.override === "on" },
      dispatchOptionsOf(context.env),
    );
  } catch (error) {
    if (error instanceof SupervisionInputError) return refuse(400, "dispatch.reassign.error.reasonRequired");
    if (error instanceof ReassignRefusedError) {
      const r = error.refusal;
      switch (r.code) {
        case "ticket_not_found":
          throw new Response("Not found", { status: 404 });
        case "agency_not_found":
          return refuse(400, "dispatch.reassign.error.unknownAgency");
        case "same_agency":
          return refuse(409, "dispatch.reassign.error.sameAgency");
        case "not_reassignable":
          return refuse(409, "dispatch.reassign.error.notReassignable", { params: { status: r.status } });
        case "hard_constraint":
          return refuse(409, "dispatch.reassign.error.hardConstraint", { reasons: r.reasons });
        case "needs_override":
          return refuse(409, "dispatch.reassign.error.needsOverride", { reasons: r.reasons });
      }
    }
    throw error;
  }
  return redirect(`${ticketPage(id.data)}?reassigned=1#dispatch`);
}

// ---------------------------------------------------------------------------------------------
// Agency status (agencies:manage)
// ---------------------------------------------------------------------------------------------

const STATUS_FORM = z.object({
  agencyId: Id,
  status: z.enum(AGENCY_STATUSES),
  reason: z.string().trim().max(MAX_REASON_LENGTH, "agencies.manage.error.reasonTooLong"),
  confirm: z.literal("on").optional(),
});

export interface AgencyStatusActionError {
  agencyId: number | null;
  error: MessageKey;
  params?: Record<string, string | number>;
  values: { status: string; reason: string };
}

export async function agencyStatusAction({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agencies:manage");
  const form = await readForm(request);
  const agencyId = Id.safeParse(form.agencyId);
  const values = { status: form.status ?? "", reason: form.reason ?? "" };
  const refuse = (status: number, error: MessageKey) =>
    Response.json({ agencyId: agencyId.success ? agencyId.data : null, error, params: { max: MAX_REASON_LENGTH }, values } satisfies AgencyStatusActionError, {
      status,
    });
  const parsed = STATUS_FORM.safeParse({ ...form, reason: form.reason ?? "" });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "";
    return refuse(400, (message.startsWith("agencies.manage.error.") ? message : "agencies.manage.error.badRequest") as MessageKey);
  }
  const input = parsed.data;
  if (input.status !== "active") {
    if (!input.reason) return refuse(400, "agencies.manage.error.reasonRequired");
    if (input.confirm !== "on") return refuse(400, "agencies.manage.error.confirmRequired");
  }
  const actor = staffActor(user, context);
  let result;
  try {
    result = await setAgencyStatus(context.db, actor, { agencyId: input.agencyId, status: input.status, reason: input.reason || undefined }, dispatchOptionsOf(context.env));
  } catch (error) {
    if (error instanceof AgencyNotFoundError) return refuse(404, "agencies.manage.error.unknownAgency");
    if (error instanceof SupervisionInputError) return refuse(400, "agencies.manage.error.reasonRequired");
    throw error;
  }
  return redirect(`/manager/agencies?${new URLSearchParams({ changed: String(result.agencyId), withdrawn: String(result.withdrawn.length) })}#agency-${result.agencyId}`);
}

export async function loadAgencies({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agencies:read");
  const rows = await agencies.listAgencies(context.db);
  const stopped = rows.filter((a) => a.status !== "active").map((a) => a.id);
  const openJobs = await supervision.openJobsOfAgencies(context.db, scopeFor(user), stopped);
  return { rows, openJobs, canManage: can(user.role, "agencies:manage"), canReassign: can(user.role, "dispatch:manage"), maxReason: MAX_REASON_LENGTH };
}

/** The ticket's dispatch panel on a page of its own (dispatch:manage): where the reassignment form lands without JavaScript. */
export async function loadReassignPage({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "dispatch:manage");
  const id = Id.safeParse(params.ticketId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const ticket = await tickets.getTicket(context.db, scopeFor(user), id.data);
  if (!ticket) throw new Response("Not found", { status: 404 });
  return {
    ticket: { id: ticket.id, number: ticket.number, status: ticket.status },
    dispatch: await dispatchPanelData(context.db, context.env, user, ticket),
  };
}
