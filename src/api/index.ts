export { apiRoutes, apiRouteTable, presentRecord, registerApiRoutes } from "./routes.ts";
export { buildOpenApi, type ApiRoute } from "./openapi.ts";
