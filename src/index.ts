/**
 * effect-dataflow: models are Effect Schemas, operations are Effects, databases are Layers.
 *
 * @since 0.1.0
 */
export * as DataFlow from "./DataFlow.js"
export * as Database from "./Database.js"
export * as Errors from "./Errors.js"
export * as Filter from "./query/FilterTypes.js"
export * as Workflow from "./workflow/Workflow.js"
export * as Migrations from "./migrations/Migrations.js"
