import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { tehranDay } from "../../core/jalali";
import { normalizeIranMobile } from "../../core/phone";
import { normalizeSerial, serialProblem } from "../../core/serial";
import { PRIORITIES, TICKET_TYPES } from "../../core/ticket";
import type { MessageKey } from "~/i18n";
import type { IntakeErrorCode, IntakeInput } from "~/lib/services.server";

/*
 * The registration form, parsed once at the edge: Persian or Arabic-Indic digits accepted wherever digits
 * go, a mobile in any written form, and for every field that is wrong a message key of its own (shown in
 * the operator's language next to the field). The fields a kind of request does not use are ignored.
 */

export const INTAKE_FIELDS = [
  "idempotencyKey",
  "callId",
  "kind",
  "customerId",
  "fullName",
  "mobile",
  "nationalCode",
  "serial",
  "modelId",
  "purchaseDate",
  "categoryId",
  "description",
  "province",
  "city",
  "addressText",
  "lat",
  "lng",
  "priority",
  "relatedTicketNumber",
  "note",
] as const;
export type IntakeField = (typeof INTAKE_FIELDS)[number];
export type IntakeValues = Partial<Record<IntakeField, string>>;
export type IntakeErrors = Partial<Record<IntakeField | "form", MessageKey>>;

const text = (max: number) => z.string().trim().max(max);
const digits = z.string().transform((v) => toLatinDigits(v).replace(/[\s\u200c]/g, ""));
const optionalId = digits.pipe(z.union([z.literal(""), z.coerce.number().int().positive().max(2 ** 53)]));
const optionalNumber = digits.pipe(z.union([z.literal(""), z.coerce.number().finite()]));

const Raw = z.object({
  idempotencyKey: z.string().uuid({ message: "err.formExpired" }),
  callId: optionalId.default(""),
  kind: z.enum(TICKET_TYPES, { errorMap: () => ({ message: "err.kind" }) }),
  customerId: z.string().default(""),
  fullName: text(200).default(""),
  mobile: z.string().default(""),
  nationalCode: digits.default(""),
  // core/serial.ts: Persian/Arabic digits Latin, edges trimmed; kept as typed otherwise
  serial: z.string().default("").transform(normalizeSerial),
  modelId: optionalId.default(""),
  purchaseDate: digits.default(""),
  categoryId: optionalId.default(""),
  description: z.string().trim().default(""),
  province: text(100).default(""),
  city: text(100).default(""),
  addressText: z.string().trim().default(""),
  lat: optionalNumber.default(""),
  lng: optionalNumber.default(""),
  priority: z.enum(PRIORITIES, { errorMap: () => ({ message: "err.priority" }) }).default("normal"),
  relatedTicketNumber: digits.default(""),
  note: z.string().trim().default(""),
});

/** Every field's first problem, or the service's input. */
export function parseIntakeForm(form: Record<string, string>, now = new Date()): { ok: true; input: IntakeInput } | { ok: false; errors: IntakeErrors } {
  const errors: IntakeErrors = {};
  const fail = (field: IntakeField | "form", key: MessageKey) => {
    errors[field] ??= key;
  };
  const raw = Raw.safeParse(form);
  if (!raw.success) {
    for (const issue of raw.error.issues) {
      const field = String(issue.path[0] ?? "form") as IntakeField;
      const known = issue.message.startsWith("err.") ? (issue.message as MessageKey) : undefined;
      fail(field, known ?? FIELD_MESSAGE[field] ?? "reg.errors");
    }
    return { ok: false, errors };
  }
  const v = raw.data;
  const input: IntakeInput = { idempotencyKey: v.idempotencyKey, kind: v.kind, callId: v.callId === "" ? null : v.callId };

  const related = v.relatedTicketNumber;
  if (related !== "" && !/^[1-9][0-9]{7}$/.test(related)) fail("relatedTicketNumber", "err.relatedTicket");
  else if (related !== "") input.relatedTicketNumber = Number(related);

  if (v.kind === "follow_up") {
    if (related === "") fail("relatedTicketNumber", "err.relatedTicket");
    if (v.note.length > 2000) fail("note", "err.note");
    input.note = v.note || null;
    return Object.keys(errors).length ? { ok: false, errors } : { ok: true, input };
  }

  // the customer: one of the caller's known customers, or a new one
  const knownId = /^[0-9]{1,15}$/.test(v.customerId) ? Number(v.customerId) : null;
  const mobile = normalizeIranMobile(v.mobile);
  if (knownId === null) {
    if (v.fullName.length < 2) fail("fullName", "err.fullName");
    if (!mobile) fail("mobile", "err.mobile");
    if (v.nationalCode !== "" && !/^[0-9]{10}$/.test(v.nationalCode)) fail("nationalCode", "err.nationalCode");
  }
  input.customer = {
    id: knownId,
    fullName: v.fullName,
    mobile: mobile ?? "",
    nationalCode: v.nationalCode && /^[0-9]{10}$/.test(v.nationalCode) ? v.nationalCode : null,
  };

  // the product, by serial
  if (v.serial !== "") {
    if (serialProblem(v.serial) !== null) fail("serial", "err.serial");
    let purchaseDate: string | null = null;
    if (v.purchaseDate !== "") {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v.purchaseDate) || Number.isNaN(Date.parse(`${v.purchaseDate}T00:00:00Z`)) || v.purchaseDate > tehranDay(now)) {
        fail("purchaseDate", "err.purchaseDate");
      } else purchaseDate = v.purchaseDate;
    }
    input.product = { serial: v.serial, modelId: v.modelId === "" ? null : v.modelId, purchaseDate };
  }
  input.problemCategoryId = v.categoryId === "" ? null : v.categoryId;

  if (v.description.length === 0 || v.description.length > 2000) fail("description", "err.description");
  input.description = v.description;

  // the address: required for a breakdown (someone visits it), optional for a complaint
  const anyAddress = v.province !== "" || v.city !== "" || v.addressText !== "";
  if (v.kind === "breakdown" || v.kind === "installation" || anyAddress) {
    if (v.province === "") fail("province", "err.province");
    if (v.city === "") fail("city", "err.city");
    if (v.addressText === "" || v.addressText.length > 500) fail("addressText", "err.addressText");
    let lat: number | null = null;
    let lng: number | null = null;
    if (v.lat !== "" || v.lng !== "") {
      if (v.lat === "" || v.lng === "" || v.lat < -90 || v.lat > 90 || v.lng < -180 || v.lng > 180) fail("lat", "err.location");
      else [lat, lng] = [v.lat, v.lng];
    }
    input.address = { province: v.province, city: v.city, text: v.addressText, lat, lng };
  }
  input.priority = v.priority;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, input };
}

const FIELD_MESSAGE: Partial<Record<IntakeField, MessageKey>> = {
  idempotencyKey: "err.formExpired",
  callId: "err.callNotFound",
  kind: "err.kind",
  fullName: "err.fullName",
  province: "err.province",
  city: "err.city",
  modelId: "err.model",
  categoryId: "err.category",
  lat: "err.location",
  lng: "err.location",
  priority: "err.priority",
};

/** Where a service refusal is shown. */
export const INTAKE_ERROR_FIELDS: Record<IntakeErrorCode, [IntakeField | "form", MessageKey]> = {
  customer_required: ["fullName", "err.fullName"],
  customer_not_found: ["customerId", "err.customerNotFound"],
  call_not_found: ["form", "err.callNotFound"],
  model_not_found: ["modelId", "err.model"],
  serial_unknown: ["modelId", "err.serialUnknown"],
  ticket_not_found: ["relatedTicketNumber", "err.ticketNotFound"],
  note_required: ["note", "err.note"],
  key_reused: ["form", "err.keyReused"],
};

/** The typed values sent back with the errors, so nothing the operator typed is lost. */
export function intakeValues(form: Record<string, string>): IntakeValues {
  const out: IntakeValues = {};
  for (const f of INTAKE_FIELDS) if (typeof form[f] === "string") out[f] = form[f]!.slice(0, 4000);
  return out;
}
