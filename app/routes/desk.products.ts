import type { LoaderFunctionArgs } from "@remix-run/node";
import { isValidSerial, normalizeSerial } from "../../core/serial";
import { tehranDay } from "../../core/jalali";
import { warrantyDaysLeft, warrantyStatusOn } from "../../core/warranty";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { desk } from "~/lib/db.server";
import { readSearchParams } from "~/lib/input.server";

/** The registration form's serial lookup: the products registered with a serial, with their warranty today. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "tickets:create");
  const serial = normalizeSerial(readSearchParams(request).serial ?? "");
  if (!isValidSerial(serial)) return { serial, products: [] };
  const today = tehranDay(new Date());
  const rows = await desk.productsBySerial(context.db, scopeFor(user), serial);
  return {
    serial,
    products: rows.map((p) => ({
      id: p.id,
      customerId: p.customer_id,
      serial: p.serial_number,
      modelId: p.model_id,
      categoryId: p.category_id,
      model: p.model_name,
      brandFa: p.brand_fa,
      brandEn: p.brand_en,
      purchaseDate: p.purchase_date,
      warrantyStatus: warrantyStatusOn(p.warranty_expires_on, today),
      warrantyDaysLeft: warrantyDaysLeft(p.warranty_expires_on, today),
    })),
  };
}
