import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { normalizeIranMobile } from "../../core/phone";
import { can } from "../../core/roles";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { agencies } from "~/lib/db.server";
import { formatNumber, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import {
  addTechnician,
  MAX_TECHNICIAN_NAME_LENGTH,
  setTechnicianActive,
  TechnicianError,
  updateTechnician,
} from "~/lib/services.server";
import portalStyles from "~/styles/agency-portal.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalStyles }];

const DONE = ["create", "update", "deactivate", "reactivate"] as const;

/**
 * The agency's technicians: every agency user sees them (agency_portal:use); only its admin adds, edits,
 * deactivates and reactivates them (agency_portal:technicians). Its own technicians only.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const done = DONE.find((d) => d === readSearchParams(request).done) ?? null;
  return {
    technicians: await agencies.technicianRoster(context.db, scope.agencyId),
    canManage: can(user.role, "agency_portal:technicians"),
    done,
    maxName: MAX_TECHNICIAN_NAME_LENGTH,
  };
}

const Id = z.coerce.number().int().positive().max(2 ** 53);
const Name = z
  .string({ required_error: "agencyTech.error.name" })
  .trim()
  .min(1, "agencyTech.error.name")
  .max(MAX_TECHNICIAN_NAME_LENGTH, "agencyTech.error.name");
const Mobile = z
  .string({ required_error: "agencyTech.error.mobile" })
  .max(40, "agencyTech.error.mobile")
  .refine((v) => normalizeIranMobile(v) !== null, "agencyTech.error.mobile");

const TechForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), fullName: Name, mobile: Mobile }),
  z.object({ intent: z.literal("update"), technicianId: Id, fullName: Name, mobile: Mobile }),
  z.object({ intent: z.literal("deactivate"), technicianId: Id }),
  z.object({ intent: z.literal("reactivate"), technicianId: Id }),
]);

export interface TechActionError {
  /** the form the message belongs to: the new technician's, or a technician's row */
  technicianId: number | "new" | null;
  error: MessageKey;
  fullName?: string;
  mobile?: string;
}

const ERRORS: Record<TechnicianError["code"], { status: number; key: MessageKey }> = {
  forbidden: { status: 403, key: "agencyTech.viewOnly" },
  not_found: { status: 404, key: "agencyTech.error.notFound" },
  name: { status: 400, key: "agencyTech.error.name" },
  mobile: { status: 400, key: "agencyTech.error.mobile" },
  duplicate: { status: 409, key: "agencyTech.error.duplicate" },
};

function refused(status: number, body: TechActionError) {
  return Response.json(body, { status });
}

/** Guard (agency admins only) → parse → one service call → back to the list with what was done. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:technicians");
  const form = await readForm(request);
  const which = form.intent === "create" ? ("new" as const) : (Id.safeParse(form.technicianId).data ?? null);
  const echo = { fullName: form.fullName ?? "", mobile: form.mobile ?? "" };
  const parsed = TechForm.safeParse(form);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message;
    const error = (message?.startsWith("agencyTech.error.") ? message : "agencyTech.error.invalid") as MessageKey;
    return refused(400, { technicianId: which, error, ...echo });
  }
  const input = parsed.data;
  const actor = { kind: "agency" as const, userId: user.id, ip: context.clientIp };
  try {
    switch (input.intent) {
      case "create":
        await addTechnician(context.db, actor, { fullName: input.fullName, mobile: input.mobile });
        break;
      case "update":
        await updateTechnician(context.db, actor, { technicianId: input.technicianId, fullName: input.fullName, mobile: input.mobile });
        break;
      case "deactivate":
      case "reactivate":
        await setTechnicianActive(context.db, actor, { technicianId: input.technicianId, active: input.intent === "reactivate" });
        break;
    }
  } catch (error) {
    if (error instanceof TechnicianError) {
      const m = ERRORS[error.code];
      return refused(m.status, { technicianId: which, error: m.key, ...echo });
    }
    throw error;
  }
  return redirect(`/agency/technicians?done=${input.intent}`);
}

function TechFields({ idPrefix, fullName, mobile, maxName }: { idPrefix: string; fullName: string; mobile: string; maxName: number }) {
  const t = useT();
  return (
    <>
      <label htmlFor={`${idPrefix}-name`}>
        {t("agencyTech.name")}
        <input id={`${idPrefix}-name`} name="fullName" required maxLength={maxName} defaultValue={fullName} autoComplete="off" />
      </label>
      <label htmlFor={`${idPrefix}-mobile`}>
        {t("agencyTech.mobile")}
        <input id={`${idPrefix}-mobile`} name="mobile" required inputMode="tel" dir="ltr" defaultValue={mobile} autoComplete="off" placeholder="09123456789" />
      </label>
    </>
  );
}

export default function AgencyTechnicians() {
  const { technicians, canManage, done, maxName } = useLoaderData<typeof loader>();
  const result = useActionData<TechActionError>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const busy = navigation.state !== "idle";
  return (
    <>
      <h1>{t("agencyTech.title")}</h1>
      {done ? (
        <p className="notice ok" role="status" data-testid="tech-done">
          {t(`agencyTech.done.${done}`)}
        </p>
      ) : null}
      {result && result.technicianId == null ? (
        <p className="notice error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
      {canManage ? (
        <section className="panel" aria-labelledby="add-tech">
          <h2 id="add-tech">{t("agencyTech.add")}</h2>
          <Form method="post" className="tech-form" data-testid="add-technician">
            <input type="hidden" name="intent" value="create" />
            <TechFields
              idPrefix="new"
              fullName={result?.technicianId === "new" ? (result.fullName ?? "") : ""}
              mobile={result?.technicianId === "new" ? (result.mobile ?? "") : ""}
              maxName={maxName}
            />
            <button type="submit" disabled={busy}>
              {t("agencyTech.add")}
            </button>
          </Form>
          {result?.technicianId === "new" ? (
            <p className="error" role="alert">
              {t(result.error)}
            </p>
          ) : null}
        </section>
      ) : (
        <p className="muted" data-testid="tech-view-only">
          {t("agencyTech.viewOnly")}
        </p>
      )}
      {technicians.length === 0 ? (
        <p className="muted">{t("agencyTech.none")}</p>
      ) : (
        <ul className="tech-list">
          {technicians.map((tech) => {
            const error = result && result.technicianId === tech.id ? result : null;
            return (
              <li key={tech.id} data-testid="technician" data-active={tech.active}>
                <div className="tech-head">
                  <span className="name">{tech.full_name}</span>
                  <span className="ltr">{formatPhone(tech.mobile, locale)}</span>
                  <span className={`badge${tech.active ? " ok" : ""}`}>{tech.active ? t("agencyTech.active") : t("agencyTech.inactive")}</span>
                  <span className="muted">
                    {t("agencyTech.openJobs")}: {formatNumber(Number(tech.open_jobs ?? 0), locale)}
                  </span>
                </div>
                {error ? (
                  <p className="error" role="alert">
                    {t(error.error)}
                  </p>
                ) : null}
                {canManage ? (
                  <>
                    <details className="tech-edit" open={error ? true : undefined}>
                      <summary>{t("agencyTech.edit")}</summary>
                      <Form method="post" className="tech-form">
                        <input type="hidden" name="intent" value="update" />
                        <input type="hidden" name="technicianId" value={tech.id} />
                        <TechFields
                          idPrefix={`tech-${tech.id}`}
                          fullName={error?.fullName || tech.full_name}
                          mobile={error?.mobile || `0${tech.mobile.slice(3)}`}
                          maxName={maxName}
                        />
                        <button type="submit" disabled={busy}>
                          {t("agencyTech.save")}
                        </button>
                      </Form>
                    </details>
                    <Form method="post">
                      <input type="hidden" name="intent" value={tech.active ? "deactivate" : "reactivate"} />
                      <input type="hidden" name="technicianId" value={tech.id} />
                      <button type="submit" className="secondary" disabled={busy}>
                        {tech.active ? t("agencyTech.deactivate") : t("agencyTech.reactivate")}
                      </button>
                    </Form>
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
