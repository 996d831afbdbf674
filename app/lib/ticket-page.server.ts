import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { Permission } from "../../core/roles";
import { MAX_SEARCH_LENGTH } from "../../core/text";
import { TICKET_STATUSES, TICKET_TYPES } from "../../core/ticket";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { readSearchParams } from "~/lib/input.server";
import { tickets, type DataScope, type DB } from "~/lib/db.server";

const TicketId = z.coerce.number().int().positive().max(2 ** 53);

/** Everything a ticket page shows, read within the caller's scope; 404 when out of scope. */
export async function loadTicketPage(db: DB, scope: DataScope, rawId: string | undefined) {
  const id = TicketId.safeParse(rawId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const ticket = await tickets.getTicket(db, scope, id.data);
  if (!ticket) throw new Response("Not found", { status: 404 });
  const [history, offers, calls] = await Promise.all([
    tickets.ticketHistory(db, scope, ticket.id),
    tickets.ticketOffers(db, scope, ticket.id),
    tickets.ticketCalls(db, scope, ticket.id),
  ]);
  return { ticket, history, offers, calls };
}

export const ListQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional().catch(undefined),
  type: z.enum(TICKET_TYPES).optional().catch(undefined),
  q: z.string().trim().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export function parseListQuery(request: Request) {
  return ListQuery.parse(readSearchParams(request));
}

/*
 * Called from inside each route's `export async function loader`, never as `export const loader =
 * factory(…)`: a call at module level keeps this .server import in the browser bundle, where it is
 * undefined, and hydration dies.
 */

/** A ticket list page for users holding `permission`, filtered by their data scope. */
export async function loadTicketList({ request, context }: LoaderFunctionArgs, permission: Permission) {
  const user = await requirePermission(request, context, permission);
  const query = parseListQuery(request);
  // refused with a message, never silently dropped (which would list every ticket)
  if (query.q && query.q.length > MAX_SEARCH_LENGTH) {
    return { rows: [], page: 1, hasMore: false, query, searchError: "ticket.searchTooLong" as const, now: Date.now() };
  }
  const list = await tickets.listTickets(context.db, scopeFor(user), query);
  return { ...list, query, searchError: null, now: Date.now() };
}

/** A ticket page; a ticket outside the user's scope (another agency's) is a 404. */
export async function loadTicketDetail({ request, context, params }: LoaderFunctionArgs, permission: Permission) {
  const user = await requirePermission(request, context, permission);
  return loadTicketPage(context.db, scopeFor(user), params.ticketId);
}
