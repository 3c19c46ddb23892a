export { apiRoutes, apiRouteTable, presentRecord, registerApiRoutes, type ApiExtension } from "./routes.ts";
export { buildOpenApi, type ApiRoute } from "./openapi.ts";
