/**
 * The approval page: plain HTML and one script, no build step. The token comes from the URL fragment
 * (`/#token=...`, never sent to the server), is kept in sessionStorage for reloads, and is sent as a
 * bearer header; event streams are read with fetch (EventSource cannot send headers).
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>codexus web</title>
<link rel="icon" href="data:,">
<style>
  :root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
  body { margin: 0; }
  header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1rem; background: #1b1f24; color: #fff; }
  header h1 { font-size: 1rem; margin: 0; }
  #conn { font-size: .85rem; opacity: .8; }
  #session-id { text-transform: none; letter-spacing: 0; font-weight: normal; }
  #new-session { margin-top: .8rem; }
  main { display: grid; grid-template-columns: 17rem 1fr 22rem; gap: 1rem; padding: 1rem; }
  section { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: .8rem; min-width: 0; }
  h2 { font-size: .9rem; margin: 0 0 .6rem; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
  ul { list-style: none; margin: 0; padding: 0; }
  #sessions li { padding: .4rem .5rem; border-radius: 4px; cursor: pointer; font-size: .85rem; word-break: break-all; }
  #sessions li.selected { background: #ddf4ff; }
  #sessions li .badge { background: #cf222e; color: #fff; border-radius: 8px; padding: 0 .4rem; margin-left: .3rem; }
  input, button { font: inherit; }
  input[type=text] { width: 100%; box-sizing: border-box; padding: .35rem; margin-bottom: .4rem; }
  button { padding: .3rem .7rem; border-radius: 4px; border: 1px solid #8c959f; background: #f6f8fa; cursor: pointer; }
  button.accept { background: #1f883d; color: #fff; border-color: #1a7f37; }
  button.decline { background: #cf222e; color: #fff; border-color: #a40e26; }
  #transcript { font-size: .9rem; max-height: 60vh; overflow: auto; }
  .turn { border-top: 1px solid #eaeef2; padding: .5rem 0; }
  .agent { white-space: pre-wrap; }
  .command { font-family: ui-monospace, monospace; background: #f6f8fa; padding: .3rem; border-radius: 4px; white-space: pre-wrap; word-break: break-all; }
  .status { font-size: .8rem; color: #57606a; }
  .approval { border: 2px solid #bf8700; border-radius: 6px; padding: .6rem; margin-bottom: .6rem; background: #fff8c5; }
  .approval .actions { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .5rem; }
  .muted { color: #57606a; font-size: .85rem; }
  .error { color: #cf222e; }
</style>
</head>
<body>
<header><h1>codexus web</h1><span id="conn">starting…</span></header>
<main>
  <section>
    <h2>Sessions</h2>
    <ul id="sessions"></ul>
    <p id="no-sessions" class="muted">No sessions yet.</p>
    <form id="new-session">
      <input type="text" id="new-cwd" placeholder="cwd (optional, absolute)" autocomplete="off">
      <input type="text" id="new-profile" placeholder="profile (optional)" autocomplete="off">
      <button type="submit">New session</button>
    </form>
  </section>
  <section>
    <h2>Session <span id="session-id" class="muted"></span></h2>
    <form id="ask">
      <input type="text" id="prompt" placeholder="Ask codex…" autocomplete="off">
      <button type="submit">Send</button>
      <button type="button" id="close-session">Close session</button>
    </form>
    <p id="turn-status" class="status"></p>
    <div id="transcript"></div>
  </section>
  <section>
    <h2>Pending approvals</h2>
    <div id="approvals"></div>
    <p id="no-approvals" class="muted">Nothing to approve.</p>
  </section>
</main>
<script src="/app.js"></script>
</body>
</html>
`;

export const PAGE_SCRIPT = `'use strict';
(function () {
  var KEY = 'codexus-web-token';
  var fragment = new URLSearchParams(location.hash.slice(1));
  var token = fragment.get('token') || sessionStorage.getItem(KEY) || '';
  if (fragment.get('token')) {
    sessionStorage.setItem(KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  var selected = null;
  var streams = null;
  var turns = new Map();
  var approvals = new Map();

  function setConn(text, isError) {
    $('conn').textContent = text;
    $('conn').className = isError ? 'error' : '';
  }

  async function api(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + token } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    var res = await fetch(path, init);
    var data = res.status === 204 ? null : await res.json().catch(function () { return null; });
    if (!res.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
    return data;
  }

  // SSE over fetch (EventSource cannot send an Authorization header); reconnects with Last-Event-ID.
  async function stream(path, onEvent, signal) {
    var lastId = null;
    while (!signal.aborted) {
      try {
        var headers = { authorization: 'Bearer ' + token, accept: 'text/event-stream' };
        if (lastId !== null) headers['last-event-id'] = String(lastId);
        var res = await fetch(path, { headers: headers, signal: signal });
        if (res.status === 404 || res.status === 401) return;
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        var reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        var buffer = '';
        for (;;) {
          var chunk = await reader.read();
          if (chunk.done) break;
          buffer += chunk.value;
          var end;
          while ((end = buffer.indexOf('\\n\\n')) >= 0) {
            var frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            var data = '';
            frame.split('\\n').forEach(function (line) {
              if (line.indexOf('id: ') === 0) lastId = Number(line.slice(4));
              else if (line.indexOf('data: ') === 0) data += line.slice(6);
            });
            if (data) {
              var event = JSON.parse(data);
              onEvent(event);
              if (event.type === 'sessionClosed') return;
            }
          }
        }
      } catch (error) {
        if (signal.aborted) return;
      }
      await new Promise(function (r) { setTimeout(r, 1000); });
    }
  }

  function turnOf(turnId) {
    var turn = turns.get(turnId);
    if (!turn) {
      var box = el('div', 'turn');
      box.dataset.turnId = turnId;
      turn = { box: box, items: new Map() };
      turns.set(turnId, turn);
      $('transcript').appendChild(box);
    }
    return turn;
  }

  function itemNode(turn, itemId, cls) {
    var node = turn.items.get(itemId);
    if (!node) {
      node = el('div', cls);
      turn.items.set(itemId, node);
      turn.box.appendChild(node);
    }
    return node;
  }

  function onSessionEvent(event) {
    switch (event.type) {
      case 'turnStarted':
        turnOf(event.turnId);
        $('turn-status').textContent = 'turn running';
        break;
      case 'itemStarted':
      case 'itemCompleted': {
        var item = event.item;
        var turn = turnOf(event.turnId);
        if (item.type === 'userMessage') {
          var parts = (item.content || []).map(function (c) { return c.text || ''; }).join(' ');
          itemNode(turn, item.id, 'muted').textContent = '> ' + parts;
        } else if (item.type === 'agentMessage' && event.type === 'itemCompleted' && typeof item.text === 'string') {
          itemNode(turn, item.id, 'agent').textContent = item.text;
        } else if (item.type === 'commandExecution') {
          var line = '$ ' + (item.command || '') + (item.status ? '  [' + item.status + ']' : '');
          itemNode(turn, item.id, 'command').textContent = line;
        }
        break;
      }
      case 'textDelta':
        itemNode(turnOf(event.turnId), event.itemId, 'agent').textContent += event.delta;
        break;
      case 'turnCompleted':
        turnOf(event.turnId);
        $('turn-status').textContent = 'turn ' + event.status + (event.error ? ': ' + event.error.message : '');
        $('turn-status').dataset.status = event.status;
        refreshSoon();
        break;
      case 'sessionClosed':
        $('turn-status').textContent = 'session closed';
        break;
    }
  }

  function renderApprovals() {
    var box = $('approvals');
    box.textContent = '';
    approvals.forEach(function (view) {
      var card = el('div', 'approval');
      card.dataset.approvalId = view.approvalId;
      card.appendChild(el('strong', '', view.kind === 'fileChange' ? 'File change' : 'Command'));
      if (view.command) card.appendChild(el('div', 'command', view.command));
      if (view.cwd) card.appendChild(el('div', 'muted', 'in ' + view.cwd));
      if (view.reason) card.appendChild(el('div', '', view.reason));
      if (view.grantRoot) card.appendChild(el('div', 'muted', 'write access to ' + view.grantRoot));
      (view.changes || []).forEach(function (change) {
        card.appendChild(el('div', 'muted', (change.kind && change.kind.type || change.kind || '') + ' ' + (change.path || '')));
        if (change.diff) card.appendChild(el('div', 'command', change.diff));
      });
      var actions = el('div', 'actions');
      view.allowedDecisions.forEach(function (decision) {
        var button = el('button', decision, decision);
        button.type = 'button';
        button.addEventListener('click', function () { answer(view, decision, card); });
        actions.appendChild(button);
      });
      card.appendChild(actions);
      box.appendChild(card);
    });
    $('no-approvals').hidden = approvals.size > 0;
  }

  async function answer(view, decision, card) {
    card.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    try {
      await api('POST', '/v1/sessions/' + view.sessionId + '/approvals/' + view.approvalId, { decision: decision });
    } catch (error) {
      card.appendChild(el('div', 'error', String(error.message || error)));
    }
  }

  function onApprovalEvent(event) {
    if (event.type === 'approvalRequested') approvals.set(event.approval.approvalId, event.approval);
    else if (event.type === 'approvalResolved') approvals.delete(event.approvalId);
    renderApprovals();
    refreshSoon();
  }

  function select(sessionId) {
    if (streams) streams.abort();
    selected = sessionId;
    turns = new Map();
    approvals = new Map();
    $('transcript').textContent = '';
    $('turn-status').textContent = '';
    $('session-id').textContent = sessionId || '';
    renderApprovals();
    if (!sessionId) return;
    streams = new AbortController();
    var base = '/v1/sessions/' + sessionId;
    stream(base + '/events', onSessionEvent, streams.signal);
    stream(base + '/approvals', onApprovalEvent, streams.signal);
    refreshSessions();
  }

  var refreshTimer = null;
  function refreshSoon() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () { refreshTimer = null; refreshSessions(); }, 100);
  }

  async function refreshSessions() {
    try {
      var data = await api('GET', '/v1/sessions');
      var list = $('sessions');
      list.textContent = '';
      data.sessions.forEach(function (s) {
        var li = el('li', s.sessionId === selected ? 'selected' : '', s.profile + ' · ' + s.cwd);
        li.dataset.sessionId = s.sessionId;
        if (s.pendingApprovals > 0) li.appendChild(el('span', 'badge', String(s.pendingApprovals)));
        li.addEventListener('click', function () { select(s.sessionId); });
        list.appendChild(li);
      });
      $('no-sessions').hidden = data.sessions.length > 0;
      if (selected && !data.sessions.some(function (s) { return s.sessionId === selected; })) select(null);
      if (!selected && data.sessions.length > 0) select(data.sessions[data.sessions.length - 1].sessionId);
      setConn('connected');
    } catch (error) {
      setConn(String(error.message || error), true);
    }
  }

  $('new-session').addEventListener('submit', async function (e) {
    e.preventDefault();
    var body = {};
    if ($('new-cwd').value.trim()) body.cwd = $('new-cwd').value.trim();
    if ($('new-profile').value.trim()) body.profile = $('new-profile').value.trim();
    try {
      var created = await api('POST', '/v1/sessions', body);
      select(created.sessionId);
    } catch (error) { setConn(String(error.message || error), true); }
  });

  $('ask').addEventListener('submit', async function (e) {
    e.preventDefault();
    var prompt = $('prompt').value;
    if (!selected || !prompt.trim()) return;
    try {
      await api('POST', '/v1/sessions/' + selected + '/turns', { prompt: prompt });
      $('prompt').value = '';
    } catch (error) { $('turn-status').textContent = String(error.message || error); }
  });

  $('close-session').addEventListener('click', async function () {
    if (!selected) return;
    try { await api('DELETE', '/v1/sessions/' + selected); } catch (error) { setConn(String(error.message || error), true); }
    select(null);
    refreshSessions();
  });

  if (!token) {
    setConn('no token: open the URL printed by codexus-web (it ends in #token=...)', true);
    return;
  }
  refreshSessions();
  setInterval(refreshSessions, 2000);
})();
`;
