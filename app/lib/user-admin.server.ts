import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USERNAME_RE } from "../../core/agency-admin";
import { ROLES } from "../../core/roles";
import { toLatinDigits } from "../../core/digits";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { agencyAdmin, users } from "~/lib/db.server";
import { readForm } from "~/lib/input.server";
import { activateUser, createUser, deactivateUser, resetUserPassword, setUserRole, UserAdminError } from "~/lib/services.server";

/* The admin's users page (users:manage): guard → parse (zod) → one service call → the page with what was done. */

export type UserActionResult =
  | { done: "create" | "disable" | "enable" | "role" | "password"; username: string; password?: string | null }
  | { error: MessageKey; intent: string };

const Id = z.coerce.number().int().positive().max(2 ** 53);
const AgencyId = z
  .string()
  .optional()
  .transform((v) => (v ? Number(v) : null))
  .refine((v) => v === null || (Number.isSafeInteger(v) && v > 0), "userAdmin.error.invalid");

const FORM = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    username: z
      .string()
      .transform((v) => toLatinDigits(v).trim().toLowerCase())
      .refine((v) => USERNAME_RE.test(v), "userAdmin.error.username"),
    displayName: z.string().trim().min(2, "userAdmin.error.displayName").max(100, "userAdmin.error.displayName"),
    role: z.enum(ROLES, { errorMap: () => ({ message: "userAdmin.error.invalid" }) }),
    agencyId: AgencyId,
    password: z.string().min(MIN_PASSWORD_LENGTH, "userAdmin.error.password").max(MAX_PASSWORD_LENGTH, "userAdmin.error.password"),
  }),
  z.object({ intent: z.literal("disable"), userId: Id }),
  z.object({ intent: z.literal("enable"), userId: Id }),
  z.object({ intent: z.literal("role"), userId: Id, role: z.enum(ROLES, { errorMap: () => ({ message: "userAdmin.error.invalid" }) }), agencyId: AgencyId }),
  z.object({
    intent: z.literal("password"),
    userId: Id,
    password: z
      .string()
      .optional()
      .refine((v) => !v || (v.length >= MIN_PASSWORD_LENGTH && v.length <= MAX_PASSWORD_LENGTH), "userAdmin.error.password"),
  }),
]);

const ERRORS: Record<UserAdminError["code"], MessageKey> = {
  notFound: "userAdmin.error.notFound",
  username: "userAdmin.error.username",
  usernameTaken: "userAdmin.error.usernameTaken",
  displayName: "userAdmin.error.displayName",
  password: "userAdmin.error.password",
  agencyRequired: "userAdmin.error.agencyRequired",
  agencyForbidden: "userAdmin.error.agencyForbidden",
  agencyNotFound: "userAdmin.error.notFound",
  self: "userAdmin.error.self",
};

export async function loadAdminUsers({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  const [rows, agencies] = await Promise.all([users.listUsers(context.db), agencyAdmin.agencyChoices(context.db)]);
  return { rows, agencies, selfId: user.id };
}

export async function adminUsersAction({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  const form = await readForm(request);
  const intent = form.intent ?? "";
  const refuse = (status: number, error: MessageKey) => Response.json({ error, intent } satisfies UserActionResult, { status });
  const parsed = FORM.safeParse(form);
  if (!parsed.success) {
    const m = parsed.error.issues[0]?.message ?? "";
    return refuse(400, (m.startsWith("userAdmin.error.") ? m : "userAdmin.error.invalid") as MessageKey);
  }
  const input = parsed.data;
  const actor = staffActor(user, context);
  const usernameOf = async (id: number) => (await users.listUsers(context.db)).find((u) => u.id === id)?.username ?? "";
  try {
    switch (input.intent) {
      case "create": {
        await createUser(context.db, actor, { username: input.username, displayName: input.displayName, role: input.role, agencyId: input.agencyId, password: input.password });
        return Response.json({ done: "create", username: input.username } satisfies UserActionResult);
      }
      case "disable": {
        if (input.userId === user.id) return refuse(400, "userAdmin.error.self");
        const r = await deactivateUser(context.db, { userId: input.userId, actorUserId: user.id, ip: context.clientIp });
        if (!r.found) return refuse(404, "userAdmin.error.notFound");
        return Response.json({ done: "disable", username: await usernameOf(input.userId) } satisfies UserActionResult);
      }
      case "enable":
        await activateUser(context.db, actor, { userId: input.userId });
        return Response.json({ done: "enable", username: await usernameOf(input.userId) } satisfies UserActionResult);
      case "role":
        await setUserRole(context.db, actor, { userId: input.userId, role: input.role, agencyId: input.agencyId });
        return Response.json({ done: "role", username: await usernameOf(input.userId) } satisfies UserActionResult);
      case "password": {
        const r = await resetUserPassword(context.db, actor, { userId: input.userId, password: input.password || null });
        return Response.json({ done: "password", username: await usernameOf(input.userId), password: r.generated } satisfies UserActionResult);
      }
    }
  } catch (error) {
    if (error instanceof UserAdminError) return refuse(error.code === "notFound" ? 404 : error.code === "usernameTaken" ? 409 : 400, ERRORS[error.code]);
    throw error;
  }
}
