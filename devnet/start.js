// Start a local AT Protocol network (PLC, PDS, AppView, Ozone) for cauterize's live tests.
//
//   DB_POSTGRES_URL=postgresql://... node -r ./localhost.js start.js
//
// Prints one JSON line with the services' URLs, the Ozone service's DID and a moderator account,
// then runs until stdin closes or it gets SIGTERM/SIGINT. Needs PostgreSQL (DB_POSTGRES_URL); sets
// REDIS_HOST itself because dev-env insists on it, though nothing connects to Redis here.
'use strict'
process.env.REDIS_HOST = process.env.REDIS_HOST || '127.0.0.1:1'
process.env.LOG_ENABLED = process.env.LOG_ENABLED || 'false'
const { TestNetwork } = require('@atproto/dev-env')

const MOD = { handle: 'moderator.test', email: 'moderator@example.test', password: 'moderator-pass' }

async function main() {
  const t0 = Date.now()
  const network = await TestNetwork.create({
    dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'cauterize_devnet',
  })
  const agent = network.pds.getClient()
  const res = await agent.createAccount(MOD)
  await network.ozone.addModeratorDid(res.data.did)
  await network.processAll()
  const info = {
    ready: true,
    startup_ms: Date.now() - t0,
    plc: network.plc.url,
    pds: network.pds.url,
    pds_ws: network.pds.url.replace(/^http/, 'ws'),
    appview: network.bsky.url,
    ozone: network.ozone.url,
    ozone_did: network.ozone.ctx.cfg.service.did,
    admin_password: network.pds.ctx.cfg.entryway ? null : 'admin-pass',
    moderator: { ...MOD, did: res.data.did },
  }
  process.stdout.write(JSON.stringify(info) + '\n')
  let closing = false
  const stop = async () => {
    if (closing) return
    closing = true
    try {
      await network.close()
    } finally {
      process.exit(0)
    }
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}

main().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + '\n')
  process.exit(1)
})
