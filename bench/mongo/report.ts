/** The MongoDB scenarios' section of docs/benchmarks.md, between two markers (replaced by each run). */

export const mongoStart = "<!-- mongo-bench:start (npm run bench writes this section; DATAFLOW_TEST_MONGO runs it) -->"
export const mongoEnd = "<!-- mongo-bench:end -->"

/** `doc` with its MongoDB section replaced by `section` (appended when it has none). */
export const withMongoSection = (doc: string, section: string): string => {
  const a = doc.indexOf(mongoStart)
  const b = doc.indexOf(mongoEnd)
  const block = `${mongoStart}\n${section.trim()}\n${mongoEnd}`
  return a !== -1 && b > a
    ? `${doc.slice(0, a)}${block}${doc.slice(b + mongoEnd.length)}`
    : `${doc.trimEnd()}\n\n${block}\n`
}

/** The MongoDB section of an existing report, if it has one. */
export const mongoSectionOf = (doc: string): string | undefined => {
  const a = doc.indexOf(mongoStart)
  const b = doc.indexOf(mongoEnd)
  return a !== -1 && b > a ? doc.slice(a + mongoStart.length, b) : undefined
}
