import type { SmsTemplateKind } from "../../core/sms-templates";
import type { DB } from "../connection";

/** Every SMS text an admin changed, with who changed it last (the admin's template list). */
export async function listSmsTemplateOverrides(db: DB) {
  return db
    .selectFrom("sms_template_overrides as o")
    .leftJoin("users as u", "u.id", "o.updated_by")
    .select(["o.kind", "o.body", "o.updated_at", "u.display_name as updated_by_name"])
    .orderBy("o.kind")
    .execute();
}

/** The admin's text for a kind, or null when the default is in use. Inside the caller's transaction. */
export async function smsTemplateOverride(db: DB, kind: SmsTemplateKind): Promise<string | null> {
  const row = await db.selectFrom("sms_template_overrides").select("body").where("kind", "=", kind).executeTakeFirst();
  return row?.body ?? null;
}
