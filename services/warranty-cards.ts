/**
 * Warranty cards (issue 15 §1): the customer activates the warranty of a unit, or checks that its card is
 * genuine, by texting the card's code to the service line (`receiveWarrantySms`, from the workers' inbound
 * poll) or on the public page /warranty (`checkWarrantyCardOnWeb`). One transaction per attempt: the rate
 * limit (core/warranty-card.ts; counts in warranty_card_attempts, serialised per number and address), the
 * attempt row (every attempt is kept), and on activation the customer (found by mobile, or created), their
 * customer_products row (serial, model, warranty dates) and its history; by SMS also the inbound message
 * (its body masked: the code is never stored) and the reply through the outbox.
 */
import { sql } from "kysely";
import { toPersianDigits } from "../core/digits";
import { gregorianDayToJalali, tehranDay } from "../core/jalali";
import { normalizeIranMobile } from "../core/phone";
import { serialKey } from "../core/serial";
import { cardLimitsOf } from "../core/service-rules";
import { warrantyExpiry, warrantyMonthsFor, warrantyStartDay } from "../core/warranty";
import {
  attemptOutcome,
  cardAttemptThrottle,
  cardLast4,
  cardReplySms,
  cardThrottleWindows,
  decideCardAttempt,
  decideCardCheck,
  maskMobile,
  readCardText,
  type CardChannel,
  type CardReply,
  type CardTextIntent,
} from "../core/warranty-card";
import type { DB } from "../db/connection";
import { serviceRulesInForce } from "../db/repos/service-rules";
import { appendProductEvent, cardByHashForUpdate, countCardFailures, lockCardAttemptKeys, recordCardAttempt } from "../db/repos/warranty";
import { hashCardCode } from "../platform/warranty-code";
import { enqueueSms } from "./outbox";

/** The SMS purposes of this service's messages (sms_messages.purpose). */
export const WARRANTY_SMS_PURPOSE = { inbound: "warranty_card", reply: "warranty_card_reply" } as const;

/** The name a customer created by an activation gets until an operator corrects it. */
export const CARD_CUSTOMER_NAME = "مشتری کارت گارانتی";

export interface CardAttemptResult {
  reply: CardReply;
  cardId: number | null;
  customerId: number | null;
  productId: number | null;
}

interface AttemptInput {
  channel: CardChannel;
  /** the 16 digits (core/warranty-card.ts parseCardCode) */
  code: string;
  /** the customer's mobile, normalised (+989…); null: a check without a number (web only) */
  phone: string | null;
  /** the sender as the provider gave it, when it is not a mobile (kept on the attempt) */
  rawSender?: string | null;
  ip: string | null;
  /** the name typed on the web page, for a customer the activation creates */
  name?: string | null;
  smsId?: number | null;
  /** "check": the text asked only whether the card is genuine (core/warranty-card.ts readCardText); never activates */
  intent?: CardTextIntent;
}

async function dbNow(db: DB): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
  return rows[0]!.now;
}

/** The Jalali date a customer reads in an SMS: '۱۴۰۶/۰۹/۱۰'. */
export function jalaliForSms(isoDay: string): string {
  return toPersianDigits(gregorianDayToJalali(isoDay));
}

/** One attempt, inside the caller's transaction. */
async function attemptInTrx(trx: DB, secret: string, input: AttemptInput): Promise<CardAttemptResult> {
  const now = await dbNow(trx);
  const keyPhone = input.phone ?? input.rawSender ?? null;
  await lockCardAttemptKeys(trx, [keyPhone ? `phone:${keyPhone}` : null, input.ip ? `ip:${input.ip}` : null]);
  // the guessing limit in force (the admin's values, /admin/service-rules)
  const limits = cardLimitsOf(await serviceRulesInForce(trx));
  const windows = cardThrottleWindows(now, limits);
  const failures = await countCardFailures(trx, { phone: keyPhone, ip: input.ip, phoneSince: windows.phoneSince, ipSince: windows.ipSince });
  const last4 = cardLast4(input.code);
  const record = (reply: CardReply, cardId: number | null) =>
    recordCardAttempt(trx, { at: now, channel: input.channel, phone: keyPhone, ip: input.ip, codeLast4: last4, outcome: attemptOutcome(reply), cardId, smsId: input.smsId ?? null });

  const throttle = cardAttemptThrottle(failures, limits);
  if (!throttle.allowed) {
    const reply: CardReply = { kind: "throttled", retryAfterHours: throttle.retryAfterHours };
    await record(reply, null);
    return { reply, cardId: null, customerId: null, productId: null };
  }
  const card = await cardByHashForUpdate(trx, hashCardCode(secret, input.code));
  if (!card) {
    const reply: CardReply = { kind: "not_genuine" };
    await record(reply, null);
    return { reply, cardId: null, customerId: null, productId: null };
  }
  const today = tehranDay(now);
  const facts = { activatedAt: card.activated_at, activatedPhone: card.activated_phone, expiresOn: card.warranty_expires_on, activateBy: card.activate_by };
  const decision = input.intent === "check" ? decideCardCheck(facts, input.phone, today) : decideCardAttempt(facts, input.phone, today);
  if (decision.kind !== "activate") {
    await record(decision, card.id);
    return { reply: decision, cardId: card.id, customerId: null, productId: card.customer_product_id };
  }
  const phone = input.phone!;

  // the customer: the one most recently updated with this mobile, or a new one
  const existing = await trx.selectFrom("customers").select("id").where("mobile", "=", phone).orderBy("updated_at", "desc").orderBy("id", "desc").executeTakeFirst();
  const name = input.name?.trim();
  const customerId =
    existing?.id ??
    (
      await trx
        .insertInto("customers")
        .values({ full_name: name && name.length >= 2 ? name.slice(0, 200) : CARD_CUSTOMER_NAME, mobile: phone, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;

  // the unit: one customer_products row per model and serial
  const months = warrantyMonthsFor(card.model_months, card.category_months);
  const product = await trx
    .selectFrom("customer_products")
    .select(["id", "installed_on"])
    .where("model_id", "=", card.model_id)
    // the unit as intake may have registered it before (core/serial.ts serialKey: case, spaces, dashes ignored)
    .where(sql<string>`serial_key(serial_number)`, "=", serialKey(card.serial_number))
    .orderBy("id")
    .forUpdate()
    .executeTakeFirst();
  const start = warrantyStartDay(card.warranty_start, { purchaseDate: today, installedOn: product?.installed_on ?? null });
  const expiresOn = warrantyExpiry(start, months);
  const values = { customer_id: customerId, purchase_date: today, warranty_months: months, warranty_expires_on: expiresOn };
  const productId = product
    ? (await trx.updateTable("customer_products").set(values).where("id", "=", product.id).returning("id").executeTakeFirstOrThrow()).id
    : (
        await trx
          .insertInto("customer_products")
          .values({ ...values, model_id: card.model_id, serial_number: card.serial_number, created_at: now })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
  await trx
    .updateTable("warranty_cards")
    .set({ activated_at: now, activated_phone: phone, activated_via: input.channel, customer_id: customerId, customer_product_id: productId })
    .where("id", "=", card.id)
    .execute();
  await appendProductEvent(trx, {
    productId,
    at: now,
    kind: "warranty_activated",
    actorLabel: input.channel === "sms" ? "مشتری (پیامک)" : "مشتری (وب)",
    data: { channel: input.channel, card_last4: card.code_last4, phone: maskMobile(phone), starts_on: start, expires_on: expiresOn, rule: card.warranty_start },
  });
  const reply: CardReply = { kind: "activated", expiresOn };
  await record(reply, card.id);
  return { reply, cardId: card.id, customerId, productId };
}

/** The public page's activation (a mobile given) or check (none). */
export async function checkWarrantyCardOnWeb(
  db: DB,
  secret: string,
  input: { code: string; mobile: string | null; name?: string | null; ip: string | null },
): Promise<CardAttemptResult> {
  return db.transaction().execute((trx) => attemptInTrx(trx, secret, { channel: "web", code: input.code, phone: input.mobile, name: input.name, ip: input.ip }));
}

export interface InboundCardSms {
  messageId: string;
  from: string;
  to: string;
  text: string;
  receivedAt: Date;
}

/**
 * An inbound SMS that carries a card code (core/warranty-card.ts readCardText: the code alone activates, a
 * check keyword first — «استعلام», "check", "?" — only checks): stored once by the
 * provider's message id with its code masked, the attempt made for the sender's number, and the reply queued
 * in the outbox (same transaction). `stored: false`: this message was handled before (a repeated poll).
 */
export async function receiveWarrantySms(db: DB, secret: string, msg: InboundCardSms): Promise<{ stored: boolean; result: CardAttemptResult | null; replySmsId: number | null }> {
  const read = readCardText(msg.text);
  if (!read) throw new Error("receiveWarrantySms: the message carries no card code");
  const { code, intent } = read;
  return db.transaction().execute(async (trx) => {
    const phone = normalizeIranMobile(msg.from);
    const now = await dbNow(trx);
    const customer = phone
      ? await trx.selectFrom("customers").select("id").where("mobile", "=", phone).orderBy("updated_at", "desc").orderBy("id", "desc").executeTakeFirst()
      : undefined;
    const inserted = await trx
      .insertInto("sms_messages")
      .values({
        direction: "inbound",
        inbound_message_id: msg.messageId,
        sender: (phone ?? msg.from).slice(0, 40),
        receptor: msg.to,
        // the code is never stored: a leaked table must not hand out valid cards
        body: `${intent === "check" ? "استعلام " : ""}کد کارت گارانتی ****${cardLast4(code)}`,
        purpose: WARRANTY_SMS_PURPOSE.inbound,
        status: "received",
        customer_id: customer?.id ?? null,
        received_at: msg.receivedAt,
        created_at: now,
      })
      .onConflict((oc) => oc.column("inbound_message_id").where("inbound_message_id", "is not", null).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return { stored: false, result: null, replySmsId: null };
    const result = await attemptInTrx(trx, secret, {
      channel: "sms",
      code,
      phone,
      rawSender: phone ? null : msg.from.slice(0, 40),
      ip: null,
      smsId: inserted.id,
      intent,
    });
    if (result.customerId) await trx.updateTable("sms_messages").set({ customer_id: result.customerId }).where("id", "=", inserted.id).execute();
    // a sender that is no Iranian mobile cannot be answered (the outbox sends to mobiles only)
    const replySmsId = phone
      ? (await enqueueSms(trx, { receptor: phone, body: cardReplySms(result.reply, jalaliForSms, cardLast4(code), intent), purpose: WARRANTY_SMS_PURPOSE.reply, now })).smsId
      : null;
    return { stored: true, result, replySmsId };
  });
}
