import { stripControlChars } from "../../core/text";

/**
 * The one door for outside input to loaders and actions: form fields and query parameters are read
 * here, with control characters removed (NUL, which PostgreSQL refuses, and the rest of C0/C1 except
 * tab, newline and carriage return). Route code never reads `request.formData()` or `url.searchParams`
 * itself (lint rule in eslint.config.js), so no route can pass a NUL byte to the database.
 * Validation (zod) comes next, on these cleaned values.
 */
export type InputFields = Record<string, string>;

/** Query parameters as a plain object of cleaned strings (the first value of a repeated name). */
export function readSearchParams(request: Request | URL): InputFields {
  const url = request instanceof URL ? request : new URL(request.url);
  return cleanEntries(url.searchParams.entries());
}

/**
 * A submitted form as a plain object of cleaned strings (the first value of a repeated name; file
 * uploads are left out). A body that is not a form reads as an empty form, so validation answers it.
 */
export async function readForm(request: Request): Promise<InputFields> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return {};
  }
  return cleanEntries(form.entries());
}

function cleanEntries(entries: Iterable<[string, FormDataEntryValue]>): InputFields {
  const out: InputFields = Object.create(null);
  for (const [rawName, value] of entries) {
    if (typeof value !== "string") continue;
    const name = stripControlChars(rawName);
    if (name in out) continue;
    out[name] = stripControlChars(value);
  }
  return out;
}
