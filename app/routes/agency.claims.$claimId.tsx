import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ClaimCorrections, ClaimHistory } from "~/components/claims/ClaimHistory";
import { ClaimView } from "~/components/claims/ClaimView";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { claimFailure } from "~/lib/claims.server";
import { claimEvents, claims } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";
import { submitClaim } from "~/lib/services.server";

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

async function load(request: Request, context: LoaderFunctionArgs["context"], params: LoaderFunctionArgs["params"]) {
  const user = await requirePermission(request, context, "claims:file");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const id = Id.safeParse(params.claimId);
  if (!id.success) throw new Response("Not Found", { status: 404 });
  return { user, scope, id: id.data };
}

/** One of the agency's own claims (another agency's claim id is not found). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { scope, id } = await load(request, context, params);
  const claim = await claims.getClaim(context.db, scope, id);
  if (!claim) throw new Response("Not Found", { status: 404 });
  const [events, entries] = await Promise.all([claimEvents.claimEvents(context.db, claim.id), claimEvents.claimLedgerEntries(context.db, claim.id)]);
  // after an edit of the draft (PRG): what was done
  const done = readSearchParams(request).done;
  const notice: MessageKey | null = done === "saved" ? "claims.saved" : done === "submitted" ? "claims.submitted" : null;
  return { claim, events, entries, notice };
}

type Result = { ok: boolean; message: MessageKey };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, scope, id } = await load(request, context, params);
  if (!(await claims.getClaim(context.db, scope, id))) throw new Response("Not Found", { status: 404 });
  try {
    await submitClaim(context.db, { kind: "agency", userId: user.id, ip: context.clientIp }, id);
    return { ok: true, message: "claims.submitted" } satisfies Result;
  } catch (err) {
    const f = claimFailure(err);
    return Response.json({ ok: false, message: f.message } satisfies Result, { status: f.status });
  }
}

export default function AgencyClaim() {
  const { claim, events, entries, notice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const t = useT();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <p>
        <Link to="/agency/claims">{t("claims.backToList")}</Link>
      </p>
      {notice && !result && (
        <p role="status" className="notice" data-testid="claim-result">
          {t(notice)}
        </p>
      )}
      {result && (
        <p role={result.ok ? "status" : "alert"} className={result.ok ? "notice" : "error"} data-testid="claim-result">
          {t(result.message)}
        </p>
      )}
      <ClaimView claim={claim} ticketHref={`/agency/tickets/${claim.ticket_id}`} />
      {claim.status === "draft" ? (
        <Form method="post">
          <Link to={`/agency/claims/${claim.id}/edit`} className="button" data-testid="edit-draft">
            {t("claims.editDraft")}
          </Link>{" "}
          <button type="submit" disabled={busy}>
            {t("claims.submitDraft")}
          </button>
        </Form>
      ) : (
        <p className="muted" data-testid="claim-read-only">
          {t("claims.readOnly")}
        </p>
      )}
      <ClaimCorrections approvedRials={Number(claim.approved_rials ?? 0)} entries={entries} />
      <ClaimHistory events={events} />
    </>
  );
}
