// Live prices of a product or category page: subscribes to /events/products from the sequence the page was
// rendered at (data-since: a product page's X-Cache-Version; for a category page, the newest change the serving pod's
// feed had applied when it assembled the page, since changes are appended out of their sequences' order), so a change
// made between the render (or an edge copy of it) and the subscription is replayed. A change replaces the shown price only when its version is newer than the one
// shown: a superseded price never stays, and an older one never comes back.
(() => {
  'use strict';
  const root = document.querySelector('[data-live]');
  if (!root || !window.EventSource) {
    return;
  }
  const productPage = root.dataset.live === 'product';
  const category = root.dataset.category;
  const state = document.querySelector('[data-live-state]');
  const notice = document.querySelector('[data-notice]');
  const rows = new Map();
  document.querySelectorAll('[data-product]').forEach((el) => rows.set(el.dataset.product, el));
  const filter = productPage ? 'ids=' + encodeURIComponent(root.dataset.id)
    : 'category=' + encodeURIComponent(category);
  let lastSeen = root.dataset.since;
  let source = null;
  let retry = null;

  const setState = (text) => {
    if (state) {
      state.textContent = text;
    }
  };
  const say = (text) => {
    if (notice) {
      notice.textContent = text;
    }
  };
  const price = (value) => Number(value).toFixed(2);
  const field = (el, name) => el.querySelector('[data-field="' + name + '"]');

  function apply(change) {
    const el = rows.get(change.id);
    if (!el) {
      if (!productPage && !change.deleted && change.category === category) {
        say('New product ' + change.id + ' in this category: reload to see it.');
      }
      return;
    }
    if (change.version <= Number(el.dataset.version)) {
      return;
    }
    el.dataset.version = String(change.version);
    field(el, 'version').textContent = String(change.version);
    const shown = field(el, 'price');
    if (change.deleted) {
      el.classList.add('gone');
      shown.textContent = 'withdrawn';
      say('This product was withdrawn just now.');
      return;
    }
    if (!productPage && change.category !== category) {
      el.classList.add('gone');
      say(change.id + ' moved to another category.');
    }
    shown.textContent = price(change.price);
    shown.classList.remove('updated');
    void shown.offsetWidth; // restart the highlight
    shown.classList.add('updated');
    const time = new Date().toLocaleTimeString();
    say((productPage ? 'Price updated' : 'Price of ' + change.id + ' updated') + ' at ' + time
      + ' (version ' + change.version + ').');
  }

  // After `event: reset` the stream could not replay everything missed: take the current state from the JSON API, and
  // answer where to resume so that no change appended before that state was assembled is missed (a product's
  // X-Cache-Version; a listing's X-Live-Since), or null.
  async function refetch() {
    const url = productPage ? '/products/' + encodeURIComponent(root.dataset.id)
      : '/products?limit=100&category=' + encodeURIComponent(category);
    try {
      const response = await fetch(url, { cache: 'no-cache', headers: { Accept: 'application/json' } });
      if (response.status === 404 && productPage) {
        apply({ id: root.dataset.id, version: Number.MAX_SAFE_INTEGER, deleted: true });
        return null;
      }
      if (!response.ok) {
        return null;
      }
      const body = await response.json();
      (productPage ? [body] : body.items).forEach((p) => apply({ ...p, deleted: false }));
      return response.headers.get(productPage ? 'X-Cache-Version' : 'X-Live-Since');
    } catch (e) {
      setState('offline');
      return null;
    }
  }

  // fromRefetch: `since` is where a refetch after a reset said to resume
  function connect(since, fromRefetch) {
    const url = '/events/products?' + filter + (since ? '&lastEventId=' + encodeURIComponent(since) : '');
    source = new EventSource(url);
    source.addEventListener('open', () => setState('live'));
    source.addEventListener('product', (e) => {
      lastSeen = e.lastEventId || lastSeen;
      apply(JSON.parse(e.data));
    });
    source.addEventListener('reset', async () => {
      source.close();
      if (fromRefetch) {
        // the stream does not hold that point either (a product unchanged for long): listen from now, then fetch
        connect(null, false);
        refetch();
        return;
      }
      const at = await refetch();
      lastSeen = at || lastSeen;
      connect(at, at !== null);
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // refused (e.g. too many streams) or gone: the browser will not retry by itself
        setState('reconnecting');
        clearTimeout(retry);
        retry = setTimeout(() => connect(lastSeen), 5000);
      } else {
        setState('reconnecting');
      }
    });
  }

  window.addEventListener('pagehide', () => source && source.close());
  connect(lastSeen);
})();
