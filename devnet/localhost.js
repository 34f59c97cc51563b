// Preloaded with `node -r ./localhost.js`: every server @atproto/dev-env starts binds 127.0.0.1.
// Its services call listen(port) with no host, which binds every interface; a test network must
// not be reachable from outside the machine.
'use strict'
const net = require('node:net')

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'object' && args[0] !== null && !Array.isArray(args[0])) {
    if (args[0].path === undefined) args[0] = { ...args[0], host: '127.0.0.1' }
  } else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
    else args[1] = '127.0.0.1'
  }
  return listen.apply(this, args)
}
