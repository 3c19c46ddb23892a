export { buildApp } from "./app.ts";
export type { AppDeps } from "./deps.ts";
