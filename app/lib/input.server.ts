import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
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

/** A file part of a multipart form, read into memory within its limit. */
export interface UploadedFile {
  field: string;
  /** the name the browser gave (its base name), cleaned; for messages only */
  filename: string;
  /** as declared by the browser: not to be trusted (check the bytes) */
  declaredType: string;
  bytes: Uint8Array;
}

export type UploadProblem = "photoTooLarge" | "tooManyPhotos" | "formTooLarge";

export interface MultipartLimits {
  /** the file fields taken; parts of other names are read and dropped */
  fileFields: readonly string[];
  maxFiles: number;
  maxFileBytes: number;
  /** per text field (default 64 KiB) */
  maxFieldBytes?: number;
  /** text fields in all (default 200) */
  maxFields?: number;
}

export interface MultipartForm {
  /** the text fields, cleaned as readForm's */
  fields: InputFields;
  files: UploadedFile[];
  /** a limit was passed: the files are dropped (a file over the size or count) but the fields are kept */
  problem: UploadProblem | null;
}

/**
 * A form sent as multipart/form-data (a form with files): the text fields as readForm reads them (control
 * characters stripped, first value of a repeated name), and the files of `fileFields` in memory, parsed by
 * Remix's unstable_parseMultipartFormData with an upload handler that never holds more than `maxFileBytes`
 * (+1) of a file nor more than `maxFiles` files: past a limit the rest of the part is read and dropped and
 * `problem` says which limit, so the route can answer with a clear message and give back every field that
 * was typed. A file input left empty (no name, no bytes) is no file. A body that is not multipart reads
 * as readForm does (no files), so a form posted urlencoded still works.
 */
export async function readMultipartForm(request: Request, limits: MultipartLimits): Promise<MultipartForm> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) return { fields: await readForm(request), files: [], problem: null };
  const maxFieldBytes = limits.maxFieldBytes ?? 64 * 1024;
  const maxFields = limits.maxFields ?? 200;
  const files: UploadedFile[] = [];
  let fieldCount = 0;
  let problem: UploadProblem | null = null;
  const fail = (p: UploadProblem) => {
    // the first problem is the one told
    if (problem === null) problem = p;
  };
  const collect = async (data: AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array | null> => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let over = false;
    for await (const chunk of data) {
      if (over) continue; // drain the rest of the part
      size += chunk.byteLength;
      if (size > max) {
        over = true;
        chunks.length = 0;
        continue;
      }
      chunks.push(chunk);
    }
    return over ? null : Buffer.concat(chunks);
  };
  const handler: UploadHandler = async ({ name, filename, contentType, data }) => {
    if (filename === undefined) {
      fieldCount += 1;
      const bytes = await collect(data, maxFieldBytes);
      if (bytes === null || fieldCount > maxFields) {
        fail("formTooLarge");
        return undefined;
      }
      return new TextDecoder().decode(bytes);
    }
    if (!limits.fileFields.includes(name)) {
      await collect(data, 0);
      return undefined;
    }
    const bytes = await collect(data, limits.maxFileBytes);
    if (bytes === null) {
      fail("photoTooLarge");
      return undefined;
    }
    if (bytes.length === 0 && !filename) return undefined; // a file input left empty
    if (files.length >= limits.maxFiles) {
      fail("tooManyPhotos");
      return undefined;
    }
    files.push({ field: name, filename: stripControlChars(filename).slice(0, 200), declaredType: stripControlChars(contentType).slice(0, 100), bytes });
    return undefined;
  };
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, handler);
  } catch {
    return { fields: {}, files: [], problem: "formTooLarge" };
  }
  const fields = cleanEntries(form.entries());
  return problem === null ? { fields, files, problem } : { fields, files: [], problem };
}
