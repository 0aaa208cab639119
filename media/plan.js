// @ts-check
// The plan webview's only script (loaded with the CSP nonce). It never builds HTML: the body is
// rendered, escaped, by the extension host (client/src/planHtml.ts). This script wires the
// buttons to the extension and keeps the view's UI state (open sections, scroll) across
// hide/show with vscode.setState/getState, since retainContextWhenHidden is off.
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

  let timer = 0;
  window.addEventListener('scroll', () => {
    clearTimeout(timer);
    timer = setTimeout(save, 150);
  });
  if (saved.docId === docId && saved.scrollY) window.scrollTo(0, saved.scrollY);
  save();
  vscode.postMessage({ type: 'ready' });
})();
