/**
 * The voice of the customer's one write: an operator classifies a ticket of type `complaint` as a complaint
 * or a suggestion and names its category (core/feedback.ts), in one transaction with its history row (a
 * `note` saying what was set, data { text, feedbackKind, feedbackCategory }) and its audit row.
 */
import { isFeedbackCategory, isFeedbackKind, type FeedbackCategory, type FeedbackKind } from "../core/feedback";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Actor } from "./actor";
import { TicketNotFoundError } from "./tickets";

/** Only a ticket of type `complaint` (شکایات، انتقادات و پیشنهادات) carries a feedback category. */
export class NotFeedbackTicketError extends Error {
  constructor(readonly ticketId: number) {
    super(`ticket ${ticketId} is not a complaint ticket`);
  }
}

export class InvalidFeedbackError extends Error {
  constructor(readonly field: "kind" | "category") {
    super(`invalid feedback ${field}`);
  }
}

/** Persian labels for the history row (the timeline shows the note's text as written). */
const KIND_FA: Record<FeedbackKind, string> = { complaint: "شکایت", suggestion: "پیشنهاد" };
const CATEGORY_FA: Record<FeedbackCategory, string> = {
  technician_behaviour: "رفتار تکنسین",
  repair_quality: "کیفیت تعمیر",
  delay: "تأخیر در خدمت",
  price_invoice: "هزینه و صورتحساب",
  parts: "قطعات",
  call_centre: "مرکز تماس",
  product_quality: "کیفیت محصول",
  other: "سایر",
};

export async function classifyFeedback(db: DB, actor: Actor, input: { ticketId: number; kind: FeedbackKind; category: FeedbackCategory }) {
  if (!isFeedbackKind(input.kind)) throw new InvalidFeedbackError("kind");
  if (!isFeedbackCategory(input.category)) throw new InvalidFeedbackError("category");
  return db.transaction().execute(async (trx) => {
    const t = await trx
      .selectFrom("tickets")
      .select(["id", "type", "feedback_kind", "feedback_category"])
      .where("id", "=", input.ticketId)
      .forUpdate()
      .executeTakeFirst();
    if (!t) throw new TicketNotFoundError(input.ticketId);
    if (t.type !== "complaint") throw new NotFeedbackTicketError(t.id);
    if (t.feedback_kind === input.kind && t.feedback_category === input.category) return { ticketId: t.id, changed: false };
    const now = new Date();
    await trx
      .updateTable("tickets")
      .set({ feedback_kind: input.kind, feedback_category: input.category, updated_at: now })
      .where("id", "=", t.id)
      .execute();
    const text = `دسته‌بندی: ${KIND_FA[input.kind]} — ${CATEGORY_FA[input.category]}`;
    await appendTicketEvent(trx, { ticketId: t.id, at: now, actor, type: "note", data: { text, feedbackKind: input.kind, feedbackCategory: input.category } });
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "ticket.feedback_classify",
      entityType: "ticket",
      entityId: t.id,
      ip: actor.ip ?? undefined,
      details: { kind: input.kind, category: input.category, ...(t.feedback_category ? { from: t.feedback_category } : {}) },
    });
    return { ticketId: t.id, changed: true };
  });
}
