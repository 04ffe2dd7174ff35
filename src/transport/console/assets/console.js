/* global document, window, localStorage, EventSource, fetch, setInterval */
// rollback-bot local console: sends commands, draws replies, and replaces status cards from the server's
// event stream. Plain browser JavaScript, no framework and no build step. All markup comes from the server
// (escaped there); text made here is set with textContent only.
(function () {
  'use strict';
  var NAME_KEY = 'rollback-bot.console.name';
  var feed = document.getElementById('feed');
  var form = document.getElementById('composer');
  var input = document.getElementById('command');
  var me = document.getElementById('me');
  var live = document.getElementById('live');
  /** Threads the reader opened or closed themselves keep that state across redraws. */
  var toggled = new Map();
  var history = [];
  var historyIndex = 0;

  me.value = localStorage.getItem(NAME_KEY) || '';
  me.addEventListener('input', function () {
    localStorage.setItem(NAME_KEY, me.value.trim());
    me.classList.remove('missing');
  });

  function fromHtml(markup) {
    var template = document.createElement('template');
    template.innerHTML = markup.trim();
    return template.content.firstElementChild;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
  }

  function append(element) {
    var stick = nearBottom();
    feed.appendChild(element);
    localize(element);
    if (stick) element.scrollIntoView({ block: 'end' });
  }

  function cardId(jobId) {
    return 'job-' + jobId.replace(/[^A-Za-z0-9_-]/g, '_');
  }

  /** A newer snapshot of a rollback: replace its card in place, or post it if it is new. */
  function upsert(event) {
    var existing = document.getElementById(cardId(event.jobId));
    if (existing && Number(existing.getAttribute('data-version')) >= event.version) return;
    var card = fromHtml(event.html);
    var thread = card.querySelector('details.thread');
    if (thread && toggled.has(event.jobId)) thread.open = toggled.get(event.jobId);
    if (existing) {
      existing.replaceWith(card);
      localize(card);
    } else {
      append(card);
    }
  }

  feed.addEventListener(
    'toggle',
    function (event) {
      var thread = event.target;
      var card = thread.closest && thread.closest('[data-job-id]');
      if (card && thread.matches('details.thread'))
        toggled.set(card.getAttribute('data-job-id'), thread.open);
    },
    true,
  );

  function setLive(on) {
    live.textContent = on ? 'live' : 'reconnecting…';
    live.className = 'live ' + (on ? 'live-on' : 'live-off');
  }

  function connect() {
    var source = new EventSource('/console/events');
    source.addEventListener('snapshot', function (event) {
      upsert(JSON.parse(event.data));
    });
    source.addEventListener('ready', function () {
      setLive(true);
    });
    source.onerror = function () {
      setLive(false); // EventSource reconnects by itself; the server resends the latest state.
    };
  }

  function localNote(text) {
    var article = document.createElement('article');
    article.className = 'msg ephemeral ephemeral-error';
    var p = document.createElement('p');
    p.className = 'error-message';
    p.textContent = '✗ ' + text;
    article.appendChild(p);
    return article;
  }

  function requireName() {
    var name = me.value.trim();
    if (!name) {
      me.classList.add('missing');
      me.focus();
      append(localNote('Choose your name at the top of the page first: it is recorded as who asked.'));
    }
    return name;
  }

  function post(url, payload) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().then(
        function (data) {
          if (!response.ok) throw new Error(data.error || 'The bot answered ' + response.status + '.');
          return data;
        },
        function () {
          throw new Error('The bot answered ' + response.status + '.');
        },
      );
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    var name = text && requireName();
    if (!text || !name) return;
    form.classList.add('busy');
    input.disabled = true;
    post('/console/commands', { text: text, name: name })
      .then(function (data) {
        var reply = fromHtml(data.html);
        // The status message may have arrived on the event stream first: the plan goes above it, as typed.
        var card = data.jobId ? document.getElementById(cardId(data.jobId)) : null;
        if (card) {
          card.before(reply);
          localize(reply);
        } else {
          append(reply);
        }
        history.push(text);
        historyIndex = history.length;
        input.value = '';
      })
      .catch(function (error) {
        append(localNote(error.message));
      })
      .finally(function () {
        form.classList.remove('busy');
        input.disabled = false;
        input.focus();
      });
  });

  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowUp' && historyIndex > 0) {
      historyIndex -= 1;
      input.value = history[historyIndex];
      event.preventDefault();
    } else if (event.key === 'ArrowDown' && historyIndex < history.length) {
      historyIndex += 1;
      input.value = history[historyIndex] || '';
      event.preventDefault();
    }
  });

  document.addEventListener('click', function (event) {
    var target = event.target;
    var fill = target.closest('[data-fill]');
    if (fill) {
      input.value = fill.getAttribute('data-fill').replace(/^\/rollback\s+/, '');
      input.focus();
      return;
    }
    var dismiss = target.closest('[data-dismiss]');
    if (dismiss) {
      dismiss.closest('article').remove();
      return;
    }
    var button = target.closest('button[data-action]');
    if (!button) return;
    var name = requireName();
    if (!name) return;
    button.disabled = true;
    post('/console/actions', {
      action: button.getAttribute('data-action'),
      jobId: button.getAttribute('data-job-id'),
      name: name,
    })
      .then(function (data) {
        append(fromHtml(data.html));
      })
      .catch(function (error) {
        append(localNote(error.message));
      })
      .finally(function () {
        button.disabled = false;
      });
  });

  /**
   * A checklist item's checkbox: posted as a tick or an untick in the reader's name. The card is redrawn
   * from the event stream with who ticked it; a refusal is shown to the clicker and the box put back.
   */
  feed.addEventListener('change', function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[data-tick]')) return;
    var done = box.checked;
    var name = requireName();
    if (!name) {
      box.checked = !done;
      return;
    }
    box.disabled = true;
    post('/console/actions', {
      action: done ? 'tick' : 'untick',
      jobId: box.getAttribute('data-job-id'),
      listId: box.getAttribute('data-list'),
      itemId: box.getAttribute('data-item'),
      name: name,
    })
      .then(function (data) {
        if (data.html) {
          box.checked = !done;
          append(fromHtml(data.html));
        }
      })
      .catch(function (error) {
        box.checked = !done;
        append(localNote(error.message));
      })
      .finally(function () {
        box.disabled = false;
      });
  });

  /** Server times are UTC; show them in the reader's time zone. */
  function localize(root) {
    root.querySelectorAll('time[datetime]').forEach(function (time) {
      var date = new Date(time.getAttribute('datetime'));
      if (isNaN(date.getTime())) return;
      time.title = time.getAttribute('datetime');
      time.textContent = time.hasAttribute('data-date') ? date.toLocaleString() : date.toLocaleTimeString();
    });
  }

  function tick() {
    document.querySelectorAll('.elapsed[data-since]').forEach(function (span) {
      var seconds = Math.max(
        0,
        Math.round((Date.now() - Date.parse(span.getAttribute('data-since'))) / 1000),
      );
      span.textContent =
        'running for ' +
        (seconds < 60 ? seconds + ' s' : Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s');
    });
  }

  localize(document);
  setInterval(tick, 1000);
  connect();
  if (!me.value) me.focus();
  else input.focus();
  window.scrollTo(0, document.documentElement.scrollHeight);
})();
