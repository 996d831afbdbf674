/**
 * Asterisk's real ARI specification (the Swagger documents Asterisk serves, kept outside the project in
 * ../shared/asterisk-ari/) and a validator of JSON values against its models: required properties present,
 * no properties the model does not have, types (string, int/long, double, boolean, Date in Asterisk's
 * format, object, List[…], nested models) and enumerations. Events are validated against their own model
 * plus the models they extend (Event, Message), found through `subTypes`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const SPEC_DIR = path.resolve(ROOT, "../shared/asterisk-ari");

export interface SpecParam {
  name: string;
  paramType: string;
  required?: boolean;
  dataType: string;
  allowMultiple?: boolean;
}
export interface SpecOperation {
  httpMethod: string;
  nickname: string;
  responseClass: string;
  parameters?: SpecParam[];
}
export interface SpecProperty {
  type: string;
  required?: boolean;
  allowableValues?: { valueType: string; values?: string[] };
}
export interface SpecModel {
  id: string;
  properties: Record<string, SpecProperty>;
  subTypes?: string[];
}

export interface AriSpec {
  resources: { apis: { path: string }[] };
  /** resource name (channels, bridges, …) → its api declaration */
  declarations: Map<string, { apis: { path: string; operations: SpecOperation[] }[]; models?: Record<string, SpecModel> }>;
  models: Map<string, SpecModel>;
  operations: { resource: string; path: string; operation: SpecOperation }[];
}

export function specPresent(): boolean {
  return existsSync(path.join(SPEC_DIR, "resources.json")) && existsSync(path.join(SPEC_DIR, "api-docs"));
}

export function loadSpec(): AriSpec {
  const resources = JSON.parse(readFileSync(path.join(SPEC_DIR, "resources.json"), "utf8")) as AriSpec["resources"];
  const declarations: AriSpec["declarations"] = new Map();
  const models = new Map<string, SpecModel>();
  const operations: AriSpec["operations"] = [];
  for (const file of readdirSync(path.join(SPEC_DIR, "api-docs")).filter((f) => f.endsWith(".json"))) {
    const resource = file.replace(/\.json$/, "");
    const decl = JSON.parse(readFileSync(path.join(SPEC_DIR, "api-docs", file), "utf8")) as ReturnType<AriSpec["declarations"]["get"]> & object;
    declarations.set(resource, decl);
    for (const [name, m] of Object.entries(decl.models ?? {})) models.set(name, m);
    for (const api of decl.apis) for (const operation of api.operations) operations.push({ resource, path: api.path, operation });
  }
  return { resources, declarations, models, operations };
}

const ASTERISK_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/;

/** The models a model extends: those listing it in subTypes, transitively (StasisStart → Event → Message). */
export function ancestors(spec: AriSpec, name: string): SpecModel[] {
  const out: SpecModel[] = [];
  for (const m of spec.models.values()) {
    if (m.subTypes?.includes(name)) out.push(m, ...ancestors(spec, m.id));
  }
  return out;
}

/** Problems with `value` as a `type` of the spec; empty when it conforms. */
export function validate(spec: AriSpec, value: unknown, type: string, where: string, withAncestors = false): string[] {
  const list = /^List\[(.+)\]$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) return [`${where}: expected a list of ${list[1]}, got ${JSON.stringify(value)}`];
    return value.flatMap((v, i) => validate(spec, v, list[1]!, `${where}[${i}]`));
  }
  switch (type) {
    case "string":
      return typeof value === "string" ? [] : [`${where}: expected string, got ${JSON.stringify(value)}`];
    case "int":
    case "long":
      return Number.isInteger(value) ? [] : [`${where}: expected integer, got ${JSON.stringify(value)}`];
    case "double":
      return typeof value === "number" ? [] : [`${where}: expected number, got ${JSON.stringify(value)}`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${where}: expected boolean, got ${JSON.stringify(value)}`];
    case "Date":
      return typeof value === "string" && ASTERISK_DATE.test(value) ? [] : [`${where}: expected an Asterisk timestamp, got ${JSON.stringify(value)}`];
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value) ? [] : [`${where}: expected object, got ${JSON.stringify(value)}`];
  }
  const model = spec.models.get(type);
  if (!model) return [`${where}: the spec has no model ${type}`];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${where}: expected a ${type} object, got ${JSON.stringify(value)}`];
  const obj = value as Record<string, unknown>;
  const properties: Record<string, SpecProperty> = {};
  for (const m of [model, ...(withAncestors ? ancestors(spec, type) : [])]) Object.assign(properties, m.properties);
  const problems: string[] = [];
  for (const [name, p] of Object.entries(properties)) {
    if (!(name in obj)) {
      if (p.required) problems.push(`${where}.${name}: required by ${type}, missing`);
      continue;
    }
    problems.push(...validate(spec, obj[name], p.type, `${where}.${name}`));
    const values = p.allowableValues?.values;
    if (values && p.allowableValues?.valueType === "LIST" && !values.includes(obj[name] as string)) {
      problems.push(`${where}.${name}: ${JSON.stringify(obj[name])} is not one of ${values.join(", ")}`);
    }
  }
  for (const name of Object.keys(obj)) if (!(name in properties)) problems.push(`${where}.${name}: not a property of ${type}`);
  return problems;
}

/** Problems with an event as the spec defines it: a known Event subtype, validated with Event and Message. */
export function validateEvent(spec: AriSpec, event: Record<string, unknown>, where = "event"): string[] {
  const type = event.type;
  if (typeof type !== "string") return [`${where}: no type`];
  const eventModel = spec.models.get("Event");
  if (!eventModel?.subTypes?.includes(type)) return [`${where}: ${type} is not an Event subtype of the spec`];
  return validate(spec, event, type, `${where}(${type})`, true);
}
