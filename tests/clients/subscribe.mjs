// A real graphql-transport-ws client (the `graphql-ws` package over `ws`),
// driven by the Rust integration tests (tests/api/subscriptions.rs).
//
// Usage: node subscribe.mjs '<json>' where the JSON holds
//   { "url": "ws://…/graphql", "token": "…", "query": "subscription …",
//     "variables": {…}, "count": 1, "timeoutMs": 30000 }
// It prints one JSON line per happening, for the test to read:
//   {"event":"connected"}                 the server acknowledged connection_init
//   {"event":"next","payload":{…}}        a result
//   {"event":"error","payload":[…]}       the operation was refused
//   {"event":"complete"}                  the server ended the subscription
//   {"event":"closed","code":4401,"reason":"Unauthorized"}
// and exits after `count` results, an error, completion or a close.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const options = JSON.parse(process.argv[2]);
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

// A refused connection also rejects a promise inside graphql-ws that nobody
// awaits; the close itself was reported by `closed`. Anything else is news.
process.on('unhandledRejection', (reason) => {
  if (reason?.code === undefined) print({ event: 'failure', reason: String(reason) });
});

let results = 0;
let done = false;

const client = createClient({
  url: options.url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  connectionParams: options.token ? { Authorization: `Bearer ${options.token}` } : {},
  on: {
    connected: () => print({ event: 'connected' }),
    closed: (event) => {
      print({ event: 'closed', code: event.code, reason: event.reason });
      finish(0);
    },
  },
  // Errors are for the test to judge: never retry, never throw.
  onNonLazyError: () => {},
});

function finish(code) {
  if (done) return;
  done = true;
  client.dispose();
  // Let stdout drain before leaving.
  setTimeout(() => process.exit(code), 50);
}

setTimeout(() => {
  print({ event: 'timeout' });
  finish(1);
}, options.timeoutMs ?? 30000);

client.subscribe(
  { query: options.query, variables: options.variables ?? {} },
  {
    next: (payload) => {
      print({ event: 'next', payload });
      results += 1;
      if (results >= (options.count ?? 1)) finish(0);
    },
    error: (error) => {
      // A refused operation arrives as an array of GraphQL errors; a closed
      // socket as a CloseEvent, already reported by `closed`.
      if (Array.isArray(error)) print({ event: 'error', payload: error });
      finish(0);
    },
    complete: () => {
      print({ event: 'complete' });
      finish(0);
    },
  },
);
