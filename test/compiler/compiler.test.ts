/**
 * The one compiler, per dialect: the exact condition text and bound parameters of filters, the
 * keyset condition, ORDER BY, WHERE and multi-row INSERT; and that values never become SQL text.
 * No database is needed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { DataFlow, Errors } from "../../src/index.js"
import { toExpr } from "../../src/query/Filter.js"
import { insertRows, keysetCondition, type OrderKey, orderClause, Params, whereClause } from "../../src/sql/Compiler.js"
import { makeMysqlDialect } from "../../src/dialects/mysql/Hooks.js"
import type { Dialect } from "../../src/sql/Dialect.js"
import { column, dialects, filterSql, key, type PerDialect, perDialect, Post, User } from "./Fixtures.js"

describe("filters", () => {
  perDialect("bare value is equality", (d) => filterSql(d, { name: "Alice" }), {
    postgres: [`"name" = $1`, ["Alice"]],
    mysql: ["`name` = ? COLLATE utf8mb4_nopad_bin", ["Alice"]],
    sqlite: [`"name" COLLATE BINARY = ?`, ["Alice"]]
  })
  perDialect("booleans bind as the dialect stores them", (d) => filterSql(d, { active: true }), {
    postgres: [`"active" = $1`, [true]],
    mysql: ["`active` = ?", [1]],
    sqlite: [`"active" = ?`, [1]]
  })
  perDialect("null is IS NULL, binding nothing", (d) => filterSql(d, { name: null }), {
    postgres: [`"name" IS NULL`, []],
    mysql: ["`name` IS NULL", []],
    sqlite: [`"name" IS NULL`, []]
  })
  perDialect("$ne: null is NOT IS NULL", (d) => filterSql(d, { age: { $ne: null } }), {
    postgres: [`NOT COALESCE("age" IS NULL, FALSE)`, []],
    mysql: ["NOT COALESCE(`age` IS NULL, FALSE)", []],
    sqlite: [`NOT COALESCE("age" IS NULL, FALSE)`, []]
  })
  perDialect(
    "several conditions are AND, parameters numbered in text order",
    (d) => filterSql(d, { name: "A", age: { $gte: 18, $lt: 65 } }),
    {
      postgres: [`("name" = $1 AND ("age" >= $2 AND "age" < $3))`, ["A", 18, 65]],
      mysql: ["(`name` = ? COLLATE utf8mb4_nopad_bin AND (`age` >= ? AND `age` < ?))", ["A", 18, 65]],
      sqlite: [`("name" COLLATE BINARY = ? AND ("age" >= ? AND "age" < ?))`, ["A", 18, 65]]
    }
  )
  perDialect("$in", (d) => filterSql(d, { age: { $in: [1, 2, 3] } }), {
    postgres: [`"age" IN ($1, $2, $3)`, [1, 2, 3]],
    mysql: ["`age` IN (?, ?, ?)", [1, 2, 3]],
    sqlite: [`"age" IN (?, ?, ?)`, [1, 2, 3]]
  })
  perDialect("$in [] matches nothing", (d) => filterSql(d, { age: { $in: [] } }), {
    postgres: ["1=0", []],
    mysql: ["1=0", []],
    sqlite: ["1=0", []]
  })
  perDialect("$nin is two-valued NOT IN (NULL rows match)", (d) => filterSql(d, { age: { $nin: [1, 2] } }), {
    postgres: [`NOT COALESCE("age" IN ($1, $2), FALSE)`, [1, 2]],
    mysql: ["NOT COALESCE(`age` IN (?, ?), FALSE)", [1, 2]],
    sqlite: [`NOT COALESCE("age" IN (?, ?), FALSE)`, [1, 2]]
  })
  perDialect("$nin [] matches everything", (d) => filterSql(d, { age: { $nin: [] } }), {
    postgres: ["1=1", []],
    mysql: ["1=1", []],
    sqlite: ["1=1", []]
  })
  perDialect("$like binds the pattern as given, with \\ as escape", (d) => filterSql(d, { name: { $like: "A_%" } }), {
    postgres: [`"name" LIKE $1 ESCAPE '\\'`, ["A_%"]],
    mysql: ["`name` LIKE ? COLLATE utf8mb4_nopad_bin ESCAPE CHAR(92 USING utf8mb4)", ["A_%"]],
    sqlite: [`"name" LIKE ? ESCAPE '\\'`, ["A_%"]]
  })
  perDialect("$ilike", (d) => filterSql(d, { name: { $ilike: "a%" } }), {
    postgres: [`"name" COLLATE "default" ILIKE $1 ESCAPE '\\'`, ["a%"]],
    mysql: ["LOWER(`name`) LIKE LOWER(? COLLATE utf8mb4_nopad_bin) ESCAPE CHAR(92 USING utf8mb4)", ["a%"]],
    sqlite: [`df_lower("name") LIKE df_lower(?) ESCAPE '\\'`, ["a%"]]
  })
  // the value 50%_a\b must match literally: each of % _ \ gets a \ before it
  perDialect("$contains on a string escapes % _ \\", (d) => filterSql(d, { name: { $contains: "50%_a\\b" } }), {
    postgres: [`"name" LIKE $1 ESCAPE '\\'`, ["%50\\%\\_a\\\\b%"]],
    mysql: ["`name` LIKE ? COLLATE utf8mb4_nopad_bin ESCAPE CHAR(92 USING utf8mb4)", ["%50\\%\\_a\\\\b%"]],
    sqlite: [`"name" LIKE ? ESCAPE '\\'`, ["%50\\%\\_a\\\\b%"]]
  })
  perDialect("$startsWith escapes % _ \\", (d) => filterSql(d, { name: { $startsWith: "x_%\\" } }), {
    postgres: [`"name" LIKE $1 ESCAPE '\\'`, ["x\\_\\%\\\\%"]],
    mysql: ["`name` LIKE ? COLLATE utf8mb4_nopad_bin ESCAPE CHAR(92 USING utf8mb4)", ["x\\_\\%\\\\%"]],
    sqlite: [`"name" LIKE ? ESCAPE '\\'`, ["x\\_\\%\\\\%"]]
  })
  perDialect("LIKE on a UUID column compares its text", (d) => filterSql(d, { token: { $like: "ab%" } }), {
    postgres: [`"token"::text LIKE $1 ESCAPE '\\'`, ["ab%"]],
    mysql: ["`token` LIKE ? COLLATE utf8mb4_nopad_bin ESCAPE CHAR(92 USING utf8mb4)", ["ab%"]],
    sqlite: [`"token" LIKE ? ESCAPE '\\'`, ["ab%"]]
  })
  perDialect("$regex", (d) => filterSql(d, { name: { $regex: "^A[a-z]{1,3}" } }), {
    postgres: [`"name" ~ $1`, ["^A[a-z]{1,3}"]],
    mysql: ["`name` REGEXP ? COLLATE utf8mb4_nopad_bin", ["^A[a-z]{1,3}"]],
    sqlite: [`"name" REGEXP ?`, ["^A[a-z]{1,3}"]]
  })
  // `.` and `$` differ between the databases' regex engines: the portable form is bound, the same everywhere
  const portable = "a(?:.|[\n\r\u0085\u2028\u2029])c(?!(?:.|[\n\r\u0085\u2028\u2029]))"
  perDialect("$regex binds the portable form of . and $", (d) => filterSql(d, { name: { $regex: "a.c$" } }), {
    postgres: [`"name" ~ $1`, [portable]],
    mysql: ["`name` REGEXP ? COLLATE utf8mb4_nopad_bin", [portable]],
    sqlite: [`"name" REGEXP ?`, [portable]]
  })
  perDialect(
    "$not is two-valued (rows where the condition is NULL match)",
    (d) => filterSql(d, { $not: { age: { $gt: 30 } } }),
    {
      postgres: [`NOT COALESCE("age" > $1, FALSE)`, [30]],
      mysql: ["NOT COALESCE(`age` > ?, FALSE)", [30]],
      sqlite: [`NOT COALESCE("age" > ?, FALSE)`, [30]]
    }
  )
  perDialect("$or", (d) => filterSql(d, { $or: [{ name: "A" }, { age: { $gte: 18 } }] }), {
    postgres: [`("name" = $1 OR "age" >= $2)`, ["A", 18]],
    mysql: ["(`name` = ? COLLATE utf8mb4_nopad_bin OR `age` >= ?)", ["A", 18]],
    sqlite: [`("name" COLLATE BINARY = ? OR "age" >= ?)`, ["A", 18]]
  })
  perDialect("$or [] matches nothing, $and [] everything", (d) => filterSql(d, { $or: [], $and: [] }), {
    postgres: ["(1=0 AND 1=1)", []],
    mysql: ["(1=0 AND 1=1)", []],
    sqlite: ["(1=0 AND 1=1)", []]
  })
})

describe("$ne", () => {
  // $ne is NOT (=) with two-valued NOT: rows that differ, and rows where the column is NULL
  // (a regression test: it once compiled to NOT (<>), a double negation)
  for (const [name, d] of dialects) {
    it(`${name}: $ne matches rows that are not equal (and NULL)`, () => {
      const expected: PerDialect = {
        postgres: [`NOT COALESCE("name" = $1, FALSE)`, ["A"]],
        mysql: ["NOT COALESCE(`name` = ? COLLATE utf8mb4_nopad_bin, FALSE)", ["A"]],
        sqlite: [`NOT COALESCE("name" COLLATE BINARY = ?, FALSE)`, ["A"]]
      }
      expect(filterSql(d, { name: { $ne: "A" } })).toEqual(expected[name])
    })
  }
})

describe("JSON", () => {
  perDialect("a string at a path: typed extraction, the path bound", (d) => filterSql(d, { "profile.city": "Oslo" }), {
    postgres: [
      `(CASE WHEN jsonb_typeof("profile" #> $1::text[]) = 'string' THEN ("profile" #>> $2::text[]) COLLATE "C" END) = $3`,
      [["city"], ["city"], "Oslo"]
    ],
    mysql: [
      "(CASE WHEN JSON_TYPE(JSON_EXTRACT(`profile`, ?)) = 'STRING' THEN CONVERT(JSON_UNQUOTE(JSON_EXTRACT(`profile`, ?)) USING utf8mb4) COLLATE utf8mb4_nopad_bin END) = ?",
      ["$.city", "$.city", "Oslo"]
    ],
    sqlite: [
      `(CASE WHEN json_type("profile", ?) IN ('text') THEN json_extract("profile", ?) END) = ?`,
      ["$.city", "$.city", "Oslo"]
    ]
  })
  perDialect("a number at a path", (d) => filterSql(d, { "profile.zip": { $gt: 1000 } }), {
    postgres: [
      `(CASE WHEN jsonb_typeof("profile" #> $1::text[]) = 'number' THEN ("profile" #>> $2::text[])::double precision END) > $3`,
      [["zip"], ["zip"], 1000]
    ],
    mysql: [
      "(CASE WHEN JSON_TYPE(JSON_EXTRACT(`profile`, ?)) IN ('INTEGER','DOUBLE','DECIMAL','UNSIGNED INTEGER') THEN (JSON_UNQUOTE(JSON_EXTRACT(`profile`, ?)) + 0) END) > ?",
      ["$.zip", "$.zip", 1000]
    ],
    sqlite: [
      `(CASE WHEN json_type("profile", ?) IN ('integer','real') THEN json_extract("profile", ?) END) > ?`,
      ["$.zip", "$.zip", 1000]
    ]
  })
  perDialect("a boolean at a path", (d) => filterSql(d, { "profile.open": true }), {
    postgres: [
      `(CASE WHEN jsonb_typeof("profile" #> $1::text[]) = 'boolean' THEN ("profile" #>> $2::text[])::boolean END) = $3`,
      [["open"], ["open"], true]
    ],
    mysql: [
      "(CASE WHEN JSON_TYPE(JSON_EXTRACT(`profile`, ?)) = 'BOOLEAN' THEN (JSON_UNQUOTE(JSON_EXTRACT(`profile`, ?)) = 'true') END) = ?",
      ["$.open", "$.open", 1]
    ],
    sqlite: [
      `(CASE WHEN json_type("profile", ?) IN ('true','false') THEN json_type("profile", ?) = 'true' END) = ?`,
      ["$.open", "$.open", 1]
    ]
  })
  // an index applies to arrays only: PostgreSQL would read "0" as an object key, MySQL wraps a non-array
  perDialect("an array index in a path, with $in", (d) => filterSql(d, { "tags.0": { $in: ["a", "b"] } }), {
    postgres: [
      `(CASE WHEN jsonb_typeof("tags" #> $1::text[]) = 'array' AND jsonb_typeof("tags" #> $2::text[]) = 'string'` +
        ` THEN ("tags" #>> $3::text[]) COLLATE "C" END) IN ($4, $5)`,
      [[], ["0"], ["0"], "a", "b"]
    ],
    mysql: [
      "(CASE WHEN JSON_TYPE(JSON_EXTRACT(`tags`, ?)) = 'ARRAY' AND JSON_TYPE(JSON_EXTRACT(`tags`, ?)) = 'STRING'" +
        " THEN CONVERT(JSON_UNQUOTE(JSON_EXTRACT(`tags`, ?)) USING utf8mb4) COLLATE utf8mb4_nopad_bin END) IN (?, ?)",
      ["$", "$[0]", "$[0]", "a", "b"]
    ],
    sqlite: [
      `(CASE WHEN json_type("tags", ?) IN ('text') THEN json_extract("tags", ?) END) IN (?, ?)`,
      ["$[0]", "$[0]", "a", "b"]
    ]
  })
  perDialect("null at a path: absent or JSON null", (d) => filterSql(d, { "profile.city": null }), {
    postgres: [`("profile" #>> $1::text[]) IS NULL`, [["city"]]],
    mysql: ["(CASE WHEN JSON_TYPE(JSON_EXTRACT(`profile`, ?)) <> 'NULL' THEN 1 END) IS NULL", ["$.city"]],
    sqlite: [`(CASE WHEN json_type("profile", ?) <> 'null' THEN 1 END) IS NULL`, ["$.city"]]
  })
  perDialect("$like at a path", (d) => filterSql(d, { "profile.city": { $like: "O%" } }), {
    postgres: [
      `(CASE WHEN jsonb_typeof("profile" #> $1::text[]) = 'string' THEN ("profile" #>> $2::text[]) COLLATE "C" END) LIKE $3 ESCAPE '\\'`,
      [["city"], ["city"], "O%"]
    ],
    mysql: [
      "(CASE WHEN JSON_TYPE(JSON_EXTRACT(`profile`, ?)) = 'STRING' THEN CONVERT(JSON_UNQUOTE(JSON_EXTRACT(`profile`, ?)) USING utf8mb4) COLLATE utf8mb4_nopad_bin END) LIKE ? COLLATE utf8mb4_nopad_bin ESCAPE CHAR(92 USING utf8mb4)",
      ["$.city", "$.city", "O%"]
    ],
    sqlite: [
      `(CASE WHEN json_type("profile", ?) IN ('text') THEN json_extract("profile", ?) END) LIKE ? ESCAPE '\\'`,
      ["$.city", "$.city", "O%"]
    ]
  })
  perDialect("$contains on a JSON array is membership", (d) => filterSql(d, { tags: { $contains: "x" } }), {
    postgres: [`"tags" @> $1::jsonb`, [`["x"]`]],
    mysql: ["JSON_OVERLAPS(`tags`, ?)", [`["x"]`]],
    sqlite: [
      `EXISTS (SELECT 1 FROM json_each("tags") WHERE json_each.type IN ('text','integer','real') AND json_each.value = ?)`,
      ["x"]
    ]
  })
})

describe("keyset condition", () => {
  const keyset = (keys: ReadonlyArray<OrderKey>, values: ReadonlyArray<unknown>) => (d: Dialect) => {
    const p = new Params(d)
    return [keysetCondition(d, p, keys, values), p.values] as const
  }
  perDialect("one key", keyset([key("id")], ["u1"]), {
    postgres: [`(("id"::text COLLATE "C" > $1 OR "id" IS NULL))`, ["u1"]],
    mysql: ["((`id` > ? COLLATE utf8mb4_nopad_bin OR `id` IS NULL))", ["u1"]],
    sqlite: [`(("id" COLLATE BINARY > ? OR "id" IS NULL))`, ["u1"]]
  })
  // "?" is positional: each value must be bound where its placeholder stands in the text
  perDialect(
    "several keys, mixed directions, values bound in text order",
    keyset([key("age"), key("name", true), key("id")], [30, "Bob", "u1"]),
    {
      postgres: [
        `(("age" > $1 OR "age" IS NULL) OR ("age" = $2 AND "name"::text COLLATE "C" < $3) OR ("age" = $4 AND "name" = $5 AND ("id"::text COLLATE "C" > $6 OR "id" IS NULL)))`,
        [30, 30, "Bob", 30, "Bob", "u1"]
      ],
      mysql: [
        "((`age` > ? OR `age` IS NULL) OR (`age` = ? AND `name` < ? COLLATE utf8mb4_nopad_bin) OR (`age` = ? AND `name` = ? COLLATE utf8mb4_nopad_bin AND (`id` > ? COLLATE utf8mb4_nopad_bin OR `id` IS NULL)))",
        [30, 30, "Bob", 30, "Bob", "u1"]
      ],
      sqlite: [
        `(("age" > ? OR "age" IS NULL) OR ("age" = ? AND "name" COLLATE BINARY < ?) OR ("age" = ? AND "name" COLLATE BINARY = ? AND ("id" COLLATE BINARY > ? OR "id" IS NULL)))`,
        [30, 30, "Bob", 30, "Bob", "u1"]
      ]
    }
  )
  perDialect(
    "NULL ascending sorts last: only NULL rows with a later id follow",
    keyset([key("age"), key("id")], [null, "u1"]),
    {
      postgres: [`(("age" IS NULL AND ("id"::text COLLATE "C" > $1 OR "id" IS NULL)))`, ["u1"]],
      mysql: ["((`age` IS NULL AND (`id` > ? COLLATE utf8mb4_nopad_bin OR `id` IS NULL)))", ["u1"]],
      sqlite: [`(("age" IS NULL AND ("id" COLLATE BINARY > ? OR "id" IS NULL)))`, ["u1"]]
    }
  )
  perDialect(
    "NULL descending sorts first: every non-NULL row follows",
    keyset([key("age", true), key("id")], [null, "u1"]),
    {
      postgres: [`("age" IS NOT NULL OR ("age" IS NULL AND ("id"::text COLLATE "C" > $1 OR "id" IS NULL)))`, ["u1"]],
      mysql: [
        "(`age` IS NOT NULL OR (`age` IS NULL AND (`id` > ? COLLATE utf8mb4_nopad_bin OR `id` IS NULL)))",
        ["u1"]
      ],
      sqlite: [`("age" IS NOT NULL OR ("age" IS NULL AND ("id" COLLATE BINARY > ? OR "id" IS NULL)))`, ["u1"]]
    }
  )
  const at = new Date("2024-01-02T03:04:05.006Z")
  perDialect("a Date key binds as the dialect stores dates", keyset([key("created_at", true), key("id")], [at, "u1"]), {
    postgres: [
      `("created_at" < $1 OR ("created_at" = $2 AND ("id"::text COLLATE "C" > $3 OR "id" IS NULL)))`,
      ["2024-01-02T03:04:05.006Z", "2024-01-02T03:04:05.006Z", "u1"]
    ],
    mysql: [
      "(`created_at` < ? OR (`created_at` = ? AND (`id` > ? COLLATE utf8mb4_nopad_bin OR `id` IS NULL)))",
      [at, at, "u1"]
    ],
    sqlite: [
      `(strftime('%Y-%m-%dT%H:%M:%fZ', "created_at") < strftime('%Y-%m-%dT%H:%M:%fZ', ?) OR (strftime('%Y-%m-%dT%H:%M:%fZ', "created_at") = strftime('%Y-%m-%dT%H:%M:%fZ', ?) AND ("id" COLLATE BINARY > ? OR "id" IS NULL)))`,
      ["2024-01-02T03:04:05.006Z", "2024-01-02T03:04:05.006Z", "u1"]
    ]
  })
})

describe("ORDER BY", () => {
  perDialect(
    "NULLs last ascending, first descending, on every dialect",
    (d) => [orderClause(d, [key("age"), key("age", true)]), []],
    {
      postgres: [` ORDER BY "age" ASC NULLS LAST, "age" DESC NULLS FIRST`, []],
      mysql: [" ORDER BY `age` IS NULL, `age` ASC, `age` IS NULL DESC, `age` DESC", []],
      sqlite: [` ORDER BY "age" ASC NULLS LAST, "age" DESC NULLS FIRST`, []]
    }
  )
  perDialect(
    "a NOT NULL column gets the plain term (an index can serve the order)",
    (d) => [orderClause(d, [key("name", true), key("id")]), []],
    {
      postgres: [` ORDER BY "name"::text COLLATE "C" DESC NULLS FIRST, "id"::text COLLATE "C" ASC NULLS LAST`, []],
      mysql: [
        " ORDER BY CONVERT(`name` USING utf8mb4) COLLATE utf8mb4_nopad_bin DESC, CONVERT(`id` USING utf8mb4) COLLATE utf8mb4_nopad_bin ASC",
        []
      ],
      sqlite: [` ORDER BY "name" COLLATE BINARY DESC, "id" COLLATE BINARY ASC`, []]
    }
  )
})

describe("columns of tables we did not create", () => {
  it("mysql: ORDER BY uses a text column bare once inspection found it binary", () => {
    const d = makeMysqlDialect("utf8mb4_nopad_bin")
    const inspection = d.inspectTable!(User)
    expect(inspection.params).toEqual(["users", "utf8mb4_nopad_bin"])
    inspection.learn([{ c: "id" }])
    expect(orderClause(d, [key("name", true), key("id")])).toEqual(
      " ORDER BY CONVERT(`name` USING utf8mb4) COLLATE utf8mb4_nopad_bin DESC, `id` ASC"
    )
  })
  perDialect(
    "a date compares as an instant (SQLite: its own text and ISO text alike)",
    (d) => filterSql(d, { created_at: { $gte: new Date("2024-01-02T03:04:05.006Z") } }),
    {
      postgres: [`"created_at" >= $1`, ["2024-01-02T03:04:05.006Z"]],
      mysql: ["`created_at` >= ?", [new Date("2024-01-02T03:04:05.006Z")]],
      sqlite: [
        `strftime('%Y-%m-%dT%H:%M:%fZ', "created_at") >= strftime('%Y-%m-%dT%H:%M:%fZ', ?)`,
        ["2024-01-02T03:04:05.006Z"]
      ]
    }
  )
  perDialect(
    "$in on text compares under the binary collation (MySQL, SQLite)",
    (d) => filterSql(d, { name: { $in: ["a", "b"] } }),
    {
      postgres: [`"name" IN ($1, $2)`, ["a", "b"]],
      mysql: ["`name` IN (? COLLATE utf8mb4_nopad_bin, ? COLLATE utf8mb4_nopad_bin)", ["a", "b"]],
      sqlite: [`"name" COLLATE BINARY IN (?, ?)`, ["a", "b"]]
    }
  )
})

describe("WHERE", () => {
  perDialect(
    "soft-delete models hide deleted rows",
    (d) => {
      const p = new Params(d)
      return [whereClause(d, p, Post, toExpr("Post", Post.columnMap, { title: "x" }), false), p.values]
    },
    {
      postgres: [` WHERE "deleted_at" IS NULL AND "title" = $1`, ["x"]],
      mysql: [" WHERE `deleted_at` IS NULL AND `title` = ? COLLATE utf8mb4_nopad_bin", ["x"]],
      sqlite: [` WHERE "deleted_at" IS NULL AND "title" COLLATE BINARY = ?`, ["x"]]
    }
  )
  perDialect(
    "an empty filter with includeDeleted has no WHERE",
    (d) => {
      const p = new Params(d)
      return [whereClause(d, p, Post, toExpr("Post", Post.columnMap, {}), true), p.values]
    },
    {
      postgres: ["", []],
      mysql: ["", []],
      sqlite: ["", []]
    }
  )
})

describe("INSERT", () => {
  const columns = ["id", "name", "active", "tags"].map((c) => column(User, c))
  const rows = [
    ["u1", "A", true, ["x"]],
    ["u2", "B", false, null]
  ]
  perDialect(
    "several rows, with an upsert clause; RETURNING where the dialect has it",
    (d) => {
      const r = insertRows(
        d,
        User,
        columns,
        rows,
        () => d.upsertClause(["id"], `${d.quote("name")} = ${d.excluded("name")}`),
        true
      )
      return [r.sql, r.params]
    },
    {
      postgres: [
        `INSERT INTO "users" ("id", "name", "active", "tags") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)` +
          ` ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"` +
          ` RETURNING "id", "name", "age", "active", "token", "tags", "profile", "created_at", "updated_at"`,
        ["u1", "A", true, `["x"]`, "u2", "B", false, null]
      ],
      mysql: [
        "INSERT INTO `users` (`id`, `name`, `active`, `tags`) VALUES (?, ?, ?, ?), (?, ?, ?, ?)" +
          " ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)",
        ["u1", "A", 1, `["x"]`, "u2", "B", 0, null]
      ],
      sqlite: [
        `INSERT INTO "users" ("id", "name", "active", "tags") VALUES (?, ?, ?, ?), (?, ?, ?, ?)` +
          ` ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name"` +
          ` RETURNING "id", "name", "age", "active", "token", "tags", "profile", "created_at", "updated_at"`,
        ["u1", "A", 1, `["x"]`, "u2", "B", 0, null]
      ]
    }
  )
  perDialect(
    "parameters bound in the suffix come after the rows'",
    (d) => {
      const r = insertRows(
        d,
        User,
        columns.slice(0, 2),
        [["u1", "A"]],
        (p) => d.upsertClause(["id"], `${d.quote("name")} = ${p.bind("Z")}`),
        false
      )
      return [r.sql, r.params]
    },
    {
      postgres: [
        `INSERT INTO "users" ("id", "name") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "name" = $3`,
        ["u1", "A", "Z"]
      ],
      mysql: ["INSERT INTO `users` (`id`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = ?", ["u1", "A", "Z"]],
      sqlite: [
        `INSERT INTO "users" ("id", "name") VALUES (?, ?) ON CONFLICT ("id") DO UPDATE SET "name" = ?`,
        ["u1", "A", "Z"]
      ]
    }
  )
  perDialect(
    "skipping rows that collide",
    (d) => {
      const r = insertRows(d, User, columns.slice(0, 2), [["u1", "A"]], d.skipClause("id"), false)
      return [r.sql, r.params]
    },
    {
      postgres: [`INSERT INTO "users" ("id", "name") VALUES ($1, $2) ON CONFLICT DO NOTHING`, ["u1", "A"]],
      mysql: ["INSERT INTO `users` (`id`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `id` = `id`", ["u1", "A"]],
      sqlite: [`INSERT INTO "users" ("id", "name") VALUES (?, ?) ON CONFLICT DO NOTHING`, ["u1", "A"]]
    }
  )
})

describe("identifiers never come from values", () => {
  const evil = `x'"\`\\; DROP TABLE users; --`
  const filters: ReadonlyArray<unknown> = [
    { name: evil },
    { name: { $in: [evil, "b"] } },
    { name: { $like: evil } },
    { name: { $contains: evil } },
    { name: { $regex: "x'\"" } },
    { "profile.city": evil },
    { tags: { $contains: evil } },
    { $or: [{ name: evil }, { $not: { name: { $startsWith: evil } } }] }
  ]
  for (const [name, d] of dialects) {
    it(`${name}: a value only ever reaches the parameters; the text is the same as for a plain value`, () => {
      for (const filter of filters) {
        const [sql, params] = filterSql(d, filter)
        const plain = filterSql(
          d,
          JSON.parse(JSON.stringify(filter).replaceAll(JSON.stringify(evil).slice(1, -1), "plain"))
        )
        expect(sql).toBe(plain[0])
        expect(sql).not.toContain("DROP")
        expect(sql).not.toContain("'\"")
        expect(JSON.stringify(params)).toMatch(/DROP TABLE|x'\\"/)
      }
      const insert = insertRows(d, User, [column(User, "id"), column(User, "name")], [[evil, evil]], "", false)
      expect(insert.sql).not.toContain("DROP")
      expect(insert.params).toEqual([evil, evil])
      const p = new Params(d)
      expect(keysetCondition(d, p, [key("name"), key("id")], [evil, evil])).not.toContain("DROP")
      expect(p.values).toEqual([evil, evil, evil])
    })
  }

  it("a filter key that is not a model column is refused before any SQL", () => {
    for (const k of [
      `name" = '' OR 1=1 --`,
      "name; DROP TABLE users",
      "`name`",
      "profile.ci'ty",
      'profile.city"--',
      "name.x"
    ]) {
      expect(() => toExpr(User.name, User.columnMap, { [k]: "x" }), k).toThrow(Errors.ValidationError)
    }
  })

  it("a model cannot be defined with a field or table name that is not an identifier", () => {
    expect(() => DataFlow.model("Bad", { id: Schema.String, [`a"b`]: Schema.String })).toThrow(Errors.ValidationError)
    expect(() => DataFlow.model("Bad", { id: Schema.String }, { table: "bad; DROP TABLE users" })).toThrow(
      Errors.ValidationError
    )
  })
})
