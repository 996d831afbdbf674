// The allowed directions of imports between the project's top-level folders (see README, "Architecture").
// A shell (app, telephony, workers) never imports another shell; core imports nothing of the project and
// nothing node-only, so the same rules run in the browser, the ARI app and the workers.
import { builtinModules } from "node:module";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** folder → folders it may import from (itself included). */
export const ALLOWED = {
  core: ["core"],
  platform: ["platform", "core"],
  db: ["db", "core", "platform"],
  services: ["services", "db", "core", "platform"],
  app: ["app", "services", "db", "core", "platform"],
  telephony: ["telephony", "services", "db", "core", "platform"],
  workers: ["workers", "services", "db", "core", "platform"],
  bench: ["bench", "services", "db", "core", "platform"],
};

const NODE_BUILTINS = new Set(builtinModules);
/** Folders whose code must never reach the browser bundle. */
const SERVER_ONLY = ["db", "services", "platform"];

function topFolder(file) {
  const rel = path.relative(ROOT, file);
  if (rel.startsWith("..")) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : null;
}

function resolveSpecifier(file, spec) {
  if (spec.startsWith("~/")) return path.join(ROOT, "app", spec.slice(2));
  if (spec.startsWith(".")) return path.resolve(path.dirname(file), spec);
  return null;
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "enforce the allowed import directions between core, platform, db, services and the shells" },
    schema: [],
    messages: {
      direction: "{{from}}/ may not import {{to}}/ (allowed: {{allowed}}). See the README's architecture section.",
      nodeOnly: "core/ must stay free of node-only modules ('{{spec}}'): it runs in the browser too.",
      packageInCore: "core/ imports no packages ('{{spec}}'): pure rules only.",
      serverOnly:
        "app/ modules that reach the browser bundle import {{to}}/ only through a *.server.ts module (e.g. ~/lib/db.server, ~/lib/services.server); `import type` is fine.",
    },
  },
  create(context) {
    const file = context.filename;
    const from = topFolder(file);
    if (!from || !(from in ALLOWED)) return {};
    const browserReachable = from === "app" && !/\.server\.tsx?$/.test(file);
    function check(node, spec) {
      if (typeof spec !== "string") return;
      const target = resolveSpecifier(file, spec);
      if (target) {
        const to = topFolder(target);
        if (to && to in ALLOWED && !ALLOWED[from].includes(to)) {
          context.report({ node, messageId: "direction", data: { from, to, allowed: ALLOWED[from].join(", ") } });
        } else if (browserReachable && SERVER_ONLY.includes(to) && node.importKind !== "type" && node.exportKind !== "type") {
          context.report({ node, messageId: "serverOnly", data: { to } });
        }
        return;
      }
      if (from === "core") {
        if (spec.startsWith("node:") || NODE_BUILTINS.has(spec.split("/")[0])) {
          context.report({ node, messageId: "nodeOnly", data: { spec } });
        } else {
          context.report({ node, messageId: "packageInCore", data: { spec } });
        }
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
    };
  },
};

export default { rules: { "import-directions": rule } };
