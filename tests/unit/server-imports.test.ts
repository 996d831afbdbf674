import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * A value imported from a `*.server` module is `undefined` in the browser: Remix's classic compiler swaps every
 * such module for an empty one in the browser bundle, silently (an empty CommonJS module, so esbuild reports no
 * missing export). Used by a loader or an action it is fine (both are removed from the browser's copy of a
 * route); used by a component it renders one thing on the server and another once hydrated — the service-task
 * form's note limit did (it came from a .server module). This reads every module under app/ that the browser
 * may load and fails on a .server value reachable from anything but the server-only exports.
 */

const APP = path.resolve(__dirname, "../../app");

/** A route module's exports that exist on the server only (removed from the browser's copy of the route). */
const SERVER_EXPORTS = new Set(["loader", "action", "headers"]);

function isServerModule(specifier: string): boolean {
  return /\.server(\.[jt]sx?)?$/.test(specifier);
}

/** Files the browser may load: every .ts/.tsx under app/ but the .server ones (and the server's entry). */
function browserModules(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) out.push(...browserModules(file));
    else if (/\.tsx?$/.test(name) && !/\.server\.tsx?$/.test(name) && name !== "entry.server.tsx") out.push(file);
  }
  return out;
}

/** Whether a node sits in a type (erased at build: `typeof loader` in useLoaderData<typeof loader>). */
function inTypePosition(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isTypeNode(n) || ts.isTypeAliasDeclaration(n) || ts.isInterfaceDeclaration(n)) return true;
  }
  return false;
}

/** Whether an identifier is a use of a binding (not a property name, a declaration's name or an import). */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p)) && p.name === id) return false;
  if (ts.isJsxAttribute(p)) return false;
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
  if ((ts.isFunctionDeclaration(p) || ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isClassDeclaration(p)) && p.name === id) return false;
  if (ts.isBindingElement(p) && (p.name === id || p.propertyName === id)) return false;
  if (ts.isExportSpecifier(p)) return true;
  return !inTypePosition(id);
}

/** The names a top-level statement declares. */
function declaredNames(s: ts.Statement): string[] {
  if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) return [s.name.text];
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  return [];
}

function isExported(s: ts.Statement): boolean {
  return !!ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The .server values a browser module uses outside its server-only code: "name (line N)" each. */
function serverValuesInBrowserCode(fileName: string, source: string): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const serverValues = new Set<string>();
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || !isServerModule(s.moduleSpecifier.text)) continue;
    const clause = s.importClause;
    if (!clause || clause.isTypeOnly) continue;
    if (clause.name) serverValues.add(clause.name.text);
    const b = clause.namedBindings;
    if (b && ts.isNamespaceImport(b)) serverValues.add(b.name.text);
    if (b && ts.isNamedImports(b)) for (const e of b.elements) if (!e.isTypeOnly) serverValues.add(e.name.text);
  }
  if (!serverValues.size) return [];

  // each reference, with the top-level statement it is in; a name the statement declares inside itself (a
  // parameter, a local) shadows the import there (coarsely: in the whole statement)
  const refs: { name: string; top: ts.Statement; line: number }[] = [];
  for (const top of sf.statements) {
    if (ts.isImportDeclaration(top)) continue;
    const locals = new Set<string>();
    const declare = (n: ts.Node) => {
      if ((ts.isParameter(n) || ts.isVariableDeclaration(n) || ts.isBindingElement(n) || ts.isFunctionDeclaration(n)) && n.name && ts.isIdentifier(n.name) && n !== top) locals.add(n.name.text);
      n.forEachChild(declare);
    };
    top.forEachChild(declare);
    const visit = (n: ts.Node) => {
      if (ts.isIdentifier(n) && isReference(n) && !locals.has(n.text)) refs.push({ name: n.text, top, line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1 });
      n.forEachChild(visit);
    };
    top.forEachChild(visit);
  }

  // server-only statements: the server exports, and (to a fixpoint) unexported declarations used only by them
  const serverOnly = new Set<ts.Statement>(sf.statements.filter((s) => isExported(s) && declaredNames(s).some((n) => SERVER_EXPORTS.has(n))));
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of sf.statements) {
      if (serverOnly.has(s) || isExported(s)) continue;
      const names = declaredNames(s);
      if (!names.length) continue;
      const uses = refs.filter((r) => names.includes(r.name) && r.top !== s);
      if (uses.length && uses.every((r) => serverOnly.has(r.top))) {
        serverOnly.add(s);
        grew = true;
      }
    }
  }
  return refs.filter((r) => serverValues.has(r.name) && !serverOnly.has(r.top)).map((r) => `${r.name} (line ${r.line})`);
}

describe("values from .server modules in code the browser runs", () => {
  it("finds one used by a component, and none used only by the loader, the action or their helpers", () => {
    const source = `
      import { json } from "@remix-run/node";
      import { MAX_NOTE, readNote } from "~/lib/notes.server";
      import type { Note } from "~/lib/notes.server";
      import * as notes from "~/lib/more.server";
      function parse(form: FormData) { return readNote(form, MAX_NOTE); }
      export async function loader() { return json({ n: notes.count() }); }
      export async function action({ request }: { request: Request }) { return parse(await request.formData()); }
      export default function Page() {
        const d = useLoaderData<typeof loader>();
        const x: Note | null = null;
        return <textarea maxLength={MAX_NOTE} data-n={d.n} />;
      }
      function Count({ notes }: { notes: number }) { return <b>{notes}</b>; }`;
    expect(serverValuesInBrowserCode("route.tsx", source)).toEqual(["MAX_NOTE (line 12)"]);
    // the same limit from a module the browser has: nothing to report
    expect(serverValuesInBrowserCode("route.tsx", source.replace('import { MAX_NOTE, readNote } from "~/lib/notes.server";', 'import { readNote } from "~/lib/notes.server";\nimport { MAX_NOTE } from "~/core/notes";'))).toEqual([]);
  });

  it("are used by no route, component or shared module of app/", () => {
    const found = browserModules(APP).flatMap((file) => serverValuesInBrowserCode(file, readFileSync(file, "utf8")).map((v) => `${path.relative(APP, file)}: ${v}`));
    expect(found).toEqual([]);
  });
});
