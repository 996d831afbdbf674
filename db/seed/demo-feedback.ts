import { sql, type Kysely } from "kysely";
import type { FeedbackCategory, FeedbackKind } from "../../core/feedback";
import { slaDueTimes } from "../../core/sla";
import { refreshVoiceRollups } from "../repos/voice";
import type { Database } from "../schema";

/*
 * The voice of the customer's demo data (issue 14, section 3), loaded after the rest of the demo:
 *  - the demo's complaint tickets get the category an operator would give them, read from their text (the demo's
 *    fixed complaint texts and survey comments); the newest open one is left unclassified, for the desk to try;
 *  - three suggestions registered at the desk over the last weeks (closed on the spot, as information calls are);
 *  - the roll-ups are filled: repeat_breakdowns (the demo's customers call again about the same appliance), csat_daily.
 * Deterministic: no randomness, every choice follows the rows' order.
 */

const RULES: [RegExp, FeedbackCategory][] = [
  [/برخورد|رفتار/, "technician_behaviour"],
  [/تأخیر|دیر /, "delay"],
  [/هزینه|تعرفه|فاکتور|صورتحساب/, "price_invoice"],
  [/قطعه/, "parts"],
  [/دو بار مراجعه|تکرار شد|کیفیت/, "repair_quality"],
  [/مرکز تماس|اپراتور/, "call_centre"],
];

/** The category of a complaint from its words (the demo's texts only; a person classifies real ones). */
function categoryOf(text: string): FeedbackCategory {
  for (const [re, category] of RULES) if (re.test(text)) return category;
  return "other";
}

const SUGGESTIONS: { daysAgo: number; text: string; category: FeedbackCategory }[] = [
  { daysAgo: 41, text: "پیشنهاد: کد رهگیری و وضعیت درخواست با پیامک هم قابل پیگیری باشد", category: "call_centre" },
  { daysAgo: 23, text: "پیشنهاد: بازه زمانی مراجعه تکنسین کوتاه‌تر و دقیق‌تر اعلام شود", category: "delay" },
  { daysAgo: 9, text: "پیشنهاد: دفترچه راهنمای فارسی ماشین ظرفشویی توضیح کامل‌تری درباره برنامه‌ها داشته باشد", category: "product_quality" },
];

export async function seedDemoFeedback(db: Kysely<Database>, now: Date): Promise<void> {
  const complaints = await db
    .selectFrom("tickets as t")
    .leftJoin("satisfaction_surveys as s", "s.complaint_ticket_id", "t.id")
    .select(["t.id", "t.status", "t.problem_description", "s.comment"])
    .where("t.type", "=", "complaint")
    .orderBy("t.created_at", "desc")
    .orderBy("t.id", "desc")
    .execute();
  const leaveOpen = complaints.find((c) => c.status === "new")?.id;
  for (const c of complaints) {
    if (c.id === leaveOpen) continue;
    const kind: FeedbackKind = "complaint";
    await db
      .updateTable("tickets")
      .set({ feedback_kind: kind, feedback_category: categoryOf(`${c.comment ?? ""} ${c.problem_description}`) })
      .where("id", "=", c.id)
      .execute();
  }

  const operator = await db.selectFrom("users").select("id").where("username", "=", "operator").executeTakeFirst();
  const customers = await db.selectFrom("customers").select("id").orderBy("id").limit(SUGGESTIONS.length).execute();
  for (const [i, s] of SUGGESTIONS.entries()) {
    const customer = customers[i % Math.max(1, customers.length)];
    if (!customer) break;
    const createdAt = new Date(now.getTime() - s.daysAgo * 86_400_000);
    const closedAt = new Date(createdAt.getTime() + 6 * 60_000);
    const due = slaDueTimes(createdAt, "low", "complaint");
    const t = await db
      .insertInto("tickets")
      .values({
        type: "complaint",
        channel: "phone",
        customer_id: customer.id,
        problem_description: s.text,
        warranty_status: "unknown",
        priority: "low",
        status: "closed",
        created_by: operator?.id ?? null,
        sla_accept_due_at: due.acceptDueAt,
        sla_visit_due_at: due.visitDueAt,
        sla_resolve_due_at: due.resolveDueAt,
        feedback_kind: "suggestion",
        feedback_category: s.category,
        created_at: createdAt,
        updated_at: closedAt,
        closed_at: closedAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const actor = { actor_kind: "user" as const, actor_user_id: operator?.id ?? null };
    await db
      .insertInto("ticket_events")
      .values([
        { ticket_id: t.id, at: createdAt, ...actor, event_type: "created", to_status: "new", data: JSON.stringify({ type: "complaint", channel: "phone" }) },
        {
          ticket_id: t.id,
          at: closedAt,
          ...actor,
          event_type: "status_changed",
          from_status: "new",
          to_status: "closed",
          data: JSON.stringify({ reason: "پیشنهاد ثبت و به واحد مربوط ارسال شد" }),
        },
      ])
      .execute();
  }
  await refreshVoiceRollups(db, { rebuildCsat: true, settleSeconds: 0 });
  await sql`analyze repeat_breakdowns, csat_daily`.execute(db);
}
