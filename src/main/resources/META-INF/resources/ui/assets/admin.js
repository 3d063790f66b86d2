// Admin console: the token lives in sessionStorage only (this tab, this session). Price changes carry If-Match
// with the ETag of the version the admin saw; a 412 shows what changed and offers a retry on the fresh version.
(() => {
  'use strict';
  const { el, body, problem } = window.Catalog;
  const KEY = 'catalog.adminToken';
  const $ = (id) => document.getElementById(id);
  const PRICE = /^[0-9]{1,7}(\.[0-9]{1,2})?$/;
  let loaded = null; // { id, etag, product }

  const token = () => sessionStorage.getItem(KEY);
  const show = (box, ...nodes) => box.replaceChildren(...nodes);
  const tokenState = () => show($('token-state'), token() ? 'A token is set for this tab.' : 'No token set.');

  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('token').value.trim());
    $('token').value = '';
    tokenState();
  });
  $('forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    tokenState();
  });

  const authorized = (headers) => {
    const t = token();
    return t ? { ...headers, Authorization: 'Bearer ' + t } : headers;
  };

  function describe(product, etag) {
    return el('p', { class: 'current' }, 'Current: ', el('strong', { 'data-current-price': '' }, Number(product.price).toFixed(2)),
      ' ' + product.currency + ' · version ', el('strong', { 'data-current-version': '' }, String(product.version)),
      ' · ETag ', el('code', {}, etag || '?'));
  }

  async function load(id) {
    const response = await fetch('/products/' + encodeURIComponent(id), { cache: 'no-store' });
    const doc = await body(response);
    if (!response.ok) {
      loaded = null;
      $('price-form').hidden = true;
      show($('current'), problem(response.status, doc));
      return null;
    }
    loaded = { id, etag: response.headers.get('ETag'), product: doc };
    show($('current'), describe(doc, loaded.etag));
    $('price-form').hidden = false;
    return loaded;
  }

  $('load-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    show($('price-result'));
    await load($('product-id').value.trim());
  });

  async function save(price) {
    const response = await fetch('/admin/products/' + encodeURIComponent(loaded.id) + '/price', {
      method: 'PATCH',
      headers: authorized({ 'Content-Type': 'application/json', 'If-Match': loaded.etag }),
      body: '{"price":' + price + '}', // the typed digits as a JSON number: no binary float on the way
    });
    const doc = await body(response);
    if (response.ok) {
      loaded = { id: loaded.id, etag: response.headers.get('ETag'), product: doc };
      show($('current'), describe(doc, loaded.etag));
      show($('price-result'), el('p', { class: 'ok' }, 'Saved: ' + Number(doc.price).toFixed(2) + ' ' + doc.currency
        + ', version ' + doc.version + '.'));
      return;
    }
    if (response.status === 412) {
      const seen = loaded.product.version;
      const fresh = await load(loaded.id);
      const retry = el('button', { type: 'button', id: 'retry' }, 'Retry ' + price + ' on version ' + (fresh ? fresh.product.version : '?'));
      retry.addEventListener('click', () => save(price));
      show($('price-result'), el('div', { class: 'conflict', role: 'alert' },
        el('p', {}, el('strong', {}, '412 Conflict: '), 'the product changed since version ' + seen
          + ' that you saw. Check its current price above, then retry on the fresh version or cancel.'),
        problem(412, doc), fresh ? retry : ''));
      return;
    }
    show($('price-result'), problem(response.status, doc));
  }

  $('price-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const price = $('new-price').value.trim();
    if (!PRICE.test(price)) {
      show($('price-result'), problem(400, { title: 'Bad price', detail: 'A price is digits with at most 2 fraction digits, e.g. 12.34' }));
      return;
    }
    await save(price);
  });

  // CSV: "id,price" per line; prices are checked here and sent as the typed digits.
  function parse(csv) {
    const updates = [];
    const errors = [];
    csv.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^id\s*,\s*price$/i.test(l)).forEach((line, i) => {
      const [id, price, extra] = line.split(',').map((s) => (s || '').trim());
      if (!id || !PRICE.test(price || '') || extra !== undefined) {
        errors.push('line ' + (i + 1) + ': "' + line + '" is not id,price');
      } else {
        updates.push('{"id":' + JSON.stringify(id) + ',"price":' + price + '}');
      }
    });
    return { updates, errors };
  }

  $('batch-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const { updates, errors } = parse($('csv').value);
    if (errors.length || updates.length === 0) {
      show($('batch-result'), problem(400, { title: 'Bad CSV', detail: errors.length ? errors.join('; ') : 'No lines' }));
      return;
    }
    const response = await fetch('/admin/prices/batch', {
      method: 'POST',
      headers: authorized({ 'Content-Type': 'application/json' }),
      body: '{"updates":[' + updates.join(',') + ']}',
    });
    const doc = await body(response);
    if (!response.ok) {
      show($('batch-result'), problem(response.status, doc));
      return;
    }
    const rows = doc.results.map((r) => el('tr', {}, el('td', {}, r.id), el('td', { class: 'num' }, String(r.status)),
      el('td', { class: 'num' }, r.version == null ? '–' : String(r.version))));
    const changed = doc.results.filter((r) => r.status === 200).length;
    show($('batch-result'), el('p', { class: 'ok' }, changed + ' of ' + doc.results.length + ' prices changed.'),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Product'), el('th', { scope: 'col', class: 'num' }, 'Status'),
        el('th', { scope: 'col', class: 'num' }, 'Version'))), el('tbody', {}, rows)));
  });

  tokenState();
})();
