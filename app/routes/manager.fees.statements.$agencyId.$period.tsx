import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { parseDayInput } from "../../core/jalali";
import { isPeriod } from "../../core/ledger";
import { can } from "../../core/roles";
import { StatementView } from "~/components/ledger/StatementView";
import type { MessageKey } from "~/i18n";
import { translator } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { formatDigits, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { loadStatement } from "~/lib/ledger.server";
import { resolveLocale } from "~/lib/locale.server";
import { adjustFee, LedgerError, settleStatement } from "~/lib/services.server";
import ledgerStyles from "~/styles/ledger.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

const Params = z.object({ agencyId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER), period: z.string().refine(isPeriod) });

const SettleForm = z.object({ intent: z.literal("settle"), paidOn: z.string().max(40), reference: z.string().max(200) });
const AdjustForm = z.object({
  intent: z.literal("adjust"),
  entryId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  amount: z.string().max(40),
  reason: z.string().max(2000),
});

type ActionResult = { ok: boolean; message: MessageKey; form: "settle" | "adjust" };

function params(p: Record<string, string | undefined>) {
  const parsed = Params.safeParse(p);
  if (!parsed.success) throw new Response("Not Found", { status: 404 });
  return parsed.data;
}

export async function loader({ request, context, params: p }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const { agencyId, period } = params(p);
  const t = translator(await resolveLocale(request, user));
  const statement = await loadStatement(context.db, agencyId, period, t);
  if (!statement) throw new Response("Not Found", { status: 404 });
  return { ...statement, canManage: can(user.role, "ledger:manage") };
}

/** Latin digits of a typed amount: Persian or Arabic-Indic digits, thousands separators, a leading minus. */
function parseAmount(text: string): number | null {
  const latin = text
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[,٬\s]/g, "")
    .replace(/^[−–]/, "-");
  return /^-?\d{1,13}$/.test(latin) ? Number(latin) : null;
}

export async function action({ request, context, params: p }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "ledger:manage");
  const { agencyId, period } = params(p);
  const fields = await readForm(request);
  const actor = staffActor(user, context);
  const fail = (message: MessageKey, form: "settle" | "adjust", status = 400) => Response.json({ ok: false, message, form } satisfies ActionResult, { status });
  try {
    if (fields.intent === "settle") {
      const f = SettleForm.safeParse(fields);
      if (!f.success) return fail("ledger.error.paidOn", "settle");
      const paidOn = parseDayInput(f.data.paidOn);
      if (!paidOn) return fail("ledger.error.paidOn", "settle");
      await settleStatement(context.db, actor, { agencyId, period, paidOn, reference: f.data.reference });
      return { ok: true, message: "ledger.settled", form: "settle" } satisfies ActionResult;
    }
    const f = AdjustForm.safeParse(fields);
    if (!f.success) return fail("ledger.error.amountInvalid", "adjust");
    const amount = parseAmount(f.data.amount);
    if (amount === null) return fail("ledger.error.amountInvalid", "adjust");
    await adjustFee(context.db, actor, { entryId: f.data.entryId, amountRials: amount, reason: f.data.reason });
    return { ok: true, message: "ledger.adjusted", form: "adjust" } satisfies ActionResult;
  } catch (err) {
    if (err instanceof LedgerError) return fail(`ledger.error.${err.code}`, fields.intent === "settle" ? "settle" : "adjust", err.code === "forbidden" ? 403 : 400);
    throw err;
  }
}

export default function ManagerStatement() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const base = `/manager/fees/statements/${d.agency.id}/${d.period}`;
  return (
    <>
      <p className="no-print">
        <Link to={`/manager/fees?period=${d.period}#statements`}>{t("ledger.backToStatements")}</Link>
      </p>
      {result && (
        <p role={result.ok ? "status" : "alert"} className={result.ok ? "notice" : "error"} data-testid="ledger-result">
          {t(result.message)}
        </p>
      )}
      <StatementView agency={d.agency} period={d.period} sums={d.sums} rows={d.rows} exportHref={`${base}/export`} ticketBase="/manager/tickets" />
      {d.canManage && (
        <div className="statement-forms no-print">
          {d.sums.balance !== 0 && (
            <Form method="post" aria-labelledby="settle-title">
              <h2 id="settle-title">{t("ledger.settleTitle")}</h2>
              <p className="muted">{t("ledger.settleHint", { amount: formatRials(d.sums.balance, locale) })}</p>
              <input type="hidden" name="intent" value="settle" />
              <label>
                {t("ledger.paidOn")}
                <input name="paidOn" inputMode="numeric" required placeholder={formatDigits("1405/09/01", locale)} />
              </label>
              <label>
                {t("ledger.reference")}
                <input name="reference" required maxLength={100} />
              </label>
              <button type="submit" disabled={busy}>
                {t("ledger.settle")}
              </button>
            </Form>
          )}
          {d.feeEntries.length > 0 && (
            <Form method="post" aria-labelledby="adjust-title">
              <h2 id="adjust-title">{t("ledger.adjustTitle")}</h2>
              <p className="muted">{t("ledger.adjustHint")}</p>
              <input type="hidden" name="intent" value="adjust" />
              <label>
                {t("ledger.adjustEntry")}
                <select name="entryId" required>
                  {d.feeEntries.map((f) => (
                    <option key={f.id} value={f.id}>
                      {formatDigits(String(f.ticket_number ?? ""), locale)} — {formatRials(f.amount, locale)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t("ledger.amount")}
                <input name="amount" inputMode="numeric" required />
              </label>
              <label>
                {t("ledger.reason")}
                <input name="reason" required maxLength={500} />
              </label>
              <button type="submit" disabled={busy}>
                {t("ledger.adjust")}
              </button>
            </Form>
          )}
        </div>
      )}
    </>
  );
}
