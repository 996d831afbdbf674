/**
 * The forms of a job (the technician's link page and the agency's job page), parsed and validated once
 * here with zod: the completion report (work done, parts with serials in numbered rows so the form works
 * without JavaScript, the invoice amount in rials), the "needs parts" date and the "cannot repair" reason,
 * and the technician + visit window. Each refusal is a message key in both languages.
 */
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { parseDayInput, tehranDayStart } from "../../core/jalali";
import type { InputFields } from "~/lib/input.server";
import type { MessageKey } from "~/i18n";
import {
  MAX_INVOICE_RIALS,
  MAX_PART_NAME_LENGTH,
  MAX_SERIAL_LENGTH,
  MAX_WORK_DONE_LENGTH,
  MAX_REASON_LENGTH,
  type JobReportInput,
} from "~/lib/services.server";

// Rows of parts the forms offer (empty rows are ignored): one number for the form and its parser.
import { PART_ROWS } from "~/components/JobCompletion";

export type FormResult<T> = { ok: true; value: T } | { ok: false; error: MessageKey };

const digits = (v: string) => toLatinDigits(v).replace(/[,،٬\s]/g, "");

const CompletionSchema = z.object({
  workDone: z.string().trim().min(1, "job.error.workDoneRequired").max(MAX_WORK_DONE_LENGTH, "job.error.workDoneTooLong"),
  invoice: z
    .string()
    .transform(digits)
    .pipe(z.union([z.literal(""), z.string().regex(/^\d{1,11}$/, "job.error.invoiceInvalid")]))
    .transform((v) => (v === "" ? null : Number(v)))
    .refine((v) => v === null || v <= MAX_INVOICE_RIALS, "job.error.invoiceInvalid"),
});

const PartSchema = z.object({
  name: z.string().trim().max(MAX_PART_NAME_LENGTH, "job.error.partInvalid"),
  serial: z.string().trim().max(MAX_SERIAL_LENGTH, "job.error.partInvalid"),
});

function firstError(error: z.ZodError): MessageKey {
  const m = error.issues[0]?.message ?? "";
  return (m.startsWith("job.error.") ? m : "job.error.invalid") as MessageKey;
}

export function parseCompletionForm(form: InputFields, warranty: string): FormResult<JobReportInput> {
  const head = CompletionSchema.safeParse({ workDone: form.workDone ?? "", invoice: form.invoice ?? "" });
  if (!head.success) return { ok: false, error: firstError(head.error) };
  const parts: JobReportInput["parts"] = [];
  for (let i = 0; i < PART_ROWS; i++) {
    const p = PartSchema.safeParse({ name: form[`partName${i}`] ?? "", serial: form[`partSerial${i}`] ?? "" });
    if (!p.success) return { ok: false, error: firstError(p.error) };
    if (p.data.name === "" && p.data.serial === "") continue;
    if (p.data.name === "") return { ok: false, error: "job.error.partNameRequired" };
    parts.push({ name: p.data.name, serial: p.data.serial || null });
  }
  if (head.data.invoice === null && warranty === "out_of_warranty") return { ok: false, error: "job.error.invoiceRequired" };
  return { ok: true, value: { workDone: head.data.workDone, parts, invoiceAmountRials: head.data.invoice } };
}

/** A part expected on a Tehran calendar day, today or within half a year; typed Jalali or from a date picker. */
export function parseExpectedDate(raw: string | undefined, now = new Date()): FormResult<string> {
  const day = parseDayInput(raw ?? "");
  if (!day) return { ok: false, error: "job.error.dateInvalid" };
  const start = tehranDayStart(day).getTime();
  if (start + 86_400_000 <= now.getTime()) return { ok: false, error: "job.error.datePast" };
  if (start > now.getTime() + 183 * 86_400_000) return { ok: false, error: "job.error.dateFar" };
  return { ok: true, value: day };
}

export function parseReason(raw: string | undefined): FormResult<string> {
  const r = z.string().trim().min(1, "job.error.reasonRequired").max(MAX_REASON_LENGTH, "job.error.reasonTooLong").safeParse(raw ?? "");
  return r.success ? { ok: true, value: r.data } : { ok: false, error: firstError(r.error) };
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * The technician and the visit window from the agency's form: a day (Jalali as typed, or a date picker's
 * Gregorian) and two clock times in Tehran.
 */
export function parseAssignForm(form: InputFields): FormResult<{ technicianId: number; visitFrom: Date; visitTo: Date }> {
  const tech = z.coerce.number().int().positive().max(2 ** 53).safeParse(form.technicianId ?? "");
  if (!tech.success) return { ok: false, error: "job.error.technicianRequired" };
  const day = parseDayInput(form.visitDay ?? "");
  if (!day) return { ok: false, error: "job.error.dateInvalid" };
  const from = TIME.exec(toLatinDigits(form.visitFrom ?? "").trim());
  const to = TIME.exec(toLatinDigits(form.visitTo ?? "").trim());
  if (!from || !to) return { ok: false, error: "job.error.timeInvalid" };
  const at = (m: RegExpExecArray) => new Date(`${day}T${m[1]!.padStart(2, "0")}:${m[2]}:00+03:30`);
  return { ok: true, value: { technicianId: tech.data, visitFrom: at(from), visitTo: at(to) } };
}
