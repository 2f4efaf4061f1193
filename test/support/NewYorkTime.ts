/**
 * Imported first by a test file: the process runs in America/New_York for that file (a zone that is
 * not UTC, so a date read or written in local time shows), and its own TZ is restored afterwards.
 * Each file asserts the zone in a test of its own: without it the file would prove nothing.
 */
import { afterAll } from "@effect/vitest"

const processTz = process.env["TZ"]
process.env["TZ"] = "America/New_York"

afterAll(() => {
  if (processTz === undefined) delete process.env["TZ"]
  else process.env["TZ"] = processTz
})
