import { tehranDay } from "../../core/jalali";
import { normalizeIranMobile } from "../../core/phone";
import { warrantyDaysLeft, warrantyStatusOn } from "../../core/warranty";
import { desk, type DataScope, type DB } from "~/lib/db.server";

/**
 * What the screen-pop shows for a call, read with the operator's scope: the caller's number, the
 * customers with that mobile, their products with warranty (in/out, days left), their open and recent
 * tickets, recent calls from the number, and first of all the ticket the caller keyed in the IVR.
 */
export async function loadCallPop(db: DB, scope: DataScope, callId: number, now = new Date()) {
  const call = await desk.callForPop(db, scope, callId);
  if (!call) return null;
  const mobile = call.caller_number ? normalizeIranMobile(call.caller_number) : null;
  const customers = mobile ? await desk.customersByMobile(db, scope, mobile) : [];
  const ids = customers.map((c) => c.id);
  const today = tehranDay(now);
  const [products, tickets, calls, keyed] = await Promise.all([
    desk.productsOf(db, scope, ids),
    desk.ticketsOfCustomers(db, scope, ids),
    desk.recentCalls(db, scope, { number: call.caller_number, customerIds: ids, exceptCallId: call.id }),
    call.keyed_ticket_number ? desk.ticketByNumber(db, scope, call.keyed_ticket_number) : Promise.resolve(undefined),
  ]);
  return {
    call: {
      id: call.id,
      callerNumber: call.caller_number,
      /** +989… when the caller's number is an Iranian mobile */
      mobile,
      ivrChoice: call.ivr_choice,
      keyedTicketNumber: call.keyed_ticket_number,
      state: call.state,
      startedAt: call.started_at,
    },
    keyedTicket: keyed ?? null,
    customers: customers.map((c) => ({
      ...c,
      products: products
        .filter((p) => p.customer_id === c.id)
        .map((p) => ({
          ...p,
          warrantyStatus: warrantyStatusOn(p.warranty_expires_on, today),
          warrantyDaysLeft: warrantyDaysLeft(p.warranty_expires_on, today),
        })),
    })),
    openTickets: tickets.open,
    recentTickets: tickets.recent,
    recentCalls: calls,
  };
}

export type CallPop = NonNullable<Awaited<ReturnType<typeof loadCallPop>>>;
