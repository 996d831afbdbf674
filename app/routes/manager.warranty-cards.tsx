import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { cardCodesCsv, DEFAULT_ACTIVATE_WITHIN_MONTHS, formatCardCode, MAX_ACTIVATE_WITHIN_MONTHS, MAX_CARDS_PER_BATCH, type CardSerialRow } from "../../core/warranty-card";
import { DataTable } from "~/components/reports/DataTable";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { warrantyBatches } from "~/lib/db.server";
import { formatDigits, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readMultipartForm } from "~/lib/input.server";
import type { ReportColumn } from "~/lib/report-table";
import { CardBatchInputError, CardBatchRowsError, issueWarrantyCardBatch } from "~/lib/services.server";

/*
 * Issuing warranty cards (issue 15 §1, warranty:issue): the manufacturer picks a model and gives the serials of
 * the units to print cards for — pasted one a line, or a CSV file (first column) — and gets a new random code
 * for each. The codes are shown, and offered as the printer's CSV, ONCE in the answer to this form: only their
 * keyed hash is stored, so nothing can show them again. A batch with any wrong row (not a serial, a duplicate,
 * a serial that already has a card) is refused whole, each wrong row named. Below: the batches issued, with
 * their cards activated and not activated.
 */

// the answer carries card codes: never kept by a cache or sent on as a referrer
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const h = new Headers(loaderHeaders);
  h.set("Cache-Control", actionHeaders.get("Cache-Control") ?? "private, no-store");
  h.set("Referrer-Policy", "no-referrer");
  return h;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "warranty:issue");
  const [models, batches] = await Promise.all([warrantyBatches.cardModels(context.db), warrantyBatches.recentCardBatches(context.db, 50)]);
  return {
    models,
    batches: batches.map((b) => ({
      id: b.id,
      issued_at: new Date(b.issued_at).toISOString(),
      model: `${b.model_name} (${b.model_code})`,
      issued_by: b.issued_by_name ?? "",
      card_count: b.card_count,
      activated: b.activated,
      not_activated: b.notActivated,
      activate_by: b.activate_by ? `${b.activate_by}T12:00:00Z` : null,
    })),
  };
}

const BatchForm = z.object({
  modelId: z.coerce.number({ message: "warrantyIssue.error.model" }).int("warrantyIssue.error.model").positive("warrantyIssue.error.model").max(Number.MAX_SAFE_INTEGER, "warrantyIssue.error.model"),
  months: z
    .string()
    .optional()
    .transform((v) => (v && toLatinDigits(v).trim() ? Number(toLatinDigits(v).trim()) : DEFAULT_ACTIVATE_WITHIN_MONTHS))
    .refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_ACTIVATE_WITHIN_MONTHS, "warrantyIssue.error.months"),
  serials: z.string().max(400_000, "warrantyIssue.error.tooMany").optional(),
});

interface Values {
  modelId: string;
  months: string;
  serials: string;
}

type ActionData =
  | { ok: true; batchId: number; count: number; modelId: number; csv: string; cards: { serial: string; code: string }[] }
  | { ok: false; error: MessageKey; rows: CardSerialRow[]; values: Values };

const NO_STORE = { "Cache-Control": "private, no-store" };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "warranty:issue");
  const form = await readMultipartForm(request, { fileFields: ["file"], maxFiles: 1, maxFileBytes: 1_000_000, maxFieldBytes: 400_000 });
  const values: Values = { modelId: form.fields.modelId ?? "", months: form.fields.months ?? "", serials: form.fields.serials ?? "" };
  const refuse = (error: MessageKey, rows: CardSerialRow[] = [], status = 400) =>
    Response.json({ ok: false, error, rows, values } satisfies ActionData, { status, headers: NO_STORE });
  if (form.problem) return refuse("warrantyIssue.error.fileTooLarge", [], 413);
  const parsed = BatchForm.safeParse(form.fields);
  if (!parsed.success) return refuse((parsed.error.issues[0]?.message ?? "warrantyIssue.error.model") as MessageKey);
  let text = parsed.data.serials ?? "";
  const file = form.files[0];
  if (file) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
    } catch {
      return refuse("warrantyIssue.error.encoding");
    }
  }
  try {
    const issued = await issueWarrantyCardBatch(context.db, context.env.warrantyCodeSecret, staffActor(user, context), {
      modelId: parsed.data.modelId,
      serialsText: text,
      activateWithinMonths: parsed.data.months,
    });
    return Response.json(
      {
        ok: true,
        batchId: issued.batchId,
        count: issued.cards.length,
        modelId: issued.modelId,
        csv: cardCodesCsv(issued.cards),
        cards: issued.cards.map((c) => ({ serial: c.serial, code: formatCardCode(c.code) })),
      } satisfies ActionData,
      { headers: NO_STORE },
    );
  } catch (e) {
    if (e instanceof CardBatchRowsError) return refuse("warrantyIssue.error.rows", e.rows.filter((r) => r.problem !== null).slice(0, 500));
    if (e instanceof CardBatchInputError) return refuse(`warrantyIssue.error.${e.code}`);
    throw e;
  }
}

interface BatchRow {
  id: number;
  issued_at: string;
  model: string;
  issued_by: string;
  card_count: number;
  activated: number;
  not_activated: number;
  activate_by: string | null;
}

const BATCH_COLUMNS: readonly ReportColumn<BatchRow>[] = [
  { key: "id", header: "warrantyIssue.col.batch", kind: "code" },
  { key: "issued_at", header: "warrantyIssue.col.issuedAt", kind: "datetime" },
  { key: "model", header: "warrantyIssue.col.model", kind: "text" },
  { key: "issued_by", header: "warrantyIssue.col.issuedBy", kind: "text" },
  { key: "card_count", header: "warrantyIssue.col.count", kind: "number" },
  { key: "activated", header: "warrantyIssue.col.activated", kind: "number" },
  { key: "not_activated", header: "warrantyIssue.col.notActivated", kind: "number" },
  { key: "activate_by", header: "warrantyIssue.col.activateBy", kind: "date" },
];

function problemText(r: CardSerialRow, t: ReturnType<typeof useT>, locale: ReturnType<typeof useLocale>): string {
  switch (r.problem) {
    case "invalid":
      return t("warrantyIssue.problem.invalid");
    case "duplicate":
      return t("warrantyIssue.problem.duplicate", { row: formatDigits(r.duplicateOf ?? 0, locale) });
    case "exists":
      return t("warrantyIssue.problem.exists");
    default:
      return "";
  }
}

export default function WarrantyCardIssuing() {
  const { models, batches } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const locale = useLocale();
  const values: Values = result && !result.ok ? result.values : { modelId: "", months: String(DEFAULT_ACTIVATE_WITHIN_MONTHS), serials: "" };
  return (
    <>
      <h1>{t("warrantyIssue.title")}</h1>
      <p>{t("warrantyIssue.intro", { max: formatNumber(MAX_CARDS_PER_BATCH, locale) })}</p>
      <p className="notice" role="note" data-testid="codes-once-note">
        {t("warrantyIssue.onceNote")}
      </p>

      {result && result.ok ? (
        <section className="panel" data-testid="issued-batch" aria-labelledby="issued-title">
          <h2 id="issued-title">{t("warrantyIssue.issued", { count: formatNumber(result.count, locale), batch: formatDigits(result.batchId, locale) })}</h2>
          <p className="notice error" role="alert">
            {t("warrantyIssue.issuedOnce")}
          </p>
          <p>
            <a
              href={`data:text/csv;charset=utf-8,${encodeURIComponent(`\ufeff${result.csv}`)}`}
              download={`warranty-cards-batch-${result.batchId}.csv`}
              className="button"
              data-testid="codes-csv"
            >
              {t("warrantyIssue.download")}
            </a>
          </p>
          <table className="data" data-testid="issued-codes">
            <thead>
              <tr>
                <th>{t("warrantyIssue.col.serial")}</th>
                <th>{t("warrantyIssue.col.code")}</th>
              </tr>
            </thead>
            <tbody>
              {result.cards.map((c) => (
                <tr key={c.serial}>
                  <td dir="ltr">{c.serial}</td>
                  <td dir="ltr" className="mono">
                    {c.code}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {result && !result.ok ? (
        <div role="alert" data-testid="issue-error">
          <p className="error">{t(result.error)}</p>
          {result.rows.length ? (
            <table className="data" data-testid="issue-row-errors">
              <thead>
                <tr>
                  <th>{t("warrantyIssue.col.row")}</th>
                  <th>{t("warrantyIssue.col.serial")}</th>
                  <th>{t("warrantyIssue.col.problem")}</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.map((r) => (
                  <tr key={r.row} data-problem={r.problem ?? ""}>
                    <td>{formatDigits(r.row, locale)}</td>
                    <td dir="ltr">{r.serial}</td>
                    <td>{problemText(r, t, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}

      <section className="panel" aria-labelledby="issue-form-title">
        <h2 id="issue-form-title">{t("warrantyIssue.formTitle")}</h2>
        <Form method="post" encType="multipart/form-data" className="stack" key={result && result.ok ? `issued-${result.batchId}` : "form"}>
          <label>
            {t("warrantyIssue.model")}
            <select name="modelId" required defaultValue={values.modelId}>
              <option value="">{t("warrantyIssue.modelPick")}</option>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {`${locale === "fa" ? m.brand_fa : m.brand_en} — ${m.name} (${m.model_code})`}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("warrantyIssue.serials")}
            <textarea name="serials" rows={8} dir="ltr" defaultValue={values.serials} />
          </label>
          <p className="muted">{t("warrantyIssue.serialsHelp")}</p>
          <label>
            {t("warrantyIssue.file")}
            <input type="file" name="file" accept=".csv,.txt,text/csv,text/plain" />
          </label>
          <label>
            {t("warrantyIssue.months")}
            <input name="months" inputMode="numeric" dir="ltr" defaultValue={values.months} />
          </label>
          <button type="submit" disabled={busy}>
            {t("warrantyIssue.submit")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="batches-title">
        <h2 id="batches-title">{t("warrantyIssue.batches")}</h2>
        {batches.length ? (
          <DataTable columns={BATCH_COLUMNS} rows={batches} rowKey={(r) => r.id} filter={false} />
        ) : (
          <p className="muted">{t("warrantyIssue.noBatches")}</p>
        )}
      </section>
    </>
  );
}
