/**
 * The SMS texts an admin may change (core/sms-templates.ts has the kinds, defaults and checks): saving one
 * and putting a kind back to its default, each with its audit row in one transaction; and the text a
 * service sends, rendered inside the service's own transaction from the admin's text or the default.
 */
import type { Transaction } from "kysely";
import {
  checkSmsTemplate,
  renderSmsTemplate,
  SMS_TEMPLATES,
  type SmsTemplateKind,
  type SmsTemplateProblem,
  type SmsValues,
} from "../core/sms-templates";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { smsTemplateOverride } from "../db/repos/sms-templates";
import type { Database } from "../db/schema";
import { logger } from "../platform/logger";
import type { Actor } from "./actor";
import { enqueueSms, type OutboundSms } from "./outbox";

const log = logger("sms-templates");

/** The text cannot be saved as it stands; `problems` says why (each has a message in both languages). */
export class SmsTemplateInvalidError extends Error {
  constructor(readonly problems: SmsTemplateProblem[]) {
    super(`SMS template refused: ${problems.map((p) => p.code).join(", ")}`);
  }
}

function requireUser(actor: Actor): number {
  if (actor.userId === undefined) throw new Error("changing an SMS template needs a signed-in user as actor");
  return actor.userId;
}

/**
 * Saves an admin's text for a kind (after core's checks: known placeholders only, the required ones kept,
 * not empty, not too long), with the audit row, in one transaction. Returns whether anything changed.
 */
export async function updateSmsTemplate(db: DB, actor: Actor, input: { kind: SmsTemplateKind; body: string; now?: Date }) {
  const userId = requireUser(actor);
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  const problems = checkSmsTemplate(input.kind, body);
  if (problems.length > 0) throw new SmsTemplateInvalidError(problems);
  const now = input.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const before = await smsTemplateOverride(trx, input.kind);
    await trx
      .insertInto("sms_template_overrides")
      .values({ kind: input.kind, body, updated_by: userId, updated_at: now })
      .onConflict((oc) => oc.column("kind").doUpdateSet({ body, updated_by: userId, updated_at: now }))
      .execute();
    await writeAudit(trx, {
      actorUserId: userId,
      action: "sms_template.update",
      entityType: "sms_template",
      entityId: input.kind,
      ip: actor.ip ?? undefined,
      details: { kind: input.kind, from: before ?? SMS_TEMPLATES[input.kind].defaultBody, to: body, wasDefault: before === null },
    });
    return { kind: input.kind, changed: (before ?? SMS_TEMPLATES[input.kind].defaultBody) !== body };
  });
}

/** Puts a kind back to its default text (the admin's text removed), with the audit row, in one transaction. */
export async function resetSmsTemplate(db: DB, actor: Actor, input: { kind: SmsTemplateKind }) {
  const userId = requireUser(actor);
  return db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom("sms_template_overrides").where("kind", "=", input.kind).returning("body").executeTakeFirst();
    await writeAudit(trx, {
      actorUserId: userId,
      action: "sms_template.reset",
      entityType: "sms_template",
      entityId: input.kind,
      ip: actor.ip ?? undefined,
      details: { kind: input.kind, from: removed?.body ?? null },
    });
    return { kind: input.kind, changed: removed !== undefined };
  });
}

/**
 * The text of a message of this kind with these values, from the admin's text or else the default, read
 * in the caller's transaction. An admin's text that no longer passes the checks (a placeholder since
 * removed from the kind) falls back to the default rather than failing the business change.
 */
export async function renderSms(trx: Transaction<Database> | DB, kind: SmsTemplateKind, values: SmsValues): Promise<string> {
  return renderSmsWith(kind, await smsTemplateOverride(trx, kind), values);
}

/** renderSms with the admin's text already read (null: none), e.g. by a statement that read it with other facts. */
export function renderSmsWith(kind: SmsTemplateKind, override: string | null, values: SmsValues): string {
  if (override !== null) {
    if (checkSmsTemplate(kind, override).length === 0) return renderSmsTemplate(kind, override, values);
    log.warn(`the saved text of SMS template ${kind} no longer passes its checks; the default text is sent`);
  }
  return renderSmsTemplate(kind, SMS_TEMPLATES[kind].defaultBody, values);
}

/** Renders a kind's text and queues it in the outbox (row and send job), in the caller's transaction. */
export async function enqueueTemplatedSms(
  trx: Transaction<Database>,
  kind: SmsTemplateKind,
  values: SmsValues,
  message: Omit<OutboundSms, "body" | "purpose"> & { purpose?: string },
): Promise<{ smsId: number; body: string }> {
  const body = await renderSms(trx, kind, values);
  const { smsId } = await enqueueSms(trx, { ...message, body, purpose: message.purpose ?? kind });
  return { smsId, body };
}
