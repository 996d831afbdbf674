import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import type { ServiceType } from "../../core/claims";
import { ClaimPartsFields } from "~/components/claims/ClaimPartsFields";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { claimFailure, readClaimParts } from "~/lib/claims.server";
import { claims } from "~/lib/db.server";
import { formatDigits, formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { ClaimError, fileClaim, priceClaim } from "~/lib/services.server";

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const MAX_ROWS = 12;

async function agencyOf(request: Request, context: LoaderFunctionArgs["context"]) {
  const user = await requirePermission(request, context, "claims:file");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  return { user, agencyId: scope.agencyId };
}

/** A new claim for one of the agency's jobs: its parts pre-filled from the completion report, an estimate. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { agencyId } = await agencyOf(request, context);
  const ticket = Id.safeParse(readSearchParams(request).ticket);
  if (!ticket.success) throw new Response("Not Found", { status: 404 });
  const basis = await claims.claimBasis(context.db, agencyId, ticket.data);
  if (!basis) throw new Response("Not Found", { status: 404 });
  const serviceType: ServiceType = (basis.ticket.type as string) === "installation" ? "installation" : "repair";
  // the completion report's parts, mapped to the model's catalogue by code
  const prefill = basis.parts.flatMap((p) => {
    const c = basis.catalogue.find((x) => x.code === p.part_code);
    return c ? [{ sparePartId: c.id, quantity: Math.min(Math.max(p.quantity, 1), 99), defectiveSerial: "" }] : [];
  });
  let estimate: { lines: { kind: string; description: string; quantity: number; unitRials: number; amountRials: number }[]; totalRials: number; distanceKm: number | null } | null = null;
  let problem: MessageKey | null = null;
  try {
    const p = await priceClaim(context.db, agencyId, { ticketId: ticket.data, serviceType, parts: prefill.map((x) => ({ ...x, defectiveSerial: "—" })) });
    estimate = { lines: p.lines, totalRials: p.totalRials, distanceKm: p.distanceKm };
  } catch (err) {
    if (!(err instanceof ClaimError)) throw err;
    problem = `claims.error.${err.code}`;
  }
  return {
    ticket: { id: basis.ticket.id, number: basis.ticket.number, model: basis.ticket.model_name, serial: basis.ticket.serial_number },
    serviceType,
    reportParts: basis.parts.map((p) => ({ code: p.part_code, name: p.name, serial: p.serial_number, quantity: p.quantity })),
    catalogue: basis.catalogue.map((c) => ({ id: c.id, code: c.code, name: c.name, price: c.list_price_rials, serialized: c.serialized })),
    rows: [...prefill, ...Array.from({ length: 2 }, () => ({ sparePartId: 0, quantity: 1, defectiveSerial: "" }))].slice(0, MAX_ROWS),
    estimate,
    problem,
  };
}

const Form_ = z.object({ ticketId: Id, serviceType: z.string().max(40), intent: z.enum(["draft", "submit"]) });

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await agencyOf(request, context);
  const fields = await readForm(request);
  const f = Form_.safeParse(fields);
  if (!f.success) return Response.json({ ok: false, message: "claims.error.serviceType" satisfies MessageKey }, { status: 400 });
  const parts = readClaimParts(fields, MAX_ROWS);
  if (parts === null) return Response.json({ ok: false, message: "claims.error.quantity" satisfies MessageKey }, { status: 400 });
  try {
    const c = await fileClaim(context.db, { kind: "agency", userId: user.id, ip: context.clientIp }, { ticketId: f.data.ticketId, serviceType: f.data.serviceType, parts, submit: f.data.intent === "submit" });
    return redirect(`/agency/claims/${c.id}`);
  } catch (err) {
    const fail = claimFailure(err);
    return Response.json({ ok: false, message: fail.message }, { status: fail.status });
  }
}

export default function NewClaim() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { ok: false; message: MessageKey } | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <p>
        <Link to="/agency/claims">{t("claims.backToList")}</Link>
      </p>
      <h1>{t("claims.newTitle", { number: formatDigits(d.ticket.number, locale) })}</h1>
      <p className="muted">{[d.ticket.model, d.ticket.serial].filter(Boolean).join(" — ")}</p>
      {result && (
        <p role="alert" className="error" data-testid="claim-error">
          {t(result.message)}
        </p>
      )}
      {d.problem && (
        <p role="alert" className="error">
          {t(d.problem)}
        </p>
      )}
      <section aria-labelledby="report-parts">
        <h2 id="report-parts">{t("claims.reportParts")}</h2>
        {d.reportParts.length === 0 ? (
          <p className="muted">{t("claims.noReportParts")}</p>
        ) : (
          <ul>
            {d.reportParts.map((p, i) => (
              <li key={i}>
                {p.name}
                {p.code ? ` (${p.code})` : ""} × {formatNumber(p.quantity, locale)}
                {p.serial ? ` — ${p.serial}` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
      {d.estimate && (
        <section aria-labelledby="estimate-title">
          <h2 id="estimate-title">{t("claims.preview")}</h2>
          <p className="muted">{t("claims.previewHint")}</p>
          <p>
            {t("claims.distance")}:{" "}
            {d.estimate.distanceKm === null ? t("claims.distanceUnknown") : t("claims.distanceKm", { km: formatNumber(d.estimate.distanceKm, locale) })}
          </p>
          <ul data-testid="claim-estimate">
            {d.estimate.lines.map((l, i) => (
              <li key={i}>
                {l.kind === "labour"
                  ? `${t("claims.line.labour")} — ${t(`claims.service.${l.description}` as MessageKey)}`
                  : l.kind === "travel"
                    ? `${t("claims.line.travel")} — ${t("claims.travelBand", { km: formatDigits(l.description, locale) })}`
                    : `${l.description} × ${formatNumber(l.quantity, locale)}`}
                : {formatRials(l.amountRials, locale)}
              </li>
            ))}
          </ul>
          <p>
            {t("common.total")}: <strong data-testid="estimate-total">{formatRials(d.estimate.totalRials, locale)}</strong>
          </p>
        </section>
      )}
      <Form method="post" aria-labelledby="claim-form-title">
        <h2 id="claim-form-title">{t("claims.parts")}</h2>
        <input type="hidden" name="ticketId" value={d.ticket.id} />
        <ClaimPartsFields serviceType={d.serviceType} rows={d.rows} catalogue={d.catalogue} />
        <button type="submit" name="intent" value="draft" disabled={busy}>
          {t("claims.saveDraft")}
        </button>{" "}
        <button type="submit" name="intent" value="submit" disabled={busy}>
          {t("claims.submit")}
        </button>
      </Form>
    </>
  );
}
