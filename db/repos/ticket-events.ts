import type { ActorKind, TicketEventType, TicketStatus } from "../../core/ticket";
import type { DB } from "../connection";

/** Who wrote a history row, as ticket_events records it. */
export interface EventActor {
  kind: ActorKind;
  userId?: number | null;
  label?: string | null;
}

export interface NewTicketEvent {
  ticketId: number;
  at: Date;
  actor: EventActor;
  type: TicketEventType;
  from?: TicketStatus | null;
  to?: TicketStatus | null;
  data?: Record<string, unknown>;
}

/** Appends one row to a ticket's history (append-only: a trigger refuses changes); the caller owns the transaction. */
export async function appendTicketEvent(db: DB, e: NewTicketEvent): Promise<number> {
  const row = await db
    .insertInto("ticket_events")
    .values({
      ticket_id: e.ticketId,
      at: e.at,
      actor_kind: e.actor.kind,
      actor_user_id: e.actor.userId ?? null,
      actor_label: e.actor.label ?? null,
      event_type: e.type,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
