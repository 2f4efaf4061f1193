/**
 * A PostgreSQL or MariaDB server of the test's own — a fresh data directory under the OS temp dir,
 * on a free port near 55433 / 33307 — that the test starts, kills and restarts by PID. The shared
 * servers are never touched.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

const pgBin = "/usr/lib/postgresql/15/bin"

/** A server the test owns. */
export interface ServerInstance {
  readonly kind: "postgres" | "mysql"
  readonly port: number
  /** The URL of the instance's `test` database. */
  readonly url: string
  /** Starts the server (again) on the same data directory and port; resolves once it accepts connections. */
  readonly start: () => Promise<void>
  /** Stops it: `fast` (SIGINT/SIGTERM: clean shutdown) or `kill` (SIGKILL: a crash). Resolves once the process exited. */
  readonly stop: (how: "fast" | "kill") => Promise<void>
  /** The directory of the server's Unix socket (PostgreSQL). */
  readonly socketDir: string
  /** The CA file (PEM) that signed the server's certificate (its name: `localhost` only). */
  readonly caFile: string
  /** Stops it and removes its data directory. */
  readonly destroy: () => Promise<void>
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer()
    s.once("error", () => resolve(false))
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)))
  })

const freePort = async (from: number) => {
  for (let port = from; port < from + 200; port++) if (await portFree(port)) return port
  throw new Error(`no free port near ${from}`)
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1")
    s.once("connect", () => (s.destroy(), resolve(true)))
    s.once("error", () => resolve(false))
  })

/** Polls until `check` is true, every 100 ms, `limitMs` at most. */
const until = async (check: () => Promise<boolean>, limitMs: number, what: string) => {
  const end = Date.now() + limitMs
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out: ${what}`)
}

const postgresUid = () => {
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim())
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim())
  return { uid, gid }
}

/** A CA and a server certificate it signed, for the host name `localhost` only (not 127.0.0.1). */
const makeCertificates = (dir: string) => {
  const run = (...args: Array<string>) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" })
  run(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=df-test-ca"
  )
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
  writeFileSync(join(dir, "san.ext"), "subjectAltName=DNS:localhost\n")
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.crt",
    "-days",
    "2",
    "-extfile",
    "san.ext"
  )
  chmodSync(join(dir, "server.key"), 0o600)
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())
  )

/** Creates (initdb / mariadb-install-db) and starts a server of the test's own. */
export const startServerInstance = async (kind: "postgres" | "mysql"): Promise<ServerInstance> => {
  const dir = mkdtempSync(join(tmpdir(), `${process.env["DATAFLOW_TEST_NS"] ?? ""}df_instance_`))
  const data = join(dir, "data")
  const port = await freePort(kind === "postgres" ? 55433 : 33307)
  const root = process.getuid?.() === 0
  let child: ChildProcess | undefined
  let spawnServer: () => ChildProcess
  let ready: () => Promise<boolean>
  // TLS on (plaintext still accepted): the URL's sslmode decides
  makeCertificates(dir)
  if (kind === "postgres") {
    // PostgreSQL refuses to run as root: the data directory and the process belong to `postgres`
    const ids = root ? postgresUid() : undefined
    if (ids) {
      chownSync(dir, ids.uid, ids.gid)
      chownSync(join(dir, "server.key"), ids.uid, ids.gid)
    }
    execFileSync(
      `${pgBin}/initdb`,
      ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
      {
        stdio: "ignore",
        ...(ids ?? {})
      }
    )
    spawnServer = () =>
      spawn(
        `${pgBin}/postgres`,
        [
          "-D",
          data,
          "-p",
          String(port),
          "-k",
          dir,
          "-c",
          "listen_addresses=127.0.0.1",
          "-c",
          "fsync=off",
          "-c",
          "max_connections=40",
          "-c",
          "shared_buffers=16MB",
          "-c",
          "ssl=on",
          "-c",
          `ssl_cert_file=${join(dir, "server.crt")}`,
          "-c",
          `ssl_key_file=${join(dir, "server.key")}`
        ],
        { stdio: "ignore", ...(ids ?? {}) }
      )
    ready = async () => {
      if (!(await accepts(port))) return false
      try {
        execFileSync(`${pgBin}/pg_isready`, ["-h", "127.0.0.1", "-p", String(port)], { stdio: "ignore" })
        return true
      } catch {
        return false
      }
    }
  } else {
    execFileSync(
      "mariadb-install-db",
      [
        "--no-defaults",
        `--datadir=${data}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        ...(root ? ["--user=root"] : [])
      ],
      { stdio: "ignore" }
    )
    spawnServer = () =>
      spawn(
        "mariadbd",
        [
          "--no-defaults",
          `--datadir=${data}`,
          `--port=${port}`,
          "--bind-address=127.0.0.1",
          `--socket=${join(dir, "sock")}`,
          `--pid-file=${join(dir, "pid")}`,
          "--skip-log-bin",
          "--innodb-buffer-pool-size=16M",
          "--innodb-log-file-size=8M",
          "--skip-name-resolve",
          `--ssl-cert=${join(dir, "server.crt")}`,
          `--ssl-key=${join(dir, "server.key")}`,
          `--ssl-ca=${join(dir, "ca.crt")}`,
          ...(root ? ["--user=root"] : [])
        ],
        { stdio: "ignore" }
      )
    ready = () => accepts(port)
  }
  // a worker that dies mid-test must not leave a server behind (SIGQUIT: PostgreSQL's immediate
  // shutdown, which takes its backends along)
  const onExit = () => void child?.kill(kind === "postgres" ? "SIGQUIT" : "SIGKILL")
  process.once("exit", onExit)
  const start = async () => {
    child = spawnServer()
    const mine = child
    await until(
      async () => {
        if (mine.exitCode !== null) throw new Error(`${kind} instance exited with ${mine.exitCode}`)
        return ready()
      },
      30_000,
      `${kind} instance on port ${port} accepting connections`
    )
    if (kind === "mysql") {
      // the `test` database, as on the shared server (idempotent)
      execFileSync(
        "mariadb",
        ["-h", "127.0.0.1", "-P", String(port), "-u", "root", "-e", "CREATE DATABASE IF NOT EXISTS test"],
        { stdio: "ignore" }
      )
    }
  }
  const stop = async (how: "fast" | "kill") => {
    const c = child
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    c.kill(how === "kill" ? "SIGKILL" : kind === "postgres" ? "SIGINT" : "SIGTERM")
    await exited(c)
    // a killed postmaster leaves its backends to notice on their own: wait until the port is free
    await until(async () => !(await accepts(port)), 30_000, `${kind} instance on port ${port} gone`)
  }
  await start()
  return {
    kind,
    port,
    url: kind === "postgres" ? `postgres://postgres@127.0.0.1:${port}/postgres` : `mysql://root@127.0.0.1:${port}/test`,
    caFile: join(dir, "ca.crt"),
    socketDir: dir,
    start,
    stop,
    destroy: async () => {
      await stop("fast").catch(() => stop("kill"))
      process.off("exit", onExit)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
