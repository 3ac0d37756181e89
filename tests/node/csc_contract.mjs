// Contract test: node-redis 5's client-side cache (RESP3, CLIENT TRACKING):
// reads served from the local cache until the server pushes an
// invalidation, for strings and hashes, and a flush empties the cache.
//
// usage: node csc_contract.mjs HOST PORT
//
// Prints "N passed, 0 failed".
import { once } from 'node:events';
import { createClient, BasicClientSideCache } from 'redis';

const [host, port] = [process.argv[2], Number(process.argv[3])];
const url = `redis://${host}:${port}`;
let checks = 0;
function check(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  checks += 1;
}

const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0, recordStats: true });
const client = createClient({ url, RESP: 3, clientSideCache: cache });
const writer = createClient({ url });
await Promise.all([client.connect(), writer.connect()]);
await writer.flushAll();

await writer.set('csc:k', 'v1');
check(await client.get('csc:k'), 'v1', 'first read');
check(await client.get('csc:k'), 'v1', 'second read');
check(cache.stats().hitCount, 1, 'the second read came from the cache');

// Another client's write: the server pushes an invalidation.
let invalidated = once(cache, 'invalidate');
await writer.set('csc:k', 'v2');
check(String((await invalidated)[0]), 'csc:k', 'invalidated key');
check(await client.get('csc:k'), 'v2', 'fresh value after the invalidation');

// Hashes too, binary-safe names.
await writer.hSet('csc:h\u00e9', { f: '1', g: '2' });
check(await client.hGetAll('csc:h\u00e9'), { f: '1', g: '2' }, 'hash read');
check(await client.hGetAll('csc:h\u00e9'), { f: '1', g: '2' }, 'hash read cached');
invalidated = once(cache, 'invalidate');
await writer.hDel('csc:h\u00e9', 'g');
check(String((await invalidated)[0]), 'csc:h\u00e9', 'hash invalidated');
check(await client.hGetAll('csc:h\u00e9'), { f: '1' }, 'fresh hash');

// The client's own write invalidates its cache as well.
check(await client.get('csc:own'), null, 'missing key read');
invalidated = once(cache, 'invalidate');
await client.set('csc:own', 'mine');
await invalidated;
check(await client.get('csc:own'), 'mine', 'own write seen');

// A flush tells the client to drop everything (a null key).
invalidated = once(cache, 'invalidate');
await writer.flushAll();
check((await invalidated)[0], null, 'flush invalidates all');
check(cache.size(), 0, 'cache empty after flush');
check(await client.get('csc:k'), null, 'nothing after flush');

await Promise.all([client.quit(), writer.quit()]);
console.log(`${checks} passed, 0 failed`);
