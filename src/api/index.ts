export { apiRoutes, apiRouteTable, presentRecord } from "./routes.ts";
export { buildOpenApi, type ApiRoute } from "./openapi.ts";
