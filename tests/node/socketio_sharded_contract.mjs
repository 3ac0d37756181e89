// Contract test: socket.io's sharded Redis adapter (createShardedAdapter,
// node-redis 5) — two socket.io servers joined through SSUBSCRIBE/SPUBLISH and
// PUBSUB SHARDNUMSUB: a room broadcast, a binary payload, server-side emits
// and fetchSockets across servers.
//
// usage: node socketio_sharded_contract.mjs HOST PORT
//
// Prints "N passed, 0 failed".
import { createServer } from 'node:http';
import { once } from 'node:events';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { createClient } from 'redis';
import { createShardedAdapter } from '@socket.io/redis-adapter';

const [host, port] = [process.argv[2], Number(process.argv[3])];
let checks = 0;
function check(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  checks += 1;
}

const redisClients = [];
async function socketServer() {
  const pub = createClient({ url: `redis://${host}:${port}` });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  redisClients.push(pub, sub);
  const http = createServer();
  const io = new Server(http, { adapter: createShardedAdapter(pub, sub) });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return { io, pub, port: http.address().port };
}

// Waits until `n` connections subscribe to a shard channel: subscriptions
// are sent without awaiting their confirmation, so ask the server.
async function subscribers(pub, channel, n) {
  for (let i = 0; i < 500; i++) {
    const reply = await pub.sendCommand(['PUBSUB', 'SHARDNUMSUB', channel]);
    if (Number(reply[1]) === n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${channel} never reached ${n} subscribers`);
}

const a = await socketServer();
const b = await socketServer();
await subscribers(a.pub, 'socket.io#/#', 2);
check(await b.io.of('/').adapter.serverCount(), 2, 'serverCount via SHARDNUMSUB');

a.io.on('connection', (socket) => socket.join('room1'));
const client = connectClient(`http://127.0.0.1:${a.port}`, { transports: ['websocket'] });
await once(client, 'connect');
// The room gets its own shard channel once someone is in it.
await subscribers(a.pub, 'socket.io#/#room1#', 1);

// A broadcast from server b reaches the client connected to server a.
const hello = once(client, 'hello');
b.io.to('room1').emit('hello', 'world');
check((await hello)[0], 'world', 'room broadcast across servers');

// Binary payloads travel msgpack-encoded (binary-safe channels and messages).
const blob = once(client, 'blob');
b.io.emit('blob', Buffer.from([0, 1, 2, 255]));
check([...new Uint8Array((await blob)[0])], [0, 1, 2, 255], 'binary broadcast');

// Server-side emit with an acknowledgement from the other server.
a.io.on('ping-servers', (n, ack) => ack(n + 1));
const answers = await b.io.serverSideEmitWithAck('ping-servers', 41);
check(answers, [42], 'serverSideEmitWithAck');

// fetchSockets from b sees the socket on a, with its room.
const sockets = await b.io.in('room1').fetchSockets();
check(sockets.length, 1, 'fetchSockets count');
check(sockets[0].rooms.has('room1'), true, 'fetchSockets rooms');

// Leaving the room drops its shard channel.
await a.io.in('room1').socketsLeave('room1');
await subscribers(a.pub, 'socket.io#/#room1#', 0);
check(await a.pub.sendCommand(['PUBSUB', 'SHARDCHANNELS', 'socket.io#/#room1*']), [], 'room channel gone');

client.close();
a.io.close();
b.io.close();
await Promise.all(redisClients.map((c) => c.quit().catch(() => {})));
console.log(`${checks} passed, 0 failed`);
process.exit(0);
