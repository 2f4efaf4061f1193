import * as fs from "node:fs"
import { runVector } from "./run.js"
const quick = process.argv.includes("--quick")
runVector(quick, (l) => process.stdout.write(`${l}\n`)).then((r) => {
  fs.mkdirSync("bench/.out", { recursive: true })
  fs.writeFileSync(`bench/.out/vector-dev${quick ? "-quick" : ""}.json`, JSON.stringify(r, null, 1))
  process.stdout.write(`done in ${r.seconds} s\n`)
})
