import type { FastifyInstance, FastifyRequest, FastifySchema } from "fastify";
import { registerApiRoutes } from "../api/index.ts";
import { authenticate } from "../workspace/index.ts";
import { exportRun, reportCsv, tableSetCsv } from "./export.ts";
import { availableLists, linkedTables, STRATIFY_FIELDS, type StratifyField } from "./linked.ts";
import { exportedRun, getRun, listRuns, rerun, RUN_LIMITS, startRun, type EstimateRun } from "./runs.ts";
import { toTableSet } from "./table-set.ts";

/**
 * The JSON API for estimates (under /api/v1/estimates), through the same use
 * cases as the workspace page: the lists to choose from, the table of chosen
 * lists, runs (started, listed, read with everything needed to reproduce
 * them), CSV export, and runs again.
 */

const ctxOf = async (req: FastifyRequest) => (await authenticate(req)).ctx;
const tag = (summary: string, extra: Record<string, unknown> = {}): FastifySchema => ({ tags: ["estimates"], summary, ...extra }) as FastifySchema;
const idParams = { type: "object", required: ["id"], properties: { id: { type: "string", maxLength: 100 } } };

const runBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    title: { type: "string", maxLength: RUN_LIMITS.maxTitle },
    sources: { type: "array", maxItems: 10, items: { type: "string", maxLength: 100 }, description: "ids of published lists (sources); or give `csv`" },
    stratify: { type: "string", enum: [...STRATIFY_FIELDS], description: "estimate each stratum separately and add them" },
    csv: { type: "string", maxLength: RUN_LIMITS.maxCsvBytes, description: "a capture-pattern CSV (one 0/1 column per list and a count column) instead of lists" },
    fileName: { type: "string", maxLength: 200 },
    strataColumn: { type: "string", maxLength: 100, description: "with `csv`: the column naming each row's stratum" },
    method: { type: "string", enum: ["loglinear", "bma", "lcmcr"] },
    select: { type: "string", enum: ["bic", "aic", "pvalue"], description: "log-linear: how the model is chosen when none is given" },
    model: { type: "string", maxLength: RUN_LIMITS.maxModel, description: "log-linear: a hierarchical model as TERMS with the lists' names, e.g. A*B+C" },
    delta: { type: "number", exclusiveMinimum: 0, maximum: 100, description: "bma: prior people per cell" },
    seed: { type: "integer", minimum: 0 },
    burnIn: { type: "integer", minimum: 0, maximum: RUN_LIMITS.maxIterations },
    iterations: { type: "integer", minimum: 1, maximum: RUN_LIMITS.maxIterations },
    thin: { type: "integer", minimum: 1, maximum: RUN_LIMITS.maxThin },
    chains: { type: "integer", minimum: 1, maximum: RUN_LIMITS.maxChains },
    classes: { type: "integer", minimum: 1, maximum: RUN_LIMITS.maxClasses },
    sensitivity: { type: "boolean", description: "compute the sensitivity table (default true)" },
  },
};

/** A run for scripts: the export (inputs, table, report) with its progress. */
const present = (run: EstimateRun) => exportRun(run);
const statusOf = (run: EstimateRun) => (run.status === "queued" || run.status === "running" ? 202 : 201);

async function routes(app: FastifyInstance): Promise<void> {
  app.get("/v1/estimates/lists", { schema: tag("Published lists that can be estimated from, with their names in model terms (A, B, …) and their people") }, async (req) => ({ items: await availableLists(await ctxOf(req)), stratify: STRATIFY_FIELDS }));

  app.get(
    "/v1/estimates/table",
    {
      schema: tag("The capture table of the chosen lists, as JSON or (format=csv) as a capture-pattern CSV for `vigil estimate`", {
        querystring: { type: "object", required: ["sources"], properties: { sources: { type: "array", minItems: 2, maxItems: 10, items: { type: "string", maxLength: 100 } }, stratify: { type: "string", enum: [...STRATIFY_FIELDS] }, format: { type: "string", enum: ["json", "csv"] } } },
      }),
    },
    async (req, reply) => {
      const q = req.query as { sources: string[]; stratify?: StratifyField; format?: "json" | "csv" };
      const built = await linkedTables(await ctxOf(req), { sources: q.sources, stratify: q.stratify ?? null });
      const table = toTableSet(built.tables);
      if (q.format === "csv") return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="table.csv"').send(tableSetCsv(table));
      return { table, tableCsv: tableSetCsv(table), provenance: built.provenance };
    },
  );

  app.post("/v1/estimates", { schema: tag("Run an estimate: from lists or a CSV table; quick methods answer at once (201), long ones are queued for the job worker (202); a refused model is a saved run with its reason", { body: runBody }) }, async (req, reply) => {
    const run = await startRun(await ctxOf(req), req.body as Record<string, unknown>);
    return reply.code(statusOf(run)).send(present(run));
  });

  app.get(
    "/v1/estimates",
    { schema: tag("Saved runs, newest first", { querystring: { type: "object", properties: { before: { type: "string", maxLength: 200 }, limit: { type: "integer", minimum: 1, maximum: 200 } } } }) },
    async (req) => {
      const q = req.query as { before?: string; limit?: number };
      return listRuns(await ctxOf(req), { ...(q.before ? { before: q.before } : {}), ...(q.limit ? { limit: q.limit } : {}) });
    },
  );

  app.get("/v1/estimates/:id", { schema: tag("A saved run: its inputs, table (also as CSV), the command line that reproduces it, progress, and report or refusal", { params: idParams }) }, async (req) => present(await getRun(await ctxOf(req), (req.params as { id: string }).id)));

  app.get("/v1/estimates/:id/csv", { schema: tag("A saved run's figures as CSV (estimate, models, sensitivity, refusals, caveats, table)", { params: idParams }) }, async (req, reply) => {
    const run = await exportedRun(await ctxOf(req), (req.params as { id: string }).id, "csv");
    return reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${run.id}.csv"`).send(reportCsv(run));
  });

  app.post(
    "/v1/estimates/:id/rerun",
    { schema: tag("Run again: with the same table and settings (reproduces the answer), or with the lists as they are now", { params: idParams, body: { type: "object", additionalProperties: false, properties: { mode: { type: "string", enum: ["same-table", "current-data"] } } } }) },
    async (req, reply) => {
      const run = await rerun(await ctxOf(req), (req.params as { id: string }).id, (req.body as { mode?: "same-table" | "current-data" } | undefined)?.mode ?? "same-table");
      return reply.code(statusOf(run)).send(present(run));
    },
  );
}

registerApiRoutes(routes, {
  "GET /api/v1/estimates/lists": "estimate.read",
  "GET /api/v1/estimates/table": "estimate.read",
  "POST /api/v1/estimates": "estimate.run",
  "GET /api/v1/estimates": "estimate.read",
  "GET /api/v1/estimates/:id": "estimate.read",
  "GET /api/v1/estimates/:id/csv": "estimate.read",
  "POST /api/v1/estimates/:id/rerun": "estimate.run",
});
