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

  // Virtualised lists (<ul data-virtual="key" data-count="n">): rows arrive in chunks; blocks of
  // BLOCK rows are placeholders of their (estimated, then measured) height, filled when they come
  // near the viewport and emptied when they leave it.
  const BLOCK = 50;
  const ROW_ESTIMATE = 26;
  /** @type {Record<string, string[]>} */
  const rowsOf = {};
  /** @type {Record<string, number>} */
  const received = {};
  /** Fills a block with its rows, if they have all arrived; else it is filled when they do. */
  const fill = (block) => {
    const list = rowsOf[block.dataset.list || ''] || [];
    const start = Number(block.dataset.start);
    const end = Math.min(start + BLOCK, Number(block.dataset.total));
    if (block.dataset.filled === '1' || (received[block.dataset.list || ''] || 0) < end) return;
    block.innerHTML = `<ul>${list.slice(start, end).join('')}</ul>`;
    block.style.height = '';
    block.dataset.filled = '1';
  };
  /** Blocks near the viewport (filled, or waiting for their rows). */
  const near = new Set();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const block = /** @type {HTMLElement} */ (entry.target);
      if (entry.isIntersecting) {
        near.add(block);
        fill(block);
      } else {
        near.delete(block);
        if (block.dataset.filled === '1') {
          // The observer's own measurement: reading the layout here would force one per block.
          block.style.height = `${entry.boundingClientRect.height}px`;
          block.textContent = '';
          block.dataset.filled = '0';
        }
      }
    }
  }, { rootMargin: '1200px 0px' });

  /** Builds the blocks of a list (placeholders of an estimated height) when its first rows arrive. */
  const buildVirtual = (key, total) => {
    const ul = document.querySelector(`ul[data-virtual="${CSS.escape(key)}"]`);
    if (!ul) return;
    const frag = document.createDocumentFragment();
    for (let start = 0; start < total; start += BLOCK) {
      const block = document.createElement('li');
      block.className = 'vblock';
      block.dataset.list = key;
      block.dataset.start = String(start);
      block.dataset.total = String(total);
      block.style.height = `${Math.min(BLOCK, total - start) * ROW_ESTIMATE}px`;
      frag.appendChild(block);
    }
    ul.textContent = '';
    ul.appendChild(frag);
    ul.removeAttribute('aria-busy');
    for (const block of ul.children) observer.observe(block);
    if (saved.docId === docId && saved.scrollY) window.scrollTo(0, saved.scrollY);
  };

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || msg.type !== 'rows' || typeof msg.list !== 'string' || !Array.isArray(msg.rows)) return;
    const first = !rowsOf[msg.list];
    const list = (rowsOf[msg.list] ||= []);
    for (let i = 0; i < msg.rows.length; i++) list[msg.start + i] = String(msg.rows[i]);
    received[msg.list] = (received[msg.list] || 0) + msg.rows.length;
    if (first) buildVirtual(msg.list, Number(msg.total));
    for (const block of near) fill(block);
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
