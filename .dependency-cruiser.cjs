// The module graph's rules (npm run lint). Type imports count: a cycle through types is still a cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      severity: "error",
      comment: "modules form a tree: a cycle (type imports included) makes load order and layering guesswork",
      from: {},
      to: { circular: true }
    },
    {
      name: "core-never-imports-dialects",
      severity: "error",
      comment: "shared code reaches a database only through the registry and the contracts (docs/architecture.md)",
      from: { path: "^src/(model|query|sql|migrations|nodes|workflow|documents|backend|mongo)/" },
      to: { path: "^src/dialects/", pathNot: "^src/dialects/Load\\.ts$" }
    },
    {
      name: "no-static-driver-import",
      severity: "error",
      comment: "drivers are optional peers, loaded on demand by a dialect's connect (docs/architecture.md)",
      from: { path: "^src/", pathNot: "^src/dialects/[^/]+/(Layer|Client|Copy)\\.ts$" },
      to: {
        path: "node_modules/(pg|mysql2|better-sqlite3|pg-copy-streams|@effect/sql-(pg|mysql2|sqlite-node))/",
        dependencyTypesNot: ["type-only"]
      }
    },
    {
      name: "driver-modules-on-demand",
      severity: "error",
      comment: "a dialect's driver modules are reached only by its entry's dynamic import (src/dialects/<db>/Dialect.ts)",
      from: { path: "^src/", pathNot: "^src/dialects/[^/]+/(Layer|Client|Copy)\\.ts$" },
      to: { path: "^src/dialects/[^/]+/(Layer|Client)\\.ts$", dependencyTypesNot: ["dynamic-import", "type-only"] }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] }
  }
}
