/**
 * The `dataflow` executable: runs the command and exits with the code of how it ended (see Output.ts).
 *
 * @since 0.1.0
 */
import { Command } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Cause, Effect, Exit, Option } from "effect"
import { dataflow } from "./Commands.js"
import { describeError, exitCodeOf } from "./Output.js"

const cli = Command.run(dataflow, { name: "dataflow", version: "0.1.0" })

/** Runs the command line `argv` (the full process.argv) and resolves to the exit code. */
export const main = (argv: ReadonlyArray<string>): Promise<number> =>
  Effect.runPromiseExit(cli(argv).pipe(Effect.provide(NodeContext.layer))).then((exit) => {
    if (Exit.isSuccess(exit)) return 0
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) {
      console.error(`dataflow: unexpected failure\n${Cause.pretty(exit.cause)}`)
      return 1
    }
    const e = failure.value as { _tag?: string }
    // @effect/cli has printed its own usage message for these
    const cliReported = [
      "MissingValue",
      "MissingFlag",
      "MissingSubcommand",
      "InvalidValue",
      "InvalidArgument",
      "CommandMismatch",
      "CorrectedFlag",
      "UnclusteredFlag",
      "MultipleValuesDetected",
      "NoBuiltInMatch"
    ].includes(e._tag ?? "")
    if (!cliReported) console.error(`dataflow: ${describeError(e)}`)
    return exitCodeOf(e)
  })

main(process.argv).then((code) => process.exit(code))
