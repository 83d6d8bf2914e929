// Mounts the vendored GraphiQL on this server's /graphql: queries and
// mutations as JSON POSTs, subscriptions over a WebSocket on the same path
// (graphql-transport-ws) that signs in with the headers editor's
// Authorization. A link may carry `#token=…&query=…`: the fragment never
// reaches the server, so the token stays out of its logs.
(function () {
  'use strict';

  // The page's own layout, set through the DOM because the policy allows no
  // inline style.
  for (const element of [document.documentElement, document.body]) {
    element.style.height = '100%';
    element.style.margin = '0';
  }
  const container = document.getElementById('graphiql');
  container.style.height = '100vh';
  container.textContent = '';

  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  const query = fragment.get('query');
  if (location.hash) {
    // Out of the address bar (and so out of bookmarks and screenshots).
    history.replaceState(null, '', location.pathname + location.search);
  }
  const headersFor = (value) => JSON.stringify({ Authorization: 'Bearer ' + value }, null, 2);

  const endpoint = location.origin + '/graphql';
  const socketUrl = endpoint.replace(/^http/, 'ws');

  // One WebSocket per Authorization value: a changed token opens a new one.
  let socket = null;
  function socketFor(authorization) {
    if (socket && socket.authorization === authorization) return socket.client;
    if (socket) socket.client.dispose();
    const client = graphqlWs.createClient({
      url: socketUrl,
      lazy: true,
      retryAttempts: 0,
      connectionParams: authorization ? { Authorization: authorization } : {},
    });
    socket = { authorization, client };
    return client;
  }

  // Parsed from the text sent, not from GraphiQL's editor state, which can
  // lag behind the text by a keystroke.
  function isSubscription(params) {
    let document;
    try {
      document = GraphiQL.GraphQL.parse(params.query);
    } catch (_) {
      return false;
    }
    const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
    const chosen = params.operationName
      ? operations.find((o) => o.name && o.name.value === params.operationName)
      : operations[0];
    return Boolean(chosen && chosen.operation === 'subscription');
  }

  // GraphiQL shows an error thrown or passed here as the response.
  function describe(error) {
    if (Array.isArray(error)) return { errors: error };
    if (error && typeof error.code === 'number') {
      return new Error('WebSocket closed: ' + error.code + (error.reason ? ' ' + error.reason : ''));
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  function authorizationOf(headers) {
    for (const [name, value] of Object.entries(headers || {})) {
      if (name.toLowerCase() === 'authorization' && typeof value === 'string') {
        // "Bearer " alone (the prefilled editor) is no token.
        return value.trim() === 'Bearer' ? null : value;
      }
    }
    return null;
  }

  // GraphiQL fetches the schema once before its headers editor exists, and
  // then sends no headers: that first call gets the headers the page opened
  // with, so the Docs pane fills from a link with a token.
  const initialHeaders = { Authorization: 'Bearer ' + (token || '') };
  let editorSeen = false;

  function fetcher(params, options) {
    if (options && options.headers) editorSeen = true;
    const headers = (options && options.headers) || (editorSeen ? {} : initialHeaders);
    if (isSubscription(params)) {
      const client = socketFor(authorizationOf(headers));
      return {
        subscribe(observer) {
          const dispose = client.subscribe(params, {
            next: (value) => observer.next(value),
            error: (error) => observer.error(describe(error)),
            complete: () => observer.complete(),
          });
          return { unsubscribe: dispose };
        },
      };
    }
    const sent = { 'Content-Type': 'application/json', Accept: 'application/json' };
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'authorization' && authorizationOf(headers) === null) continue;
      sent[name] = value;
    }
    return fetch(endpoint, { method: 'POST', headers: sent, body: JSON.stringify(params) }).then(async (response) => {
      const text = await response.text();
      try {
        return JSON.parse(text);
      } catch (_) {
        return { errors: [{ message: response.status + ' ' + response.statusText + ': ' + text }] };
      }
    });
  }

  // A changed token fetches the schema again (GraphiQL's own shortcut for
  // that, Ctrl+R, listens on the window), so the Docs pane fills once a
  // token is pasted.
  let lastAuthorization = authorizationOf(initialHeaders);
  let refetch = null;
  function onEditHeaders(text) {
    clearTimeout(refetch);
    refetch = setTimeout(() => {
      let authorization;
      try {
        authorization = authorizationOf(JSON.parse(text));
      } catch (_) {
        return;
      }
      if (authorization === lastAuthorization) return;
      lastAuthorization = authorization;
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'R', ctrlKey: true }));
    }, 500);
  }

  const props = {
    fetcher,
    onEditHeaders,
    defaultEditorToolsVisibility: 'headers',
    // The token is never written to the browser's storage.
    shouldPersistHeaders: false,
    defaultHeaders: headersFor(''),
  };
  if (token) props.headers = headersFor(token);
  if (query) props.query = query;
  ReactDOM.createRoot(container).render(React.createElement(GraphiQL, props));
})();
