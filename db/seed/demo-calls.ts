import { sql, type Kysely } from "kysely";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../../core/call-kpis";
import { refreshCallStats } from "../repos/call-kpis";
import type { Database } from "../schema";
import { HOTLINE } from "./demo-data";

/**
 * The call centre's performance in the demo data (issue 14 §4): the demo's call-detail records get what the
 * report counts beyond them — each answered inbound call's ringing (call_attempts; one in four first rang
 * another operator who did not answer), the calls that never became a ticket spread over the follow-up and
 * complaint queues, a few unanswered ringings before callers hung up, and today's calls (answered and
 * abandoned, so the supervisor's wall and the abandoned-call list have something to show) — then the
 * hourly roll-up is made. Deterministic: everything follows from the call ids and `now`.
 */
export async function seedDemoCalls(db: Kysely<Database>, now: Date): Promise<void> {
  const ops = (await db.selectFrom("operators").select("user_id").orderBy("user_id").execute()).map((o) => o.user_id);
  if (ops.length === 0) return;
  const other = (userId: number, n: number) => ops.filter((o) => o !== userId)[n % Math.max(1, ops.length - 1)] ?? userId;

  // today's calls: in the hours before `now`, never before the Tehran day began unless it is early
  const base = now.getTime();
  const mobile = (n: number) => `+98912700${String(1000 + n).slice(-4)}`;
  const today: { minutesAgo: number; disposition: "answered" | "abandoned"; wait: number; talk: number; queue: string; op: number }[] = [
    { minutesAgo: 170, disposition: "answered", wait: 8, talk: 210, queue: "breakdown", op: 0 },
    { minutesAgo: 150, disposition: "answered", wait: 35, talk: 140, queue: "breakdown", op: 1 },
    { minutesAgo: 120, disposition: "abandoned", wait: 95, talk: 0, queue: "breakdown", op: 0 },
    { minutesAgo: 95, disposition: "answered", wait: 12, talk: 320, queue: "follow_up", op: 0 },
    { minutesAgo: 70, disposition: "answered", wait: 18, talk: 95, queue: "complaint", op: 1 },
    { minutesAgo: 40, disposition: "abandoned", wait: 48, talk: 0, queue: "breakdown", op: 1 },
    { minutesAgo: 15, disposition: "answered", wait: 4, talk: 180, queue: "breakdown", op: 0 },
    { minutesAgo: 60 * 26, disposition: "abandoned", wait: 130, talk: 0, queue: "follow_up", op: 0 },
  ];
  for (const [i, c] of today.entries()) {
    const started = new Date(base - c.minutesAgo * 60_000);
    const answered = c.disposition === "answered" ? new Date(started.getTime() + c.wait * 1000) : null;
    const ended = new Date((answered ?? started).getTime() + (answered ? c.talk : c.wait) * 1000);
    const op = ops[c.op % ops.length]!;
    const row = await db
      .insertInto("calls")
      .values({
        channel_id: `demo-today.${i}`,
        direction: "inbound",
        caller_number: mobile(i),
        called_number: HOTLINE,
        queue: c.queue,
        ivr_choice: c.queue as "breakdown",
        operator_user_id: answered ? op : null,
        started_at: started,
        enqueued_at: started,
        answered_at: answered,
        ended_at: ended > now ? now : ended,
        wait_seconds: c.wait,
        talk_seconds: answered ? c.talk : null,
        disposition: c.disposition,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (!answered) {
      await db.insertInto("call_attempts").values({ call_id: row.id, operator_user_id: op, started_at: started, ended_at: new Date(started.getTime() + 15_000), outcome: "no_answer", hangup_cause: 19 }).execute();
    }
  }

  // calls that never became a ticket: follow-ups and complaints as well as breakdowns
  await sql`update calls set queue = case id % 3 when 1 then 'follow_up' when 2 then 'complaint' else queue end,
      ivr_choice = case id % 3 when 1 then 'follow_up' when 2 then 'complaint' else 'breakdown' end
    where direction = 'inbound' and ticket_id is null and channel_id not like 'demo-today.%'`.execute(db);

  // every answered inbound call rang its operator; one in four rang another operator first, who did not pick up
  const answered = await db
    .selectFrom("calls")
    .select(["id", "operator_user_id", "started_at", "wait_seconds"])
    .where("direction", "=", "inbound")
    .where("disposition", "=", "answered")
    .where("operator_user_id", "is not", null)
    .orderBy("id")
    .execute();
  const attempts: { call_id: number; operator_user_id: number; started_at: Date; ended_at: Date; outcome: "answered" | "no_answer"; hangup_cause: number | null }[] = [];
  for (const c of answered) {
    const op = c.operator_user_id!;
    const start = new Date(c.started_at);
    const answerAt = new Date(start.getTime() + (c.wait_seconds ?? 0) * 1000);
    if (c.id % 4 === 0 && (c.wait_seconds ?? 0) >= 16) {
      const missedStart = new Date(answerAt.getTime() - 16_000);
      attempts.push({ call_id: c.id, operator_user_id: other(op, c.id), started_at: missedStart, ended_at: new Date(missedStart.getTime() + 15_000), outcome: "no_answer", hangup_cause: 19 });
    }
    attempts.push({ call_id: c.id, operator_user_id: op, started_at: new Date(answerAt.getTime() - 1000), ended_at: answerAt, outcome: "answered", hangup_cause: null });
  }
  // callers who hung up after an operator's phone had rung unanswered
  const unanswered = await db
    .selectFrom("calls")
    .select(["id", "started_at"])
    .where("direction", "=", "inbound")
    .where("disposition", "in", ["abandoned", "missed"])
    .where("wait_seconds", ">=", 20)
    .where("channel_id", "not like", "demo-today.%")
    .orderBy("id")
    .execute();
  for (const c of unanswered) {
    if (c.id % 2 !== 0) continue;
    const start = new Date(new Date(c.started_at).getTime() + 2000);
    attempts.push({ call_id: c.id, operator_user_id: ops[c.id % ops.length]!, started_at: start, ended_at: new Date(start.getTime() + 15_000), outcome: "no_answer", hangup_cause: 19 });
  }
  for (let i = 0; i < attempts.length; i += 500) await db.insertInto("call_attempts").values(attempts.slice(i, i + 500)).execute();

  await refreshCallStats(db, DEFAULT_SERVICE_LEVEL_SECONDS);
}
