import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { agencyContactProblem, cleanText, dayBefore, MAX_DAILY_CAPACITY, MAX_RADIUS_KM, parseServiceArea } from "../../core/agency-admin";
import { gregorianDayToJalali, parseDayInput } from "../../core/jalali";
import { WEEKDAYS, type WorkingHours } from "../../core/dispatch";
import { normalizeIranMobile } from "../../core/phone";
import { parsePolygonsText } from "../../core/service-polygons";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { agencyAdmin, agencies, feeRates, type DB } from "~/lib/db.server";
import { readForm, readMultipartForm, readSearchParams, type InputFields } from "~/lib/input.server";
import {
  addFeeRate,
  addTechnician,
  AgencyAdminError,
  AgencyImportInputError,
  createAgency,
  requestAgencyImport,
  setAgencyAuthorizations,
  setTechnicianActive,
  TechnicianError,
  updateAgency,
  updateFeeRate,
  updateTechnician,
  type AgencyDetails,
} from "~/lib/services.server";

/*
 * Agency administration in the web shell (agencies:manage): guard → parse (zod) → one service call → redirect
 * with what was done, or the form's values back with a message.
 */

const Id = z.coerce.number().int().positive().max(2 ** 53);
const HM = /^([01]\d|2[0-4]):[0-5]\d$/;

export interface AgencyFormError {
  form: "details" | "authorizations" | "technician" | "rate" | "rateEdit";
  error: MessageKey;
  /** the message's parameters (the service polygon it is about) */
  params?: Record<string, number>;
  values?: InputFields;
  rowId?: number;
}

function refuse(status: number, body: AgencyFormError) {
  return Response.json(body, { status });
}

const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? cleanText(v) : ""))
    .refine((v) => v.length <= max, "agencyAdmin.error.tooLong")
    .transform((v) => v || null);

const numberText = z
  .string()
  .optional()
  .transform((v) => (v ? cleanText(v).replace("٫", ".") : ""));

const DETAILS = z.object({
  code: z
    .string({ required_error: "agencyAdmin.error.code" })
    .transform((v) => cleanText(v).toUpperCase())
    .refine((v) => /^[A-Z0-9-]{2,20}$/.test(v), "agencyAdmin.error.code"),
  name: z
    .string({ required_error: "agencyAdmin.error.name" })
    .transform(cleanText)
    .refine((v) => v.length >= 2 && v.length <= 200, "agencyAdmin.error.name"),
  managerName: optionalText(100),
  mobile: z
    .string()
    .optional()
    .transform((v) => (v ? cleanText(v) : ""))
    .refine((v) => !v || normalizeIranMobile(v) !== null, "agencyAdmin.error.mobile")
    .transform((v) => (v ? normalizeIranMobile(v) : null)),
  phones: z
    .string()
    .optional()
    .transform((v) =>
      cleanText(v ?? "")
        .split(/[;،,]/)
        .map((p) => p.replace(/[\s-]/g, ""))
        .filter(Boolean),
    )
    .refine((ps) => ps.every((p) => /^0\d{9,10}$/.test(p)) && ps.length <= 5, "agencyAdmin.error.phones"),
  email: optionalText(200).refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "agencyAdmin.error.email"),
  province: z.string({ required_error: "agencyAdmin.error.place" }).transform(cleanText).refine((v) => v.length >= 2 && v.length <= 60, "agencyAdmin.error.place"),
  city: z.string({ required_error: "agencyAdmin.error.place" }).transform(cleanText).refine((v) => v.length >= 2 && v.length <= 60, "agencyAdmin.error.place"),
  addressText: optionalText(300),
  lat: numberText,
  lng: numberText,
  serviceRadiusKm: numberText.refine((v) => !v || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_RADIUS_KM), "agencyAdmin.error.radius"),
  dailyJobCapacity: numberText.refine((v) => /^\d+$/.test(v) && Number(v) <= MAX_DAILY_CAPACITY, "agencyAdmin.error.capacity"),
  serviceAreas: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(/\r?\n|[;،]/).map((l) => l.trim()).filter(Boolean))
    .refine((ls) => ls.length <= 100 && ls.every((l) => parseServiceArea(l) !== null), "agencyAdmin.error.area")
    .transform((ls) => ls.map((l) => parseServiceArea(l)!)),
  alwaysOpen: z.literal("on").optional(),
});

/** The working-hours fields (`open_<day>`, `close_<day>`, `closed_<day>`) → the form dispatch reads, or null when a time is bad. */
function workingHoursOf(form: InputFields): WorkingHours | null {
  if (form.alwaysOpen === "on") return {};
  const hours: WorkingHours = {};
  for (const d of WEEKDAYS) {
    if (form[`closed_${d}`] === "on") continue;
    const open = cleanText(form[`open_${d}`] ?? "");
    const close = cleanText(form[`close_${d}`] ?? "");
    if (!HM.test(open) || !HM.test(close)) return null;
    hours[d] = [open, close];
  }
  return hours;
}

function parseDetails(form: InputFields): { ok: true; details: AgencyDetails } | { ok: false; error: MessageKey; params?: Record<string, number> } {
  const p = DETAILS.safeParse(form);
  if (!p.success) {
    const m = p.error.issues[0]?.message ?? "";
    return { ok: false, error: (m.startsWith("agencyAdmin.error.") ? m : "agencyAdmin.error.invalid") as MessageKey };
  }
  const d = p.data;
  // customers are told the agency's number when it accepts their job (the agency_accepted SMS): an agency
  // nobody can call cannot be saved
  if (agencyContactProblem(d)) return { ok: false, error: "agencyAdmin.error.contact" };
  const lat = d.lat ? Number(d.lat) : null;
  const lng = d.lng ? Number(d.lng) : null;
  if ((lat === null) !== (lng === null) || (lat !== null && (!Number.isFinite(lat) || !Number.isFinite(lng!) || lat < -90 || lat > 90 || lng! < -180 || lng! > 180))) {
    return { ok: false, error: "agencyAdmin.error.location" };
  }
  const workingHours = workingHoursOf(form);
  if (!workingHours) return { ok: false, error: "agencyAdmin.error.hours" };
  // the service area drawn on the map (or pasted): "lat, lng" a line, polygons apart by an empty line
  const polygons = parsePolygonsText((form.servicePolygons ?? "").slice(0, 100_000));
  if ("error" in polygons) return { ok: false, error: `servicePolygons.error.${polygons.error}`, params: { n: polygons.polygon } };
  return {
    ok: true,
    details: {
      code: d.code,
      name: d.name,
      managerName: d.managerName,
      mobile: d.mobile,
      phones: d.phones,
      email: d.email,
      province: d.province,
      city: d.city,
      addressText: d.addressText,
      lat,
      lng,
      serviceRadiusKm: d.serviceRadiusKm ? Number(d.serviceRadiusKm) : null,
      dailyJobCapacity: Number(d.dailyJobCapacity),
      workingHours,
      serviceAreas: d.serviceAreas,
      servicePolygons: polygons.polygons,
    },
  };
}

const SERVICE_ERRORS: Record<AgencyAdminError["code"], MessageKey> = {
  notFound: "agencyAdmin.error.notFound",
  code: "agencyAdmin.error.code",
  codeExists: "agencyAdmin.error.codeExists",
  name: "agencyAdmin.error.name",
  place: "agencyAdmin.error.place",
  contact: "agencyAdmin.error.contact",
  location: "agencyAdmin.error.location",
  radius: "agencyAdmin.error.radius",
  capacity: "agencyAdmin.error.capacity",
  hours: "agencyAdmin.error.hours",
  area: "agencyAdmin.error.area",
  polygon: "servicePolygons.error.invalid",
  rate: "agencyAdmin.error.rate",
  date: "agencyAdmin.error.date",
  rateNotAfterLatest: "agencyAdmin.error.rateNotAfterLatest",
  rateUsed: "agencyAdmin.error.rateUsed",
  authorization: "agencyAdmin.error.invalid",
};

const TECH_ERRORS: Record<TechnicianError["code"], MessageKey> = {
  forbidden: "agencyAdmin.error.invalid",
  not_found: "agencyTech.error.notFound",
  name: "agencyTech.error.name",
  mobile: "agencyTech.error.mobile",
  duplicate: "agencyTech.error.duplicate",
};

function mapTiles(context: LoaderFunctionArgs["context"]) {
  return { tileUrl: context.env.MAP_TILE_URL, attribution: context.env.MAP_TILE_ATTRIBUTION };
}

export async function loadNewAgency({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "agencies:manage");
  return { map: mapTiles(context) };
}

export async function newAgencyAction({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agencies:manage");
  const form = await readForm(request);
  const parsed = parseDetails(form);
  if (!parsed.ok) return refuse(400, { form: "details", error: parsed.error, params: parsed.params, values: form });
  try {
    const { agencyId } = await createAgency(context.db, { kind: "user", userId: user.id, ip: context.clientIp }, parsed.details);
    return redirect(`/manager/agencies/${agencyId}?done=create`);
  } catch (error) {
    if (error instanceof AgencyAdminError) return refuse(error.code === "codeExists" ? 409 : 400, { form: "details", error: SERVICE_ERRORS[error.code], values: form });
    throw error;
  }
}

export async function loadAgencyAdmin({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(request, context, "agencies:manage");
  const id = Id.safeParse(params.agencyId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const agency = await agencyAdmin.agencyForEdit(context.db, id.data);
  if (!agency) throw new Response("Not found", { status: 404 });
  const [areas, polygons, catalogue, authorizations, technicians, rates] = await Promise.all([
    agencyAdmin.agencyServiceAreas(context.db, id.data),
    agencyAdmin.agencyServicePolygons(context.db, id.data),
    agencyAdmin.productCatalogue(context.db),
    agencyAdmin.agencyAuthorizationPairs(context.db, id.data),
    agencies.technicianRoster(context.db, id.data),
    feeRates.agencyFeeRates(context.db, id.data),
  ]);
  const done = readSearchParams(request).done ?? null;
  return {
    agency,
    areas,
    polygons,
    catalogue,
    authorizations: authorizations.map((a) => `${a.brand_id}:${a.category_id}`),
    technicians,
    rates: rates.map((r) => ({
      ...r,
      from_jalali: gregorianDayToJalali(r.effective_from),
      // the last day in force (the stored end is exclusive)
      until_jalali: r.effective_to ? gregorianDayToJalali(dayBefore(r.effective_to)) : null,
    })),
    done,
    map: mapTiles(context),
  };
}

const TECH = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("techCreate"), fullName: z.string().max(200), mobile: z.string().max(40) }),
  z.object({ intent: z.literal("techUpdate"), technicianId: Id, fullName: z.string().max(200), mobile: z.string().max(40) }),
  z.object({ intent: z.literal("techDeactivate"), technicianId: Id }),
  z.object({ intent: z.literal("techReactivate"), technicianId: Id }),
]);

const RATE = z.object({
  ratePercent: z
    .string({ required_error: "agencyAdmin.error.rate" })
    .transform((v) => cleanText(v).replace("٫", "."))
    .refine((v) => /^\d{1,3}(\.\d{1,2})?$/.test(v) && Number(v) <= 100, "agencyAdmin.error.rate")
    .transform(Number),
  effectiveFrom: z
    .string({ required_error: "agencyAdmin.error.date" })
    .transform((v) => parseDayInput(v))
    .refine((v): v is string => v !== null, "agencyAdmin.error.date"),
});

const RATE_EDIT = z.object({
  rateId: Id,
  ratePercent: RATE.shape.ratePercent,
});

function zodError(error: z.ZodError, fallback: MessageKey): MessageKey {
  const m = error.issues[0]?.message ?? "";
  return (m.startsWith("agencyAdmin.error.") || m.startsWith("agencyTech.error.") ? m : fallback) as MessageKey;
}

export async function agencyAdminAction({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agencies:manage");
  const id = Id.safeParse(params.agencyId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const agencyId = id.data;
  const form = await readForm(request);
  const actor = staffActor(user, context);
  const back = (done: string, anchor: string) => redirect(`/manager/agencies/${agencyId}?done=${done}#${anchor}`);
  const intent = form.intent ?? "";
  try {
    if (intent === "details") {
      const parsed = parseDetails(form);
      if (!parsed.ok) return refuse(400, { form: "details", error: parsed.error, params: parsed.params, values: form });
      await updateAgency(context.db, actor, agencyId, parsed.details);
      return back("details", "details");
    }
    if (intent === "authorizations") {
      const pairs = Object.keys(form)
        .map((k) => /^auth_(\d{1,15})_(\d{1,15})$/.exec(k))
        .filter((m): m is RegExpExecArray => m !== null && form[m[0]] === "on")
        .map((m) => ({ brandId: Number(m[1]), categoryId: Number(m[2]) }));
      await setAgencyAuthorizations(context.db, actor, { agencyId, pairs });
      return back("authorizations", "authorizations");
    }
    if (intent === "rate") {
      const p = RATE.safeParse(form);
      if (!p.success) return refuse(400, { form: "rate", error: zodError(p.error, "agencyAdmin.error.rate"), values: form });
      await addFeeRate(context.db, actor, { agencyId, ratePercent: p.data.ratePercent, effectiveFrom: p.data.effectiveFrom });
      return back("rate", "rates");
    }
    if (intent === "rateEdit") {
      const p = RATE_EDIT.safeParse(form);
      if (!p.success) return refuse(400, { form: "rateEdit", error: zodError(p.error, "agencyAdmin.error.rate"), values: form, rowId: Number(form.rateId) || undefined });
      const rates = await feeRates.agencyFeeRates(context.db, agencyId);
      if (!rates.some((r) => r.id === p.data.rateId)) return refuse(404, { form: "rateEdit", error: "agencyAdmin.error.notFound" });
      await updateFeeRate(context.db, actor, { rateId: p.data.rateId, ratePercent: p.data.ratePercent });
      return back("rateEdit", "rates");
    }
    if (intent.startsWith("tech")) {
      const p = TECH.safeParse(form);
      if (!p.success) return refuse(400, { form: "technician", error: "agencyAdmin.error.invalid", values: form });
      const t = p.data;
      try {
        if (t.intent === "techCreate") await addTechnician(context.db, actor, { agencyId, fullName: t.fullName, mobile: t.mobile });
        else if (t.intent === "techUpdate") await updateTechnician(context.db, actor, { agencyId, technicianId: t.technicianId, fullName: t.fullName, mobile: t.mobile });
        else await setTechnicianActive(context.db, actor, { agencyId, technicianId: t.technicianId, active: t.intent === "techReactivate" });
      } catch (error) {
        if (error instanceof TechnicianError) {
          return refuse(400, { form: "technician", error: TECH_ERRORS[error.code], values: form, rowId: "technicianId" in t ? t.technicianId : undefined });
        }
        throw error;
      }
      return back("technician", "technicians");
    }
  } catch (error) {
    if (error instanceof AgencyAdminError) {
      const which = intent === "rate" || intent === "rateEdit" || intent === "authorizations" ? intent : "details";
      return refuse(error.code === "notFound" ? 404 : 409, { form: which, error: SERVICE_ERRORS[error.code], values: form, rowId: Number(form.rateId) || undefined });
    }
    throw error;
  }
  return refuse(400, { form: "details", error: "agencyAdmin.error.invalid" });
}

// ---------------------------------------------------------------------------------------------
// CSV import
// ---------------------------------------------------------------------------------------------

export async function loadAgencyImport({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "agencies:manage");
  const id = Id.safeParse(readSearchParams(request).id);
  const current = id.success ? await agencyAdmin.agencyImport(context.db, id.data) : null;
  return { current: current ?? null, recent: await agencyAdmin.recentAgencyImports(context.db, 10) };
}

export async function agencyImportAction({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agencies:manage");
  const form = await readMultipartForm(request, { fileFields: ["file"], maxFiles: 1, maxFileBytes: 1_000_000 });
  if (form.problem) return Response.json({ error: "agencyImport.error.tooLarge" satisfies MessageKey }, { status: 413 });
  const file = form.files[0];
  if (!file) return Response.json({ error: "agencyImport.error.noFile" satisfies MessageKey }, { status: 400 });
  try {
    const { importId } = await requestAgencyImport(context.db, { kind: "user", userId: user.id, ip: context.clientIp }, { filename: file.filename, bytes: file.bytes });
    return redirect(`/manager/agencies/import?id=${importId}`);
  } catch (error) {
    if (error instanceof AgencyImportInputError) {
      const key: MessageKey = error.code === "empty" ? "agencyImport.error.noFile" : error.code === "tooLarge" ? "agencyImport.error.tooLarge" : "agencyImport.error.encoding";
      return Response.json({ error: key }, { status: 400 });
    }
    throw error;
  }
}

export type { DB };
