// @ts-check
// The plan webview's only script (loaded with the CSP nonce). It never builds HTML from data:
// the body and the rows of long lists are rendered, escaped, by the extension host
// (client/src/planHtml.ts). This script wires the buttons to the extension, virtualises long
// lists (only the blocks of rows near the viewport are in the DOM), and keeps the view's UI
// state (open sections, scroll) across hide/show with vscode.setState/getState, since
// retainContextWhenHidden is off.
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  /** @type {{open: Record<string, boolean>, scrollY: number, docId?: string}} */
  const saved = vscode.getState() || { open: {}, scrollY: 0 };
  const docId = document.body.querySelector('main')?.getAttribute('data-doc') || '';

  const save = () => vscode.setState({ ...saved, scrollY: window.scrollY, docId });

  for (const details of document.querySelectorAll('details[data-key]')) {
    const key = details.getAttribute('data-key') || '';
    if (key in saved.open) details.open = saved.open[key];
    details.addEventListener('toggle', () => { saved.open[key] = details.open; save(); });
  }

  const apply = /** @type {HTMLButtonElement|null} */ (document.getElementById('apply'));
  const refresh = /** @type {HTMLButtonElement|null} */ (document.getElementById('refresh'));
  apply?.addEventListener('click', () => {
    apply.disabled = true;
    vscode.postMessage({ type: 'apply' });
  });
  const refreshLabel = refresh?.textContent || 'Refresh';
  /** Shows the Refresh in progress (disabled, "Refreshing…", aria-busy) until the new plan arrives. */
  const setRefreshing = (on) => {
    if (!refresh) return;
    refresh.disabled = on;
    refresh.textContent = on ? 'Refreshing…' : refreshLabel;
    document.body.querySelector('main')?.setAttribute('aria-busy', on ? 'true' : 'false');
  };
  refresh?.addEventListener('click', () => {
    setRefreshing(true);
    vscode.postMessage({ type: 'refresh' });
  });

  // Names and [Ln, Col] reveal their place in the config; "Show more" renders the next page.
  document.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement|null} */ (event.target instanceof HTMLElement ? event.target.closest('.reveal, .more') : null);
    if (!target) return;
    event.preventDefault();
    if (target.classList.contains('more')) {
      /** @type {HTMLButtonElement} */ (target).disabled = true;
      vscode.postMessage({ type: 'more', key: target.dataset.more || '' });
    } else if (target.dataset.line) {
      vscode.postMessage({ type: 'reveal', line: Number(target.dataset.line), column: Number(target.dataset.column || '1') });
    } else {
      vscode.postMessage({ type: 'reveal', name: target.dataset.name || '', kind: target.dataset.kind || 'experience' });
    }
  });

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg && msg.type === 'busy' && apply) apply.disabled = !!msg.busy || apply.dataset.canApply !== 'true';
    if (msg && msg.type === 'refreshing') setRefreshing(!!msg.busy);
  });

  // Virtualised lists (<ul data-virtual="key" data-count="n">): placeholder blocks of BLOCK rows
  // with an estimated (then measured) height; a block near the viewport asks the extension for
  // its rows (rendered and escaped there) and shows them; a block that leaves drops them.
  const BLOCK = 50;
  const ROW_ESTIMATE = 26;
  /** Rows received for blocks near the viewport, by `${list}:${start}`. */
  const rowsFor = new Map();
  /** @type {Map<string, HTMLElement>} */
  const near = new Map();
  const keyOf = (block) => `${block.dataset.list}:${block.dataset.start}`;
  const fill = (block) => {
    const rows = rowsFor.get(keyOf(block));
    if (!rows || block.dataset.filled === '1') return;
    block.innerHTML = `<ul>${rows.join('')}</ul>`;
    block.style.height = '';
    block.dataset.filled = '1';
  };
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const block = /** @type {HTMLElement} */ (entry.target);
      const key = keyOf(block);
      if (entry.isIntersecting) {
        near.set(key, block);
        if (rowsFor.has(key)) fill(block);
        else {
          const start = Number(block.dataset.start);
          vscode.postMessage({ type: 'rows', list: block.dataset.list, start, end: start + Number(block.dataset.size) });
        }
      } else {
        near.delete(key);
        rowsFor.delete(key);
        if (block.dataset.filled === '1') {
          // The observer's own measurement: reading the layout here would force one per block.
          block.style.height = `${entry.boundingClientRect.height}px`;
          block.textContent = '';
          block.dataset.filled = '0';
        }
      }
    }
  }, { rootMargin: '1200px 0px' });

  for (const ul of document.querySelectorAll('ul[data-virtual]')) {
    const key = ul.getAttribute('data-virtual') || '';
    const total = Number(ul.getAttribute('data-count') || '0');
    const frag = document.createDocumentFragment();
    for (let start = 0; start < total; start += BLOCK) {
      const block = document.createElement('li');
      block.className = 'vblock';
      block.dataset.list = key;
      block.dataset.start = String(start);
      block.dataset.size = String(Math.min(BLOCK, total - start));
      block.style.height = `${Math.min(BLOCK, total - start) * ROW_ESTIMATE}px`;
      frag.appendChild(block);
    }
    ul.appendChild(frag);
    for (const block of ul.children) observer.observe(block);
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || msg.type !== 'rows' || typeof msg.list !== 'string' || !Array.isArray(msg.rows)) return;
    const key = `${msg.list}:${msg.start}`;
    const block = near.get(key);
    if (!block) return; // scrolled away meanwhile
    rowsFor.set(key, msg.rows.map(String));
    fill(block);
  });

  let timer = 0;
  window.addEventListener('scroll', () => {
    clearTimeout(timer);
    timer = setTimeout(save, 150);
  });
  if (saved.docId === docId && saved.scrollY) window.scrollTo(0, saved.scrollY);
  save();
  vscode.postMessage({ type: 'ready' });
})();
