import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { agencyMayEdit } from "../../core/claims";
import { ClaimPartsFields } from "~/components/claims/ClaimPartsFields";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { claimFailure, readClaimParts } from "~/lib/claims.server";
import { claims } from "~/lib/db.server";
import { formatDigits, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { editDraft } from "~/lib/services.server";

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const MAX_ROWS = 12;
const Form_ = z.object({ serviceType: z.string().max(40), intent: z.enum(["draft", "submit"]) });

async function load(request: Request, context: LoaderFunctionArgs["context"], params: LoaderFunctionArgs["params"]) {
  const user = await requirePermission(request, context, "claims:file");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const id = Id.safeParse(params.claimId);
  if (!id.success) throw new Response("Not Found", { status: 404 });
  // another agency's claim is not found
  const claim = await claims.getClaim(context.db, scope, id.data);
  if (!claim) throw new Response("Not Found", { status: 404 });
  return { user, scope, claim };
}

/** The agency's draft, to edit: its lines as the form's rows. A submitted claim goes back to its (read-only) page. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { scope, claim } = await load(request, context, params);
  if (!agencyMayEdit(claim.status)) throw redirect(`/agency/claims/${claim.id}`);
  const basis = await claims.claimBasis(context.db, scope.agencyId, claim.ticket_id);
  if (!basis) throw new Response("Not Found", { status: 404 });
  const parts = claim.lines.filter((l) => l.kind === "part" && l.spare_part_id !== null);
  const rows = [
    ...parts.map((l) => ({ sparePartId: l.spare_part_id!, quantity: l.quantity, defectiveSerial: l.defective_serial ?? "" })),
    ...Array.from({ length: 2 }, () => ({ sparePartId: 0, quantity: 1, defectiveSerial: "" })),
  ].slice(0, MAX_ROWS);
  return {
    claim: { id: claim.id, ticketNumber: claim.ticket_number, serviceType: claim.service_type, claimedRials: Number(claim.claimed_rials) },
    ticket: { model: basis.ticket.model_name, serial: basis.ticket.serial_number },
    catalogue: basis.catalogue.map((c) => ({ id: c.id, code: c.code, name: c.name, price: c.list_price_rials, serialized: c.serialized })),
    rows,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, claim } = await load(request, context, params);
  const fields = await readForm(request);
  const f = Form_.safeParse(fields);
  if (!f.success) return Response.json({ ok: false, message: "claims.error.serviceType" satisfies MessageKey }, { status: 400 });
  const parts = readClaimParts(fields, MAX_ROWS);
  if (parts === null) return Response.json({ ok: false, message: "claims.error.quantity" satisfies MessageKey }, { status: 400 });
  try {
    await editDraft(context.db, { kind: "agency", userId: user.id, ip: context.clientIp }, { claimId: claim.id, serviceType: f.data.serviceType, parts, submit: f.data.intent === "submit" });
    return redirect(`/agency/claims/${claim.id}?done=${f.data.intent === "submit" ? "submitted" : "saved"}`);
  } catch (err) {
    const fail = claimFailure(err);
    return Response.json({ ok: false, message: fail.message }, { status: fail.status });
  }
}

export default function EditDraftClaim() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { ok: false; message: MessageKey } | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <p>
        <Link to={`/agency/claims/${d.claim.id}`}>{t("claims.backToList")}</Link>
      </p>
      <h1>{t("claims.editTitle", { id: formatDigits(d.claim.id, locale) })}</h1>
      <p className="muted">
        {t("claims.ticket")} {formatDigits(d.claim.ticketNumber, locale)} — {[d.ticket.model, d.ticket.serial].filter(Boolean).join(" — ")}
      </p>
      <p>
        {t("claims.claimed")}: <strong data-testid="draft-claimed">{formatRials(d.claim.claimedRials, locale)}</strong>
      </p>
      {result && (
        <p role="alert" className="error" data-testid="claim-error">
          {t(result.message)}
        </p>
      )}
      <p className="muted">{t("claims.editHint")}</p>
      <Form method="post" aria-labelledby="claim-edit-title">
        <h2 id="claim-edit-title">{t("claims.parts")}</h2>
        <ClaimPartsFields serviceType={d.claim.serviceType} rows={d.rows} catalogue={d.catalogue} />
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
