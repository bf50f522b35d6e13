// kb web page: search as you type, facets, item view with scripted-answer panel, knowledge-gap insights
// (#view=insights). Opens, copies and "did not help" reports go to the usage log (POST /api/feedback). No build step, no
// dependencies. Everything from the server is inserted as text, except snippets (only <mark> kept) and item
// HTML (already safe from cmark, filtered again here through an allowlist).
'use strict';

const FACET_FIELDS = ['kind', 'tier', 'owner', 'product', 'tag', 'lang'];
const FILTER_FIELDS = [...FACET_FIELDS, 'code'];
const PAGE_SIZE = 20;

const $ = (id) => document.getElementById(id);
const els = {};
const state = {
  q: '', filters: {}, page: 1, results: [], selected: -1, searchKey: null, seq: 0,
  insightsSeq: 0, insightsRetry: 0, insights: null,
  item: null, renderSeq: 0, renderDone: Promise.resolve(), loggedKey: null, pending: Promise.resolve(),
  maxQueryBytes: 4096,
};
// Editors open the page with ?explain=1 to see under each result the parts its score is made of.
const EXPLAIN = new URLSearchParams(location.search).get('explain') === '1';
const utf8 = new TextEncoder();
const byteLength = (text) => utf8.encode(text).length;

// The reader's language: chosen on the page (kept in localStorage), else the browser's. The server reads a
// query in its own words' language and uses this only when the words could be either.
function readerLanguage() {
  let chosen = '';
  try { chosen = localStorage.getItem('kb.uiLang') || ''; } catch (e) { /* storage off: the browser decides */ }
  return chosen || (navigator.language || 'en');
}

// ---- helpers -------------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

function debounce(fn, ms) {
  let t = 0;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}, retried = false) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const token = sessionStorage.getItem('kb-token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401 && !retried) {
    await askToken();
    return api(path, options, true);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (body && body.error && body.error.message) || res.statusText);
  return body;
}

function askToken() {
  return new Promise((resolve) => {
    const dialog = els.tokenDialog;
    els.tokenForm.onsubmit = () => {
      sessionStorage.setItem('kb-token', els.token.value.trim());
      applyScopes();
      resolve();
    };
    if (!dialog.open) dialog.showModal();
    els.token.focus();
  });
}

// Hides the knowledge-gaps link from readers without the `insights` scope (GET /api/whoami: a token, or the
// identity the company's sign-on proxy vouches for). Without an answer (no token yet, an older server) the link
// stays; the insights view then asks for a token or says why it cannot load.
async function applyScopes() {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem('kb-token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch('/api/whoami', { headers }).catch(() => null);
  const who = res && res.ok ? await res.json().catch(() => null) : null;
  if (who && who.limits && Number.isInteger(who.limits.query_bytes)) state.maxQueryBytes = who.limits.query_bytes;
  if (!who || !Array.isArray(who.scopes)) return;
  $('insights-link').hidden = !who.scopes.includes('insights');
  document.body.dataset.scopes = who.scopes.join(' ');
}

// Snippets are HTML-escaped text with <mark>…</mark>: build nodes, never assign the string as HTML.
function decodeEntities(text) {
  return new DOMParser().parseFromString('<!doctype html><body>' + text, 'text/html').body.textContent;
}

function snippetNodes(snippet) {
  const frag = document.createDocumentFragment();
  let target = frag;
  for (const part of String(snippet || '').split(/(<\/?mark>)/)) {
    if (part === '<mark>') target = frag.appendChild(el('mark'));
    else if (part === '</mark>') target = frag;
    else if (part) target.append(decodeEntities(part));
  }
  return frag;
}

// Item bodies come from cmark in safe mode; keep only known elements and attributes anyway.
const ALLOWED_TAGS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'LI', 'A', 'EM', 'STRONG', 'CODE',
  'PRE', 'BLOCKQUOTE', 'HR', 'BR', 'IMG', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'DEL', 'SPAN']);
const SAFE_URL = /^(https?:|mailto:|#|\/(?!\/)|[^:/?#]*([/?#]|$))/i;

function sanitizedBody(html) {
  const doc = new DOMParser().parseFromString('<!doctype html><body>' + html, 'text/html');
  const walk = (node) => {
    for (const child of [...node.children]) {
      if (!ALLOWED_TAGS.has(child.tagName)) {
        child.remove();
        continue;
      }
      for (const attr of [...child.attributes]) {
        const name = attr.name.toLowerCase();
        const ok = name === 'id' || name === 'alt' || name === 'title' || name === 'start' ||
          (name === 'class' && /^language-[\w-]+$/.test(attr.value)) ||
          ((name === 'href' || name === 'src') && SAFE_URL.test(attr.value.trim()));
        if (!ok) child.removeAttribute(attr.name);
      }
      walk(child);
    }
  };
  walk(doc.body);
  return [...document.importNode(doc.body, true).childNodes];
}

function setTitle(text) {
  document.title = text;
}

function badge(cls, text, title) {
  return el('span', { class: 'badge ' + cls, text, ...(title ? { title } : {}) });
}

function freshness(it) {
  if (it.kind === 'incident' && it.until) {
    const until = it.until.replace('T', ' ').replace(/:00Z$/, ' UTC');
    return Date.parse(it.until) <= Date.now()
      ? badge('ended', `Ended ${until}`, 'A past incident: history, not what is happening now')
      : badge('active', `Ongoing until ${until}`, 'An incident happening now');
  }
  if (it.stale) {
    return badge('stale', `Stale since ${it.stale_after} · ${it.owner || 'its owner'} should verify`,
      'Past its verification date; check with the owning team before relying on it');
  }
  if (it.verified) return badge('fresh', `Verified ${it.verified}`);
  return badge('unverified', 'Not verified');
}

function badges(it) {
  const wrap = el('div', { class: 'badges' });
  if (it.pinned) wrap.append(badge('pinned', it.note ? `Pinned · ${it.note}` : 'Pinned', 'Placed first by a curation rule'));
  wrap.append(badge('kind kind-' + it.kind, { answer: 'Scripted answer', incident: 'Incident' }[it.kind] || 'Article'));
  if (it.tier) wrap.append(badge('tier tier-' + it.tier, it.tier));
  if (it.owner) wrap.append(badge('owner', it.owner, 'Owning team: escalate here'));
  if (it.sections && it.escalation && it.escalation.contact) wrap.append(badge('contact', 'Escalate: ' + it.escalation.contact));
  wrap.append(freshness(it));
  return wrap;
}

// ---- URL state ------------------------------------------------------------------------------------

function searchParams() {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const f of FILTER_FIELDS) for (const v of state.filters[f] || []) p.append(f, v);
  if (state.page > 1) p.set('page', String(state.page));
  return p;
}

function itemHash(id, anchor) {
  const p = searchParams();
  p.set('item', id);
  if (anchor) p.set('s', anchor);
  return '#' + p.toString();
}

function listHash() {
  return '#' + searchParams().toString();
}

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  state.q = p.get('q') || '';
  state.page = Math.max(1, parseInt(p.get('page') || '1', 10) || 1);
  state.filters = {};
  for (const f of FILTER_FIELDS) {
    const values = p.getAll(f).filter(Boolean);
    if (values.length) state.filters[f] = values;
  }
  return { item: p.get('item'), section: p.get('s') || '', view: p.get('view') || '' };
}

function route() {
  const { item, section, view } = readHash();
  if (view === 'insights') {
    showInsights();
    return;
  }
  if (view === 'assist') {
    showAssist();  // assist.js
    return;
  }
  if (els.q.value !== state.q) els.q.value = state.q;
  search(false);
  if (item) showItem(item, section);
  else showList();
}

// ---- search ---------------------------------------------------------------------------------------

function filterQuery(p) {
  for (const f of FILTER_FIELDS) for (const v of state.filters[f] || []) p.append(f, v);
}

// The searches that draw the page are never logged (log=false): the usage log gets one search per query the
// engineer settles on, from settle().
function search(partial) {
  const p = new URLSearchParams({ q: state.q, page: String(state.page), size: String(PAGE_SIZE), log: 'false',
    ui_lang: readerLanguage() });
  if (partial && state.q && !/\s$/.test(state.q)) p.set('partial', 'true');
  if (EXPLAIN) p.set('explain', '1');
  filterQuery(p);
  const key = p.toString();
  if (key === state.searchKey) return state.pending;
  state.searchKey = key;
  const seq = ++state.seq;
  if (byteLength(state.q) > state.maxQueryBytes) {
    clearResults('');
    return (state.pending = Promise.resolve());
  }
  state.pending = (async () => {
    try {
      const res = await api('/api/search?' + key);
      if (seq !== state.seq) return;  // a newer search is on its way
      renderResults(res);
    } catch (e) {
      if (seq !== state.seq) return;
      state.searchKey = null;
      clearResults(e.status === 414 || e.status === 400 ? e.message : 'Search failed: ' + e.message);
    }
  })();
  return state.pending;
}

// Empties every part of the previous list, so that no stale pager or facet stays next to an error.
function clearResults(message) {
  state.results = [];
  state.selected = -1;
  els.status.textContent = message;
  els.results.replaceChildren();
  els.results.dataset.query = state.q;
  els.pager.replaceChildren();
  els.facets.replaceChildren();
  els.didYouMean.hidden = true;
  els.missingWords.hidden = true;
  els.empty.hidden = true;
}

const searchSoon = debounce(() => search(true), 120);
// Typing that stops for this long counts as settling on the query.
const SETTLE_MS = 1500;
const logSearchSoon = debounce(() => settle(), SETTLE_MS);
const suggestSoon = debounce(suggest, 120);

async function suggest() {
  const q = state.q;
  if (!q || /\s$/.test(q)) {
    els.completions.hidden = true;
    return;
  }
  try {
    const res = await api('/api/suggest?' + new URLSearchParams({ q, hits: '0', completions: '6', ui_lang: readerLanguage() }));
    if (q !== state.q) return;
    const items = res.completions.filter((c) => c.text.toLowerCase() !== q.toLowerCase());
    els.completions.replaceChildren(...items.map((c) =>
      el('button', { type: 'button', class: 'completion', text: c.text, onclick: () => setQuery(c.text + ' ') })));
    els.completions.hidden = items.length === 0;
  } catch (e) {
    els.completions.hidden = true;
  }
}

function setQuery(q) {
  state.q = q;
  state.page = 1;
  els.q.value = q;
  els.q.focus();
  history.replaceState(null, '', listHash());
  search(false);
  suggest();
}

function renderResults(res) {
  state.results = res.results;
  state.selected = -1;
  const n = res.total;
  if (!els.list.hidden) setTitle(state.q ? `${state.q} – Support knowledge base` : 'Support knowledge base');
  els.status.textContent = n === 0 ? '' :
    `${n} result${n === 1 ? '' : 's'}${res.page > 1 ? `, page ${res.page}` : ''} · ${res.took_ms.toFixed(1)} ms`;
  if (res.partial_results) {
    // A remote shard did not answer (kb-server --allow-partial): say so, or a missing article looks like a gap.
    const k = (res.failed_shards || []).length;
    els.status.append(' ', el('span', { class: 'warn', id: 'partial-warning',
      text: `· incomplete: ${k || 'some'} part${k === 1 ? '' : 's'} of the knowledge base did not answer` }));
  }

  els.didYouMean.replaceChildren();
  if (res.corrected_query) {
    els.didYouMean.append('Showing results for ', el('strong', { text: res.corrected_query }), '. ',
      el('button', { type: 'button', class: 'link', text: `Search for “${res.query}” instead`,
        onclick: () => setQuery(res.query + ' ') }));
  } else if (res.suggestion) {
    els.didYouMean.append('Did you mean ', el('button', { type: 'button', class: 'link', id: 'suggestion',
      text: res.suggestion, onclick: () => setQuery(res.suggestion) }), '?');
  }
  els.didYouMean.hidden = !els.didYouMean.hasChildNodes();
  renderMissingWords(res);
  const banner = $('incidents');  // active incidents matching the query, above the results
  banner.replaceChildren(...(res.incidents || []).map((b) => el('p', { class: 'incident',
    text: `Incident: ${b.title} · since ${b.started || 'unknown'} · owner ${b.owner || 'unknown'} · until ${b.until}` })));
  banner.hidden = !banner.hasChildNodes();

  // A newer list for the same query (the settled search) keeps the chosen result, and the focus on it.
  const keep = state.selectedId;
  const hadFocus = els.results.contains(document.activeElement);
  els.results.replaceChildren(...res.results.map(resultItem));
  els.results.dataset.query = res.query;
  const again = res.results.findIndex((h) => h.id === keep);
  if (again >= 0) select(again, hadFocus);
  else if (hadFocus) els.q.focus();
  renderFacets(res.facets);
  renderPager(res);
  renderEmpty(res);
}

function resultItem(hit, i) {
  const anchor = hit.section && hit.section.anchor;
  const li = el('li', { id: 'r' + i, class: 'result', 'data-id': hit.id, ...(hit.lang ? { lang: hit.lang } : {}) });
  const link = el('a', { class: 'result-title', href: itemHash(hit.id, anchor), text: hit.title,
    onfocus: () => select(i, false),
    onclick: (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;  // a new tab keeps its own search
      e.preventDefault();
      openResult(i);
    } });
  li.append(el('div', { class: 'result-head' }, link,
    anchor ? el('span', { class: 'section', text: '› ' + hit.section.title }) : null));
  li.append(badges(hit));
  if (hit.snippet) li.append(el('p', { class: 'snippet' }, snippetNodes(hit.snippet)));
  if (hit.tags && hit.tags.length) li.append(el('p', { class: 'tags', text: hit.tags.map((t) => '#' + t).join(' ') }));
  if (hit.explain) li.append(explainNode(hit, i));
  li.addEventListener('click', (e) => {
    if (e.target.closest('a, details')) return;
    openResult(i);
  });
  return li;
}

const SCORE_PARTS = {
  text: 'Words of the query (any field)', title: 'Words in the title', alias: 'Words in an alias',
  phrase: 'Words close together', synonym: 'A synonym of your words', identifier: 'Quoted identifier',
  exact: 'Exact error code or id',
  code: 'Code mentioned in the text', other_language_code: 'Holds a code no item in your language explains',
  feedback: 'Related words (long query)', match: 'Text match', freshness: 'Freshness', popularity: 'Popularity',
  boost: 'Front matter boost', problem: 'Article about a reported problem',
  process: 'About doing support (a question in the first person)', ended: 'Incident that has ended',
  answers_after: 'Scripted answer after articles', focus: 'Best section’s share',
  pin: 'Pinned by a curation rule',
};

// ?explain=1: the parts of the result's score (they add up to it), folded under a small disclosure.
function explainNode(hit, i) {
  const num = (v, sign) => (sign && v >= 0 ? '+' : '') + v.toFixed(3);
  const rows = hit.explain.map((p) => el('tr', {},
    el('th', { scope: 'row', text: SCORE_PARTS[p.part] || p.part }),
    el('td', { class: 'num', text: num(p.value, true) }),
    el('td', { class: 'num factor', text: p.factor ? '×' + p.factor.toFixed(2) : '' })));
  const total = el('tr', { class: 'total' }, el('th', { scope: 'row', text: 'Score' }),
    el('td', { class: 'num', text: num(hit.score, false) }), el('td'));
  return el('details', { class: 'explain', id: 'explain-' + i },
    el('summary', { text: `Why #${hit.rank} · score ${num(hit.score, false)}` }),
    el('table', {}, el('tbody', {}, ...rows, total)));
}

// Marks result i as the chosen one (aria-current) and, with `focus`, moves the keyboard focus to its link; the
// page's scroll-padding keeps it clear of the sticky header.
function select(i, focus = true) {
  const items = els.results.children;
  if (!items.length) return;
  state.selected = Math.max(-1, Math.min(items.length - 1, i));
  state.selectedId = state.selected >= 0 ? items[state.selected].dataset.id : null;
  for (const [k, li] of [...items].entries()) {
    if (k === state.selected) li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
  }
  if (state.selected >= 0 && focus) {
    const link = items[state.selected].querySelector('a');
    link.focus({ preventScroll: true });
    items[state.selected].scrollIntoView({ block: 'nearest' });
  }
}

async function openResult(i) {
  const hit = state.results[i];
  if (!hit) return;
  const hash = itemHash(hit.id, hit.section && hit.section.anchor);
  await settle();
  recordOpen(i);
  location.hash = hash;
}

function renderFacets(facets) {
  els.activeFilters.replaceChildren();
  for (const f of FILTER_FIELDS) {
    for (const v of state.filters[f] || []) {
      els.activeFilters.append(el('button', { type: 'button', class: 'chip', text: `${f}: ${v} ✕`,
        'aria-label': `Remove filter ${f} ${v}`, onclick: () => toggleFilter(f, v) }));
    }
  }
  const groups = [];
  for (const f of FACET_FIELDS) {
    const values = [...((facets && facets[f]) || [])];
    for (const v of state.filters[f] || []) if (!values.some((x) => x.value === v)) values.push({ value: v, count: 0 });
    if (!values.length) continue;
    const list = el('ul');
    for (const { value, count } of values.slice(0, 12)) {
      const id = `facet-${f}-${value}`.replace(/[^\w-]/g, '_');
      const box = el('input', { type: 'checkbox', id, 'data-field': f, 'data-value': value });
      box.checked = (state.filters[f] || []).includes(value);
      box.addEventListener('change', () => toggleFilter(f, value));
      list.append(el('li', {}, box, el('label', { for: id }, value, el('span', { class: 'count', text: ` ${count}` }))));
    }
    groups.push(el('fieldset', { class: 'facet' }, el('legend', { text: f }), list));
  }
  els.facets.replaceChildren(...groups);
}

function toggleFilter(field, value) {
  const current = state.filters[field] || [];
  state.filters[field] = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  if (!state.filters[field].length) delete state.filters[field];
  state.page = 1;
  history.replaceState(null, '', listHash());
  search(false);
}

function renderPager(res) {
  els.pager.replaceChildren();
  const pages = Math.ceil(res.total / res.size);
  if (pages <= 1) return;
  const go = (page) => () => {
    state.page = page;
    history.replaceState(null, '', listHash());
    search(false);
    els.q.focus();
  };
  if (res.page > 1) els.pager.append(el('button', { type: 'button', text: '← Previous', onclick: go(res.page - 1) }));
  els.pager.append(el('span', { text: ` Page ${res.page} of ${pages} ` }));
  if (res.page < pages) els.pager.append(el('button', { type: 'button', text: 'Next →', onclick: go(res.page + 1) }));
}

// Words no item holds in any form ("gdpr" of "gdpr request"): the results match the other words only, which
// the engineer must know before trusting them; and a word the knowledge base lacks is a gap to report.
function renderMissingWords(res) {
  const words = res.total > 0 ? (res.missing_words || []) : [];
  els.missingWords.replaceChildren();
  els.missingWords.hidden = words.length === 0;
  if (!words.length) return;
  const names = words.map((w) => el('strong', { text: w }));
  const list = names.flatMap((n, i) => (i === 0 ? [n] : [i === names.length - 1 ? ' or ' : ', ', n]));
  const status = el('span', { role: 'status' });
  const report = el('button', { type: 'button', class: 'link', id: 'report-missing', text: 'Report it as a gap',
    onclick: () => recordGap(report, status, 'Recorded: the owners will see this gap.') });
  els.missingWords.append('No item mentions ', ...list, ': these results match your other words. ', report, ' ',
    status);
}

// Nothing found: say who owns the area being searched and offer to record the gap.
async function renderEmpty(res) {
  const empty = res.total === 0 && (state.q || Object.keys(state.filters).length);
  els.empty.hidden = !empty;
  if (!empty) return;
  els.emptyQuery.textContent = state.q ? `No item matches “${state.q}”.` : 'No item matches these filters.';
  els.reportGap.disabled = false;
  els.reportStatus.textContent = '';
  let owners = state.filters.owner || [];
  if (!owners.length && Object.keys(state.filters).length) {
    const p = new URLSearchParams({ q: '', size: '1', facets: 'owner' });
    filterQuery(p);
    try {
      const scope = await api('/api/search?' + p);
      owners = (scope.facets.owner || []).slice(0, 2).map((v) => v.value);
    } catch (e) { owners = []; }
  }
  els.emptyOwner.hidden = owners.length === 0;
  els.emptyOwner.textContent = owners.length ?
    `Ask the team that owns this area: ${owners.join(' or ')}.` : '';
}

// Records the search as a gap ("no_answer" feedback) from `button`, saying how it went in `status`.
async function recordGap(button, status, recorded) {
  button.disabled = true;
  try {
    await api('/api/feedback', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'no_answer', query: state.q, filters: state.filters }),
    });
    status.textContent = recorded;
  } catch (e) {
    button.disabled = false;
    status.textContent = 'Could not record it: ' + e.message;
  }
}

function reportGap() {
  return recordGap(els.reportGap, els.reportStatus, 'Recorded. Thank you — the owners will see this gap.');
}

// ---- item view ------------------------------------------------------------------------------------

function showList() {
  state.item = null;
  setTitle(state.q ? `${state.q} – Support knowledge base` : 'Support knowledge base');
  els.insights.hidden = true;
  els.item.hidden = true;
  els.list.hidden = false;
  els.filters.hidden = false;
}

async function showItem(id, section) {
  els.insights.hidden = true;
  els.list.hidden = true;
  els.filters.hidden = true;
  els.completions.hidden = true;
  els.item.hidden = false;
  if (!state.item || state.item.id !== id) {
    els.item.removeAttribute('lang');
    els.itemHead.replaceChildren(el('p', { text: 'Loading…' }));
    els.itemBody.replaceChildren();
    els.answerPanel.hidden = true;
    els.related.hidden = true;
    let it;
    try {
      it = await api('/api/items/' + encodeURIComponent(id));
    } catch (e) {
      els.itemHead.replaceChildren(el('h1', { text: e.status === 404 ? 'No such item' : 'Could not load the item' }),
        el('p', { text: e.message }));
      return;
    }
    state.item = it;
    renderItem(it);
    els.notHelpful.disabled = false;
    els.helpful.disabled = false;
    els.notHelpfulComment.value = '';
    els.notHelpfulStatus.textContent = '';
    els.helpfulStatus.textContent = '';
  }
  // Scripted answers open on their fields, below their "When to use" guard; articles at the matching section.
  const first = state.item.answer && els.answerFields.querySelector('input');
  const target = !first && section && els.itemBody.querySelector(`[id="${CSS.escape(section)}"]`);
  for (const old of els.itemBody.querySelectorAll('.target')) old.classList.remove('target');
  if (first) {
    window.scrollTo(0, 0);
    first.focus();
  } else if (target) {
    target.classList.add('target');
    target.scrollIntoView({ block: 'start' });
    els.itemHead.querySelector('h1').focus({ preventScroll: true });
  } else {
    window.scrollTo(0, 0);
    els.itemHead.querySelector('h1').focus({ preventScroll: true });
  }
}

function renderItem(it) {
  if (it.lang) els.item.lang = it.lang;
  setTitle(`${it.title} – Support knowledge base`);
  const title = el('h1', { id: 'item-title', tabindex: '-1', text: it.title });
  // The owner is on a badge; the line below says what the badges do not.
  const meta = el('p', { class: 'meta' });
  const parts = [];
  if (it.product) parts.push(`Product: ${it.product}`);
  if (it.tier === 'L2') parts.push('L2: involve the owning team');
  meta.append(parts.join(' · '));
  if (it.stale) meta.append(el('strong', { class: 'warn', text: `${parts.length ? ' · ' : ''}Stale: ${it.owner || 'the owner'} should verify it` }));
  els.itemHead.replaceChildren(title, badges(it), meta.hasChildNodes() && meta.textContent ? meta : null,
    it.tags && it.tags.length ? el('p', { class: 'tags', text: it.tags.map((t) => '#' + t).join(' ') }) : null);
  const body = sanitizedBody(it.html);
  // Articles repeat their title as a first heading: the page already shows it.
  const lead = body.find((n) => n.nodeType === Node.ELEMENT_NODE);
  if (lead && lead.tagName === 'H1' && lead.textContent.trim() === it.title.trim()) body.splice(body.indexOf(lead), 1);
  els.itemBody.replaceChildren(...body);
  renderSource(it);
  for (const a of els.itemBody.querySelectorAll('a[href]')) {
    if (/^https?:/i.test(a.getAttribute('href'))) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    }
  }
  renderAnswerPanel(it);
  loadRelated(it.id);
}

// Links between items are written as relative Markdown paths ("refund-timing.md#section").
function onBodyClick(e) {
  const a = e.target.closest('a[href]');
  if (!a || !state.item) return;
  const href = a.getAttribute('href');
  if (href.startsWith('#')) {
    e.preventDefault();
    location.hash = itemHash(state.item.id, href.slice(1));
    return;
  }
  const m = /^([^:?#]+)\.md(?:#(.*))?$/.exec(href);
  if (!m) return;
  e.preventDefault();
  const base = (state.item.path || state.item.id).split('/').slice(0, -1);
  for (const part of m[1].split('/')) {
    if (part === '..') base.pop();
    else if (part !== '.') base.push(part);
  }
  location.hash = itemHash(base.join('/'), m[2] || '');
}

async function loadRelated(id) {
  try {
    const res = await api(`/api/items/${encodeURIComponent(id)}/related?count=5`);
    if (!state.item || state.item.id !== id) return;
    els.relatedList.replaceChildren(...res.results.map((h) =>
      el('li', {}, el('a', { href: itemHash(h.id, ''), text: h.title }), ' ', freshness(h))));
    els.related.hidden = res.results.length === 0;
  } catch (e) {
    els.related.hidden = true;
  }
}

// Where the item lives: its file, and the edit page when the server knows one (--edit-url).
function renderSource(it) {
  const parts = [];
  if (it.path) parts.push('Source: ', el('code', { text: it.path }));
  if (it.edit_url && /^https?:/i.test(it.edit_url)) {
    parts.push(' · ', el('a', { id: 'edit-link', href: it.edit_url, target: '_blank', rel: 'noopener noreferrer',
      text: 'Edit this item' }));
  }
  els.itemSource.replaceChildren(...parts);
  els.itemSource.hidden = parts.length === 0;
}

// The answer's "When to use" section is shown above its fields: the guard must be read before the answer is sent.
// Its title is the answer's own heading ("When to use", or "Ne zaman kullanılır" in a Turkish answer); no nodes
// when the answer has none.
function answerGuard() {
  const heads = [...els.itemBody.querySelectorAll('h2, h3')];
  const head = heads.find((h) => /^(when to use|ne zaman kullanılır)/i.test(h.textContent.trim()));
  if (!head) return { title: '', nodes: [] };
  const nodes = [];
  for (let n = head.nextElementSibling; n && !/^H[1-3]$/.test(n.tagName); n = n.nextElementSibling) nodes.push(n);
  return { title: head.textContent.trim(), nodes: nodes.map((n) => n.cloneNode(true)) };
}

function humanize(name) {
  return name.replace(/[_.]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function renderAnswerPanel(it) {
  els.answerPanel.hidden = !it.answer;
  els.copyStatus.textContent = '';
  if (!it.answer) return;
  const guard = answerGuard();
  els.answerGuard.replaceChildren(...(guard.nodes.length ? [el('h3', { text: guard.title }), ...guard.nodes] : []));
  els.answerGuard.hidden = guard.nodes.length === 0;
  els.answerFields.replaceChildren(...it.answer.placeholders.map((name) => {
    const id = 'ph-' + name.replace(/[^\w-]/g, '_');
    return el('div', { class: 'field' }, el('label', { for: id, text: humanize(name) }),
      el('input', { id, type: 'text', 'data-name': name, autocomplete: 'off', oninput: renderAnswerSoon }));
  }));
  els.answerText.value = it.answer.text;
  showMissing(it.answer.placeholders);
  renderAnswer();
}

function answerValues() {
  const values = {};
  // A value of only spaces is no value: the placeholder stays missing.
  for (const input of els.answerFields.querySelectorAll('input[data-name]')) {
    values[input.dataset.name] = input.value.trim() ? input.value : '';
  }
  return values;
}

function renderAnswer() {
  const it = state.item;
  if (!it || !it.answer) return Promise.resolve();
  const seq = ++state.renderSeq;
  state.renderDone = api(`/api/answers/${encodeURIComponent(it.id)}/render`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ values: answerValues() }),
  }).then((res) => {
    if (seq !== state.renderSeq) return;
    els.answerText.value = res.text;
    showMissing(res.missing);
  }).catch((e) => {
    els.copyStatus.textContent = 'Could not fill the answer: ' + e.message;
  });
  return state.renderDone;
}
const renderAnswerSoon = debounce(renderAnswer, 150);

function showMissing(missing) {
  els.answerMissing.hidden = missing.length === 0;
  els.answerMissing.textContent = missing.length ? 'Still to fill: ' + missing.map(humanize).join(', ') : '';
}

async function copyAnswer() {
  await renderAnswer();
  if (!els.answerMissing.hidden) {
    // Never put an answer with blanks on the clipboard: it would reach the customer as "{{agent_name}}".
    els.copy.dataset.copied = 'false';
    els.copyStatus.textContent = 'Not copied. ' + els.answerMissing.textContent + '.';
    const empty = [...els.answerFields.querySelectorAll('input[data-name]')].find((i) => !i.value.trim());
    if (empty) empty.focus();
    return;
  }
  const text = els.answerText.value;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch (e) {
    els.answerText.focus();
    els.answerText.select();
    ok = document.execCommand('copy');
  }
  els.copyStatus.textContent = ok ? 'Copied.' : 'Copy failed: select the text and copy it yourself.';
  els.copy.dataset.copied = ok ? 'true' : 'false';
  if (ok && state.item) sendEvent({ kind: 'copy', query: state.q, item: state.item.id });
}

// ---- usage events and insights -------------------------------------------------------------------

// Best effort: the usage log never stands in the way of the page. Reports and usage events share one route.
function sendEvent(event) {
  return api('/api/feedback', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(event),
  }).catch(() => null);
}

function recordOpen(i) {
  const hit = state.results[i];
  if (hit) sendEvent({ kind: 'open', query: state.q, item: hit.id, position: hit.rank || i + 1 });
}

// The query as the log groups it: "Apple  " and "apple" are one search.
function normalQuery(q) {
  return q.trim().replace(/\s+/g, ' ');
}

function logKey() {
  const p = new URLSearchParams({ q: normalQuery(state.q).toLowerCase() });
  filterQuery(p);
  return p.toString();
}

// Logs the current query once, when the engineer settles on it: opens a result, presses Enter, or stops typing
// for SETTLE_MS. The keystrokes in between are never logged. That search is the final one: its results (with
// any spelling correction of the last word) replace the as-you-type list. Resolves when the server has it.
function settle() {
  const q = normalQuery(state.q);
  if (!q || byteLength(q) > state.maxQueryBytes || state.loggedKey === logKey()) return Promise.resolve();
  state.loggedKey = logKey();
  const p = new URLSearchParams({ q: state.q, page: String(state.page), size: String(PAGE_SIZE),
    ui_lang: readerLanguage() });
  if (EXPLAIN) p.set('explain', '1');
  filterQuery(p);
  const seq = state.seq;
  return api('/api/search?' + p).then((res) => {
    els.results.dataset.logged = q;
    if (seq === state.seq && !els.list.hidden) renderResults(res);
  }).catch(() => null);
}

async function reportHelpful() {
  if (!state.item) return;
  els.helpful.disabled = true;
  let ok = true;
  try {
    await api('/api/feedback', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'helpful', query: state.q, item: state.item.id }),
    });
  } catch (e) { ok = false; }
  els.helpfulStatus.textContent = ok ? 'Thanks: recorded that this helped.' : 'Could not record it.';
  if (!ok) els.helpful.disabled = false;
}

async function reportNotHelpful() {
  if (!state.item) return;
  els.notHelpful.disabled = true;
  const res = await sendEvent({ kind: 'not_helpful', query: state.q, item: state.item.id,
    comment: els.notHelpfulComment.value.trim() });
  els.notHelpfulStatus.textContent = res ? 'Recorded. The owners will see it in the knowledge-gap report.' :
    'Could not record it.';
  if (!res) els.notHelpful.disabled = false;
}

function showInsights() {
  els.list.hidden = true;
  els.filters.hidden = true;
  els.item.hidden = true;
  els.completions.hidden = true;
  els.insights.hidden = false;
  setTitle('Knowledge gaps – Support knowledge base');
  loadInsights();
}

function insightsParams(extra = {}) {
  const p = new URLSearchParams({ days: els.insightsDays.value, limit: '50', ...extra });
  if (els.insightsOwner.value) p.set('owner', els.insightsOwner.value);
  return p;
}

// The server answers from a cache refreshed in the background; `stale` means a newer count is on its way, so
// the view asks again a moment later (while it is still shown with the same filters).
async function loadInsights(again = false) {
  const seq = ++state.insightsSeq;
  clearTimeout(state.insightsRetry);
  if (!again) els.insightsStatus.textContent = 'Loading…';
  let res;
  try {
    res = await api('/api/insights?' + insightsParams());
  } catch (e) {
    if (seq !== state.insightsSeq) return;
    els.insightsStatus.textContent = e.status === 503 ? 'The server keeps no usage log (--usage-log off).' :
      'Could not load the insights: ' + e.message;
    els.insightsBody.replaceChildren();
    els.insightsChart.hidden = true;
    return;
  }
  if (seq !== state.insightsSeq) return;
  state.insights = res;
  renderInsights(res);
  if (!again) els.insightsTitle.focus({ preventScroll: true });
  if (res.stale && !els.insights.hidden) state.insightsRetry = setTimeout(() => loadInsights(true), 1000);
}

function renderInsights(res) {
  const owners = ['', ...(res.owners || [])];
  if (res.owner && !owners.includes(res.owner)) owners.push(res.owner);
  els.insightsOwner.replaceChildren(...owners.map((o) => el('option', { value: o, text: o || 'every team' })));
  els.insightsOwner.value = res.owner || '';
  const gaps = gapRows(res);
  const open = gaps.filter((g) => !g.reviewed).length;
  const share = res.searches ? Math.round(100 * res.no_result_searches / res.searches) : 0;
  els.insightsStatus.textContent = `${res.since} to ${res.until}: ${res.searches} searches, ${share}% found nothing, ` +
    `${res.opens} opened, ${res.copies} copied, ${res.not_helpful} “did not help”, ${res.kb_lacks} “lacked this”; ` +
    `${open} gap${open === 1 ? '' : 's'} to review${res.owner ? ` for ${res.owner}` : ''}.`;
  renderChart(res.trend);
  els.insightsBody.replaceChildren(
    gapsSection(gaps),
    ...(res.owner ? [] : [missingWordsSection(res.missing_words || [])]),
    reportedSection(res.most_reported_items),
    querySection('Top queries', res.top_queries, (g) => `${g.searches} (${g.clicks} opened)`),
    staleSection(res.stale_by_owner, res.stale_total),
    neverShownSection(res),
    trendSection(res.trend));
}

// Searches that found nothing, found results nobody opened, and reports of a missing answer: each is a gap,
// routed to the team that owns the nearest items.
const GAP_KINDS = [
  ['no_result_queries', 'found nothing', (g) => `${g.no_result} of ${g.searches} searches`],
  ['no_click_queries', 'found results, none opened', (g) => `${g.searches} search${g.searches === 1 ? '' : 'es'}`],
  ['gap_reports', 'reported missing', (g) => `${g.searches} report${g.searches === 1 ? '' : 's'}`],
];

function gapRows(res) {
  const rows = [];
  const seen = new Set();
  for (const [list, why, count] of GAP_KINDS) {
    for (const g of res[list] || []) {
      const id = list + ':' + g.key;
      if (seen.has(id)) continue;
      seen.add(id);
      rows.push({ ...g, why, count: count(g) });
    }
  }
  return rows;
}

function gapsSection(gaps) {
  const shown = els.insightsShowReviewed.checked ? gaps : gaps.filter((g) => !g.reviewed);
  const hidden = gaps.length - shown.length;
  const section = insightsTable('Gaps to review', ['query', 'why', 'count', 'route to', 'nearest item', 'last seen', ''],
    shown.map((g) => [
      groupCell(g),
      g.comments && g.comments.length ? el('span', {}, g.why, el('br'), el('small', { text: g.comments.join(' · ') })) : g.why,
      g.count,
      g.owner || el('span', { class: 'muted', text: 'no owner near' }),
      g.nearest_id ? itemLink(g.nearest_id, g.nearest_title) : '',
      g.last_seen,
      reviewButton(g),
    ]));
  section.id = 'gaps';
  if (hidden) section.append(el('p', { class: 'muted', text: `${hidden} reviewed gap${hidden === 1 ? '' : 's'} hidden.` }));
  return section;
}

// Words engineers typed that no item holds today: the vocabulary to add (as an alias, or an article). No team
// yet, so the owner filter leaves them out.
function missingWordsSection(words) {
  const section = insightsTable('Words no item mentions', ['word', 'searches', 'typed in', 'last seen'],
    words.map((m) => [el('strong', { text: m.word }), String(m.searches),
      el('span', {}, ...m.queries.flatMap((q, i) => [i ? ' · ' : '', queryLink(q.query), ` ×${q.count}`])),
      m.last_seen]));
  section.id = 'missing-words-insights';
  return section;
}

function reviewButton(g) {
  const label = g.reviewed ? `Reviewed ${g.reviewed} · undo` : 'Mark reviewed';
  return el('button', { type: 'button', class: 'review', text: label, 'data-key': g.key,
    'aria-label': `${g.reviewed ? 'Undo reviewed' : 'Mark reviewed'}: ${g.query || g.key}`,
    onclick: async (e) => {
      e.target.disabled = true;
      try {
        await api('/api/insights/reviewed', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ key: g.key, reviewed: !g.reviewed }),
        });
        await loadInsights(true);
        const next = els.insightsBody.querySelector(`button.review[data-key="${CSS.escape(g.key)}"]`);
        (next || els.insightsTitle).focus();
      } catch (err) {
        e.target.disabled = false;
        els.insightsStatus.textContent = 'Could not mark it: ' + err.message;
      }
    } });
}

async function copyInsights() {
  els.insightsCopyStatus.textContent = '';
  const headers = { Accept: 'text/markdown' };
  const token = sessionStorage.getItem('kb-token');
  if (token) headers.Authorization = 'Bearer ' + token;
  try {
    const res = await fetch('/api/insights?' + insightsParams({ format: 'markdown' }), { headers });
    if (!res.ok) throw new Error(res.statusText);
    await navigator.clipboard.writeText(await res.text());
    els.insightsCopyStatus.textContent = 'Copied as Markdown.';
  } catch (e) {
    els.insightsCopyStatus.textContent = 'Copy failed: ' + e.message;
  }
}

// The trend as an inline SVG: per day, searches, searches that found nothing, and opens, side by side.
const SERIES = [['searches', 'Searches'], ['no_result', 'Found nothing'], ['opens', 'Opened']];

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

function renderChart(days) {
  els.insightsChart.hidden = !days.length;
  if (!days.length) return;
  const W = 720, H = 220, left = 40, bottom = 28, top = 10;
  const most = Math.max(1, ...days.map((d) => d.searches), ...days.map((d) => d.opens));
  const step = (W - left) / days.length;
  const bar = Math.max(1, Math.min(18, (step - 4) / 3));
  const y = (n) => top + (H - top - bottom) * (1 - n / most);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc',
    id: 'trend-chart', preserveAspectRatio: 'xMinYMin meet' });
  const total = (k) => days.reduce((n, d) => n + d[k], 0);
  chart.append(svg('title', { id: 'chart-title' }, 'Searches, found nothing and opened per day'),
    svg('desc', { id: 'chart-desc' }, SERIES.map(([k, name]) => `${name}: ${total(k)}`).join(', ') +
      ` over ${days.length} day${days.length === 1 ? '' : 's'}.`));
  for (const n of [0, Math.round(most / 2), most]) {
    chart.append(svg('line', { x1: left, x2: W, y1: y(n), y2: y(n), class: 'grid' }),
      svg('text', { x: left - 6, y: y(n) + 4, 'text-anchor': 'end', class: 'axis' }, String(n)));
  }
  const every = Math.ceil(days.length / 8);
  days.forEach((d, i) => {
    const x0 = left + i * step + (step - 3 * bar) / 2;
    SERIES.forEach(([k, name], j) => {
      chart.append(svg('rect', { x: x0 + j * bar, y: y(d[k]), width: Math.max(1, bar - 1), height: y(0) - y(d[k]),
        class: 'series-' + j, 'data-series': k, 'data-day': d.day }, svg('title', {}, `${d.day}: ${d[k]} ${name.toLowerCase()}`)));
    });
    if (i % every === 0) {
      chart.append(svg('text', { x: left + i * step + step / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis' },
        d.day.slice(5)));
    }
  });
  const legend = el('ul', { class: 'legend' }, ...SERIES.map(([k, name], j) =>
    el('li', {}, el('span', { class: 'swatch series-' + j }), ` ${name} (${total(k)})`)));
  els.insightsChart.replaceChildren(el('figcaption', { text: 'Trend' }), chart, legend);
}

function insightsTable(title, headers, rows) {
  const section = el('section', { class: 'insight' }, el('h2', { text: title }));
  if (!rows.length) {
    section.append(el('p', { class: 'muted', text: 'None.' }));
    return section;
  }
  const table = el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h })))));
  // data-label names each cell where a narrow screen shows a row as a card.
  table.append(el('tbody', {}, ...rows.map((cells) => el('tr', {},
    ...cells.map((c, i) => el('td', headers[i] ? { 'data-label': headers[i] } : {}, c))))));
  section.append(el('div', { class: 'table-wrap' }, table));
  return section;
}

function queryLink(q) {
  return el('button', { type: 'button', class: 'link', text: q || '(empty)', onclick: () => {
    location.hash = '#' + new URLSearchParams({ q }).toString();
  } });
}

// A pasted message is shown as the item it matched and a masked excerpt, never whole.
function groupCell(g) {
  if (!g.pasted) return queryLink(g.query || g.key);
  const topic = g.topic_id ? itemLink(g.topic_id, g.topic) : el('span', { text: 'no matching item' });
  return el('span', {}, 'Pasted message about ', topic, el('br'), el('small', { class: 'muted', text: g.query }));
}

function querySection(title, groups, count) {
  return insightsTable(title, ['query', 'count', 'typed as', 'comments'], groups.map((g) => [
    groupCell(g), count(g),
    g.examples.map((e) => `${e.query} ×${e.count}`).join(' · '), g.comments.join(' · ')]));
}

function itemLink(id, title) {
  return el('a', { href: itemHash(id, ''), text: title || id });
}

function reportedSection(items) {
  return insightsTable('Most reported items', ['item', 'owner', 'did not help', 'lacked this', 'comments'],
    items.map((it) => [itemLink(it.id, it.title), it.owner, String(it.not_helpful), String(it.kb_lacks),
      it.comments.join(' · ')]));
}

function staleSection(owners, total) {
  const rows = [];
  for (const team of owners) {
    for (const it of team.items) rows.push([team.owner || '(no owner)', itemLink(it.id, it.title), it.stale_after,
      String(it.days_overdue)]);
    if (team.more) rows.push([team.owner || '(no owner)', `and ${team.more} more`, '', '']);
  }
  return insightsTable(`Stale items by owner (${total})`, ['owner', 'item', 'stale since', 'days overdue'], rows);
}

function neverShownSection(res) {
  const rows = res.never_shown_items.map((it) => [itemLink(it.id, it.title), it.owner]);
  if (res.never_shown_total > rows.length) rows.push([`and ${res.never_shown_total - rows.length} more`, '']);
  return insightsTable(`Never shown in a result (${res.never_shown_total} of ${res.items} items)`, ['item', 'owner'],
    rows);
}

function trendSection(days) {
  const most = Math.max(1, ...days.map((d) => d.searches));
  const bar = (n) => {
    const b = el('span', { class: 'bar' });
    b.style.width = `${Math.round(60 * n / most)}px`;  // a style property, not an attribute: the CSP allows it
    return el('span', {}, b, ` ${n}`);
  };
  return insightsTable('Trend', ['day', 'searches', 'found nothing', 'opened', 'copied', 'reports'], days.map((d) => [
    d.day, bar(d.searches),
    `${d.no_result} (${Math.round(100 * d.no_result_share)}%)`, String(d.opens), String(d.copies), String(d.reports)]));
}

// ---- keyboard -------------------------------------------------------------------------------------

function onKeyDown(e) {
  const typing = e.target.matches('input, textarea, select');
  if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    if (!els.item.hidden) location.hash = listHash();
    els.q.focus();
    els.q.select();
    return;
  }
  if (e.key === 'Escape' && !els.item.hidden && !els.tokenDialog.open) {
    e.preventDefault();
    location.hash = listHash();
    els.q.focus();
    return;
  }
  // Arrows move the focus between the search box and the result links; Enter on a link opens it.
  if (!els.list.hidden && (e.target === els.q || e.target.closest('#results'))) {
    const inList = e.target !== els.q;
    const at = inList ? [...els.results.children].indexOf(e.target.closest('li')) : -1;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      select(at + 1);
    } else if (e.key === 'ArrowUp' && inList) {
      e.preventDefault();
      if (at <= 0) {
        select(-1);
        els.q.focus();
      } else {
        select(at - 1);
      }
    }
  }
}

// Enter in the search box settles the query and opens the first result (the one shown first); when nothing
// matches, the "nothing found" advice stays.
async function onSubmit(e) {
  e.preventDefault();
  els.completions.hidden = true;
  if (byteLength(state.q) > state.maxQueryBytes) return;
  const typed = state.q;
  await search(false);
  if (typed !== state.q) return;  // typing went on meanwhile
  if (state.results.length) openResult(0);
  else settle();
}

// The limit is in bytes, as the server counts: shown while the query is long (a paste), never cut silently.
function showRoom() {
  const used = byteLength(els.q.value);
  const limit = state.maxQueryBytes;
  const show = used > limit * 0.75;
  els.qRoom.hidden = !show;
  els.qRoom.classList.toggle('warn', used > limit);
  els.qRoom.textContent = !show ? '' : used > limit ?
    `${used - limit} bytes too long (the limit is ${limit} bytes): shorten the text to search` :
    `${limit - used} of ${limit} bytes left`;
}

function onInput() {
  state.q = els.q.value;
  state.page = 1;
  state.selectedId = null;
  history.replaceState(null, '', listHash());
  if (!els.item.hidden || !els.insights.hidden) showList();
  showRoom();
  searchSoon();
  suggestSoon();
  logSearchSoon();
}

// The sticky header's height, so that a focused result never scrolls under it.
function trackHeader() {
  const set = () => document.documentElement.style.setProperty('--top-height', `${$('top').offsetHeight}px`);
  set();
  new ResizeObserver(set).observe($('top'));
}

function init() {
  for (const id of ['q', 'results', 'status', 'facets', 'pager', 'empty', 'item', 'list', 'filters', 'completions',
    'related', 'copy', 'back', 'token', 'search-form', 'did-you-mean', 'active-filters', 'empty-query', 'empty-owner',
    'report-gap', 'report-status', 'item-head', 'item-body', 'answer-panel', 'answer-fields', 'answer-text',
    'answer-missing', 'copy-status', 'related-list', 'token-dialog', 'token-form', 'insights', 'insights-title',
    'insights-days', 'insights-status', 'insights-body', 'not-helpful', 'not-helpful-comment', 'not-helpful-status',
    'ui-lang', 'helpful', 'helpful-status', 'item-source', 'answer-guard', 'q-room', 'insights-owner',
    'insights-show-reviewed', 'insights-copy', 'insights-copy-status', 'insights-chart', 'missing-words']) {
    els[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = $(id);
  }
  els.q.addEventListener('input', onInput);
  try { els.uiLang.value = localStorage.getItem('kb.uiLang') || ''; } catch (e) { /* storage off */ }
  els.uiLang.addEventListener('change', () => {
    try { localStorage.setItem('kb.uiLang', els.uiLang.value); } catch (e) { /* storage off: this page only */ }
    state.searchKey = null;
    search(false);
  });
  els.searchForm.addEventListener('submit', onSubmit);
  els.copy.addEventListener('click', copyAnswer);
  els.back.addEventListener('click', () => { location.hash = listHash(); els.q.focus(); });
  els.reportGap.addEventListener('click', reportGap);
  els.notHelpful.addEventListener('click', reportNotHelpful);
  els.helpful.addEventListener('click', reportHelpful);
  trackHeader();
  els.insightsDays.addEventListener('change', () => loadInsights());
  els.insightsOwner.addEventListener('change', () => loadInsights());
  els.insightsShowReviewed.addEventListener('change', () => state.insights && renderInsights(state.insights));
  els.insightsCopy.addEventListener('click', copyInsights);
  els.itemBody.addEventListener('click', onBodyClick);
  document.addEventListener('keydown', onKeyDown);
  window.addEventListener('hashchange', route);
  applyScopes();
  route();
  if (els.item.hidden) els.q.focus();
}

document.addEventListener('DOMContentLoaded', init);
