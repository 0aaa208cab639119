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
  refresh?.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg && msg.type === 'busy' && apply) apply.disabled = !!msg.busy || apply.dataset.canApply !== 'true';
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
