import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { parts } from "~/lib/db.server";
import { formatDigits, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { parseCatalogueForm, partErrorKey } from "~/lib/parts.server";
import { addSparePart, updateSparePart } from "~/lib/services.server";

/*
 * The spare-parts catalogue (issue 15 §4), for the admin (parts:catalogue): a model's parts with search, a new
 * part, and each part's name, list price, serialized flag and whether it may still be requested. Every change
 * is audited (services/parts.ts). Requests keep the price they were made at, so a new price changes nothing
 * already requested.
 */

const Id = z.coerce.number().int().positive().max(2 ** 53);

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "parts:catalogue");
  const q = readSearchParams(request);
  const models = await parts.modelsWithParts(context.db);
  const asked = Id.safeParse(q.model ?? "");
  const model = (asked.success ? models.find((m) => m.id === asked.data) : undefined) ?? models[0] ?? null;
  const search = (q.q ?? "").trim().slice(0, 60) || null;
  const rows = model ? await parts.catalogue(context.db, model.id, search) : [];
  return { models, model, search, rows, saved: q.saved === "1" };
}

interface ActionError {
  intent: "add" | "save" | null;
  partId?: number;
  error: MessageKey;
  values: Record<string, string>;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "parts:catalogue");
  const form = await readForm(request);
  const intent = (["add", "save"] as const).find((i) => i === form.intent) ?? null;
  const refuse = (status: number, error: MessageKey, partId?: number) => Response.json({ intent, partId, error, values: form } satisfies ActionError, { status });
  if (!intent) return refuse(400, "parts.error.catalogue.notFound");
  const parsed = parseCatalogueForm(form);
  if (!parsed.ok) return refuse(400, parsed.error, Id.safeParse(form.partId).data);
  const kept = readSearchParams(request);
  const back = new URLSearchParams({ ...(kept.model ? { model: kept.model } : {}), ...(kept.q ? { q: kept.q } : {}) });
  try {
    if (intent === "add") {
      const model = Id.safeParse(form.modelId ?? "");
      if (!model.success) return refuse(400, "parts.error.catalogue.model");
      await addSparePart(context.db, staffActor(user, context), { modelId: model.data, ...parsed.value });
      back.set("model", String(model.data));
    } else {
      const partId = Id.safeParse(form.partId ?? "");
      if (!partId.success) return refuse(404, "parts.error.catalogue.notFound");
      await updateSparePart(context.db, staffActor(user, context), { partId: partId.data, ...parsed.value });
    }
  } catch (error) {
    return refuse(400, partErrorKey(error), Id.safeParse(form.partId).data);
  }
  back.set("saved", "1");
  return redirect(`/admin/spare-parts?${back.toString()}`);
}

export default function SparePartsAdmin() {
  const { models, model, search, rows, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionError>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const modelLabel = (m: (typeof models)[number]) => `${locale === "fa" ? m.brand_fa : m.brand_en} — ${m.name} (${formatDigits(m.parts ?? 0, locale)})`;
  return (
    <>
      <h1>{t("parts.catalogue.title")}</h1>
      <p className="muted">{t("parts.catalogue.intro")}</p>
      {saved ? (
        <p className="notice ok" role="status" data-testid="catalogue-saved">
          {t("parts.catalogue.saved")}
        </p>
      ) : null}
      <Form method="get" className="filters" data-testid="catalogue-filter">
        <label className="field">
          <span>{t("parts.catalogue.model")}</span>
          <select name="model" defaultValue={model?.id ?? ""}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {modelLabel(m)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("parts.catalogue.search")}</span>
          <input name="q" type="search" defaultValue={search ?? ""} />
        </label>
        <button type="submit">{t("parts.catalogue.show")}</button>
      </Form>
      {model === null ? (
        <p className="muted">{t("parts.catalogue.noModels")}</p>
      ) : (
        <>
          {actionData?.intent === "save" ? (
            <p className="notice error" role="alert">
              {t(actionData.error)}
            </p>
          ) : null}
          {rows.length === 0 ? (
            <p className="muted">{t("common.noResults")}</p>
          ) : (
            <table className="data" data-testid="catalogue">
              <thead>
                <tr>
                  <th>{t("parts.col.code")}</th>
                  <th>{t("parts.col.name")}</th>
                  <th>{t("parts.col.price")}</th>
                  <th>{t("parts.col.serialized")}</th>
                  <th>{t("parts.col.active")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.id} data-part={p.code} className={p.active ? "" : "muted"}>
                    <td className="ltr">{p.code}</td>
                    <td colSpan={5}>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="save" />
                        <input type="hidden" name="partId" value={p.id} />
                        <input name="name" defaultValue={p.name} required maxLength={200} aria-label={t("parts.col.name")} />
                        <input name="price" defaultValue={String(p.list_price_rials)} inputMode="numeric" dir="ltr" size={12} aria-label={t("parts.col.price")} title={formatRials(p.list_price_rials, locale)} />
                        <label>
                          <input type="checkbox" name="serialized" defaultChecked={p.serialized} /> {t("parts.col.serialized")}
                        </label>
                        <select name="active" defaultValue={p.active ? "1" : "0"} aria-label={t("parts.col.active")}>
                          <option value="1">{t("parts.catalogue.active")}</option>
                          <option value="0">{t("parts.catalogue.inactive")}</option>
                        </select>
                        <button type="submit" className="secondary" disabled={busy}>
                          {t("parts.catalogue.save")}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <section className="panel" data-testid="catalogue-add">
            <h2>{t("parts.catalogue.add")}</h2>
            {actionData?.intent === "add" ? (
              <p className="notice error" role="alert">
                {t(actionData.error)}
              </p>
            ) : null}
            <Form method="post" className="job-form">
              <input type="hidden" name="intent" value="add" />
              <input type="hidden" name="modelId" value={model.id} />
              <label className="field">
                <span>{t("parts.col.code")}</span>
                <input name="code" required maxLength={40} dir="ltr" defaultValue={actionData?.intent === "add" ? actionData.values.code : ""} />
              </label>
              <label className="field">
                <span>{t("parts.col.name")}</span>
                <input name="name" required maxLength={200} defaultValue={actionData?.intent === "add" ? actionData.values.name : ""} />
              </label>
              <label className="field">
                <span>{t("parts.col.priceRials")}</span>
                <input name="price" required inputMode="numeric" dir="ltr" defaultValue={actionData?.intent === "add" ? actionData.values.price : ""} />
              </label>
              <label>
                <input type="checkbox" name="serialized" /> {t("parts.col.serialized")}
              </label>
              <button type="submit" disabled={busy}>
                {t("parts.catalogue.addSubmit")}
              </button>
            </Form>
          </section>
        </>
      )}
    </>
  );
}
