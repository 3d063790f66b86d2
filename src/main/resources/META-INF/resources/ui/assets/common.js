// Shared by the admin console and the dashboard: rendering an application/problem+json answer.
window.Catalog = (() => {
  'use strict';
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') {
        node.className = v;
      } else {
        node.setAttribute(k, v);
      }
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  };

  /** Reads a response body as JSON when it is JSON, else as text. */
  async function body(response) {
    const type = response.headers.get('Content-Type') || '';
    const text = await response.text();
    if (type.includes('json') && text) {
      try {
        return JSON.parse(text);
      } catch (e) {
        return text;
      }
    }
    return text;
  }

  /** A problem document (RFC 9457) as a readable block: status, title, detail and any extension members. */
  function problem(status, doc) {
    const box = el('div', { class: 'problem', role: 'alert' });
    if (typeof doc !== 'object' || doc === null) {
      box.append(el('p', {}, el('strong', {}, 'HTTP ' + status), ' ', String(doc || '')));
      return box;
    }
    box.append(el('p', {}, el('strong', {}, (doc.status || status) + ' ' + (doc.title || 'Error'))));
    if (doc.detail) {
      box.append(el('p', {}, doc.detail));
    }
    const extra = Object.entries(doc).filter(([k]) => !['type', 'title', 'status', 'detail'].includes(k));
    if (extra.length) {
      const list = el('dl', {});
      extra.forEach(([k, v]) => list.append(el('dt', {}, k), el('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))));
      box.append(list);
    }
    if (doc.type) {
      box.append(el('p', { class: 'muted small' }, 'type: ', doc.type));
    }
    return box;
  }

  return { el, body, problem };
})();
