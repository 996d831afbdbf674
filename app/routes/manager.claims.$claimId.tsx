import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { correctable } from "../../core/claims";
import { can } from "../../core/roles";
import { ClaimCorrections, ClaimHistory } from "~/components/claims/ClaimHistory";
import { ClaimView, lineText } from "~/components/claims/ClaimView";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { claimFailure } from "~/lib/claims.server";
import { claimEvents, claims } from "~/lib/db.server";
import { formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { correctClaim, decideClaim, recordPartReturn } from "~/lib/services.server";

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

function claimId(params: LoaderFunctionArgs["params"]) {
  const id = Id.safeParse(params.claimId);
  if (!id.success) throw new Response("Not Found", { status: 404 });
  return id.data;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "claims:review");
  const claim = await claims.getClaim(context.db, { kind: "all" }, claimId(params));
  if (!claim) throw new Response("Not Found", { status: 404 });
  const [events, entries] = await Promise.all([claimEvents.claimEvents(context.db, claim.id), claimEvents.claimLedgerEntries(context.db, claim.id)]);
  const canCorrect = correctable(claim.status) && claim.ledger_entry_id !== null && can(user.role, "ledger:manage");
  return { claim, events, entries, canCorrect };
}

type Result = { ok: boolean; message: MessageKey };

/** Latin digits of a typed amount: Persian or Arabic-Indic digits, thousands separators. */
function parseRials(text: string): number | null {
  const latin = text
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[,٬\s]/g, "");
  return /^\d{1,13}$/.test(latin) ? Number(latin) : null;
}

/** A typed correction: a whole number of rials with its sign (+, -, − or none), digits as parseRials reads them. */
function parseSignedRials(text: string): number | null {
  const t = text.trim().replace(/^\u200e/, "");
  const sign = /^[-−–]/.test(t) ? -1 : 1;
  const n = parseRials(t.replace(/^[-−–+]/, ""));
  return n === null ? null : sign * n;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "claims:review");
  const id = claimId(params);
  const fields = await readForm(request);
  const actor = staffActor(user, context);
  const fail = (message: MessageKey, status = 400) => Response.json({ ok: false, message } satisfies Result, { status });
  try {
    if (fields.intent === "return") {
      const line = Id.safeParse(fields.lineId);
      if (!line.success) return fail("claims.error.notReturnable");
      const lines = await claims.claimLines(context.db, id);
      if (!lines.some((l) => l.id === line.data)) return fail("claims.error.notFound", 404);
      await recordPartReturn(context.db, actor, { lineId: line.data, serial: (fields.serial ?? "").slice(0, 200) });
      return { ok: true, message: "claims.returned" } satisfies Result;
    }
    if (fields.intent === "correct") {
      const amount = parseSignedRials((fields.amount ?? "").slice(0, 40));
      if (amount === null || amount === 0) return fail("claims.error.amountInvalid");
      await correctClaim(context.db, actor, { claimId: id, deltaRials: amount, reason: (fields.reason ?? "").slice(0, 2000) });
      return { ok: true, message: "claims.corrected" } satisfies Result;
    }
    if (fields.intent === "reject") {
      await decideClaim(context.db, actor, { claimId: id, rejectReason: (fields.reason ?? "").slice(0, 2000) });
      return { ok: true, message: "claims.decided" } satisfies Result;
    }
    if (fields.intent === "decide") {
      const lines = await claims.claimLines(context.db, id);
      const decisions: { lineId: number; approvedRials: number; reason: string | null }[] = [];
      for (const l of lines) {
        const typed = (fields[`approved_${l.id}`] ?? "").trim();
        if (typed === "") continue;
        const amount = parseRials(typed);
        if (amount === null) return fail("claims.error.approvedInvalid");
        decisions.push({ lineId: l.id, approvedRials: amount, reason: (fields[`reason_${l.id}`] ?? "").slice(0, 2000) || null });
      }
      await decideClaim(context.db, actor, { claimId: id, lines: decisions });
      return { ok: true, message: "claims.decided" } satisfies Result;
    }
    return fail("claims.error.state");
  } catch (err) {
    const f = claimFailure(err);
    return fail(f.message, f.status);
  }
}

export default function ManagerClaim() {
  const { claim, events, entries, canCorrect } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const awaiting = claim.lines.filter((l) => l.serialized && (l.approved_rials ?? 0) > 0 && !l.returned_serial);
  const canReturn = claim.status === "approved" || claim.status === "partly_approved" || claim.status === "paid";
  return (
    <>
      <p>
        <Link to="/manager/claims">{t("claims.backToList")}</Link>
      </p>
      {result && (
        <p role={result.ok ? "status" : "alert"} className={result.ok ? "notice" : "error"} data-testid="claim-result">
          {t(result.message)}
        </p>
      )}
      <ClaimView claim={claim} ticketHref={`/manager/tickets/${claim.ticket_id}`} />
      {claim.status === "submitted" && (
        <>
          <Form method="post" aria-labelledby="decide-title">
            <h2 id="decide-title">{t("claims.decideTitle")}</h2>
            <p className="muted">{t("claims.decideHint")}</p>
            <input type="hidden" name="intent" value="decide" />
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("claims.description")}</th>
                  <th scope="col">{t("claims.amount")}</th>
                  <th scope="col">{t("claims.approved")}</th>
                  <th scope="col">{t("claims.lineReason")}</th>
                </tr>
              </thead>
              <tbody>
                {claim.lines.map((l) => (
                  <tr key={l.id} data-line={l.kind}>
                    <td>{lineText(l, t, locale)}</td>
                    <td>{formatRials(l.amount_rials, locale)}</td>
                    <td>
                      <input name={`approved_${l.id}`} inputMode="numeric" aria-label={`${t("claims.approved")} — ${lineText(l, t, locale)}`} />
                    </td>
                    <td>
                      <input name={`reason_${l.id}`} maxLength={500} aria-label={`${t("claims.lineReason")} — ${lineText(l, t, locale)}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="submit" disabled={busy}>
              {t("claims.approve")}
            </button>
          </Form>
          <Form method="post" aria-labelledby="reject-title">
            <h2 id="reject-title">{t("claims.rejectTitle")}</h2>
            <input type="hidden" name="intent" value="reject" />
            <label>
              {t("claims.rejectReason")}
              <input name="reason" required maxLength={500} />
            </label>
            <button type="submit" disabled={busy}>
              {t("claims.reject")}
            </button>
          </Form>
        </>
      )}
      {canReturn && awaiting.length > 0 && (
        <Form method="post" aria-labelledby="return-title">
          <h2 id="return-title">{t("claims.returnTitle")}</h2>
          <p className="muted">{t("claims.returnHint")}</p>
          <input type="hidden" name="intent" value="return" />
          <label>
            {t("claims.part")}
            <select name="lineId">
              {awaiting.map((l) => (
                <option key={l.id} value={l.id}>
                  {lineText(l, t, locale)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("claims.receivedSerial")}
            <input name="serial" required maxLength={100} />
          </label>
          <button type="submit" disabled={busy}>
            {t("claims.receive")}
          </button>
        </Form>
      )}
      {canCorrect && (
        <Form method="post" aria-labelledby="correct-title" data-testid="correct-form">
          <h2 id="correct-title">{t("claims.correctTitle")}</h2>
          <p className="muted">{t("claims.correctHint")}</p>
          <input type="hidden" name="intent" value="correct" />
          <label>
            {t("claims.correctAmount")}
            <input name="amount" required inputMode="numeric" dir="ltr" maxLength={30} />
          </label>
          <label>
            {t("claims.correctReason")}
            <input name="reason" required maxLength={500} />
          </label>
          <button type="submit" disabled={busy}>
            {t("claims.correct")}
          </button>
        </Form>
      )}
      <ClaimCorrections approvedRials={Number(claim.approved_rials ?? 0)} entries={entries} />
      <ClaimHistory events={events} />
    </>
  );
}
