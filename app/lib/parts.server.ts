/**
 * The spare-parts forms (issue 15 §4), parsed once here: the part lines of a request (numbered rows
 * `part_<i>` / `qty_<i>`, empty rows ignored, so the form works without JavaScript), a request step of the parts
 * desk or the agency, and the catalogue's add/edit form. Each refusal is a message key in both languages.
 */
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { MAX_PART_QUANTITY, MAX_PARTS_PER_REQUEST, checkPartLines, isPartRequestStep, type PartLine, type PartRequestStep } from "../../core/parts";
import type { InputFields } from "~/lib/input.server";
import type { MessageKey } from "~/i18n";
import { parseExpectedDate, type FormResult } from "~/lib/job-forms.server";
import { CatalogueError, IllegalPartStepError, MAX_LIST_PRICE_RIALS, PartRequestError } from "~/lib/services.server";

export const PART_FORM_ROWS = MAX_PARTS_PER_REQUEST;

const Id = z.coerce.number().int().positive().max(2 ** 53);

/** The part lines of a request form; `allowNone`: the technician's "needs parts" may name no catalogue part (a note only). */
export function parsePartLines(form: InputFields, allowNone = false): FormResult<PartLine[]> {
  const lines: PartLine[] = [];
  for (let i = 0; i < PART_FORM_ROWS; i++) {
    const part = (form[`part_${i}`] ?? "").trim();
    if (!part) continue;
    const id = Id.safeParse(part);
    if (!id.success) return { ok: false, error: "parts.error.unknownPart" };
    const rawQty = toLatinDigits(form[`qty_${i}`] ?? "1").trim() || "1";
    if (!/^\d{1,3}$/.test(rawQty)) return { ok: false, error: "parts.error.quantity" };
    lines.push({ partId: id.data, quantity: Number(rawQty) });
  }
  if (lines.length === 0 && allowNone) return { ok: true, value: [] };
  const problem = checkPartLines(lines);
  if (problem) return { ok: false, error: `parts.error.${problem}` };
  return { ok: true, value: lines };
}

export function parseRequestForm(form: InputFields): FormResult<{ lines: PartLine[]; expectedDate: string; note?: string }> {
  const lines = parsePartLines(form);
  if (!lines.ok) return lines;
  const date = parseExpectedDate(form.expectedDate);
  if (!date.ok) return date;
  const note = (form.partNote ?? "").trim().slice(0, 200);
  return { ok: true, value: { lines: lines.value, expectedDate: date.value, ...(note ? { note } : {}) } };
}

export function parseStepForm(form: InputFields): FormResult<{ requestId: number; step: PartRequestStep; serial?: string; expectedDate?: string; reason?: string }> {
  const id = Id.safeParse(form.requestId ?? "");
  if (!id.success || !isPartRequestStep(form.step)) return { ok: false, error: "parts.error.notFound" };
  let expectedDate: string | undefined;
  if ((form.expectedDate ?? "").trim()) {
    const d = parseExpectedDate(form.expectedDate);
    if (!d.ok) return d;
    expectedDate = d.value;
  }
  const serial = (form.serial ?? "").trim() || undefined;
  const reason = (form.reason ?? "").trim() || undefined;
  return { ok: true, value: { requestId: id.data, step: form.step, ...(serial ? { serial } : {}), ...(expectedDate ? { expectedDate } : {}), ...(reason ? { reason } : {}) } };
}

export function parseCatalogueForm(form: InputFields): FormResult<{ code: string; name: string; listPriceRials: number; serialized: boolean; active: boolean }> {
  const code = (form.code ?? "").trim();
  const name = (form.name ?? "").trim();
  const price = toLatinDigits(form.price ?? "").replace(/[,،٬\s]/g, "");
  if (!/^\d{1,11}$/.test(price) || Number(price) > MAX_LIST_PRICE_RIALS) return { ok: false, error: "parts.error.catalogue.price" };
  return { ok: true, value: { code, name, listPriceRials: Number(price), serialized: form.serialized === "on" || form.serialized === "1", active: form.active !== "0" } };
}

/** A refused request or step as the form's message; anything else is rethrown. */
export function partErrorKey(error: unknown): MessageKey {
  if (error instanceof PartRequestError) return `parts.error.${error.problem}`;
  if (error instanceof IllegalPartStepError) return "parts.error.notAllowed";
  if (error instanceof CatalogueError) return `parts.error.catalogue.${error.problem}`;
  throw error;
}

export { MAX_PART_QUANTITY };
