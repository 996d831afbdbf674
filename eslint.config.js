import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";
import architecture from "./.eslint/import-directions.js";

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks, architecture },
    rules: {
      "architecture/import-directions": "error",
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-empty-object-type": "off",
      "no-empty-pattern": "off",
    },
  },
  // Migrations are written against Kysely<any> on purpose: frozen in time, independent of today's types.
  { files: ["db/migrations/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  // Route modules: `export const loader = factory(…)` keeps a server import in the browser bundle.
  {
    files: ["app/routes/**", "app/root.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ExportNamedDeclaration > VariableDeclaration > VariableDeclarator[id.name=/^(loader|action)$/]",
          message: "Write `export async function loader/action(…)`: a module-level call leaks server code into the browser bundle.",
        },
      ],
    },
  },
  // Outside input reaches loaders and actions only through ~/lib/input.server (control characters stripped).
  {
    files: ["app/routes/**", "app/root.tsx", "app/lib/**"],
    ignores: ["app/lib/input.server.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { property: "formData", message: "Read forms with readForm() from ~/lib/input.server: it strips control characters (NUL)." },
        { property: "searchParams", message: "Read query parameters with readSearchParams() from ~/lib/input.server: it strips control characters (NUL)." },
      ],
    },
  },
  // Playwright fixtures call `use`, which is not React's hook.
  { files: ["tests/e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
);
