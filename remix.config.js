/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // db/, telephony/ and workers/ are reached only through app/**/*.server.ts modules.
  watchPaths: ["core/**/*.ts", "db/**/*.ts", "services/**/*.ts", "platform/**/*.ts"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
  },
};
