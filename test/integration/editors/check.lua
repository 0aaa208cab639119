-- Headless Neovim (0.7+ API: buf_request_sync, vim.diagnostic) driving resim-language-server
-- with the setup of docs/editors.md, run as written. Run by neovim.test.ts:
--   nvim --headless --clean -u NONE -c "luafile check.lua"
-- Env: RESIM_NVIM_SETUP (a Lua file: the documented setup and code lens commands),
-- RESIM_SEED_FILE and RESIM_LIVE_FILE (files to open), RESIM_OUT (where to write the JSON
-- results). The server inherits Neovim's environment (RESIM_URL, RESIM_TOKEN for the live file).
local out = { steps = {} }
local function step(name) table.insert(out.steps, name) end
local TIMEOUT = 20000

local function finish(err)
  if err then out.error = err end
  local f = assert(io.open(vim.env.RESIM_OUT, 'w'))
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  vim.lsp.set_log_level('warn')
  out.nvim = vim.version()
  out.lsp_log = vim.lsp.get_log_path()
  dofile(vim.env.RESIM_NVIM_SETUP)
  local client_id

  local function open(file)
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.bo[bufnr].filetype = 'yaml' -- the FileType autocommand of the setup attaches the server
    assert(vim.wait(TIMEOUT, function() return next(vim.lsp.buf_get_clients(bufnr)) ~= nil end, 20), 'the setup attached no client')
    local id = next(vim.lsp.buf_get_clients(bufnr))
    assert(not client_id or client_id == id, 'a second client was started')
    client_id = id
    return bufnr
  end
  local function lsp_diagnostics(bufnr)
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      local lsp = (d.user_data or {}).lsp or {}
      -- Back to an LSP Diagnostic, as vim.lsp.buf.code_action() sends it (Neovim keeps `data` in user_data).
      local as_lsp = {
        range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col } },
        severity = d.severity, message = d.message, source = d.source, code = d.code or lsp.code, data = lsp.data,
      }
      table.insert(list, { line = d.lnum, col = d.col, code = d.code or lsp.code, severity = d.severity, message = d.message, lsp = as_lsp })
    end
    return list
  end
  local function wait_for(bufnr, pred, what)
    local found = vim.wait(TIMEOUT, function() return pred(lsp_diagnostics(bufnr)) end, 50)
    assert(found, 'timed out waiting for ' .. what .. ': ' .. vim.fn.json_encode(lsp_diagnostics(bufnr)))
    return lsp_diagnostics(bufnr)
  end
  local function has(list, code)
    for _, d in ipairs(list) do if d.code == code then return d end end
  end
  local function request(bufnr, method, params)
    local res, e = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
    assert(res, method .. ': ' .. tostring(e))
    local r = res[client_id]
    assert(r, method .. ': no answer')
    assert(not r.err, method .. ': ' .. vim.inspect(r.err))
    return r.result
  end

  -- 1. The seed example: tab-indent and snake-case diagnostics, then the tab quick fix.
  local seed = open(vim.env.RESIM_SEED_FILE)
  local ds = wait_for(seed, function(l) return has(l, 'tab-indent') end, 'tab-indent')
  step('seed diagnostics')
  out.seed = { diagnostics = {} }
  for _, d in ipairs(ds) do table.insert(out.seed.diagnostics, { line = d.line, code = d.code }) end
  local tab = has(ds, 'tab-indent')
  local actions = request(seed, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(seed) },
    range = tab.lsp.range,
    context = { diagnostics = { tab.lsp } },
  })
  local fix
  for _, a in ipairs(actions or {}) do
    if a.edit and a.title:lower():find('tab') then fix = a end
  end
  assert(fix, 'no tab quick fix in ' .. vim.inspect(actions))
  out.seed.fixTitle = fix.title
  vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
  local text = table.concat(vim.api.nvim_buf_get_lines(seed, 0, -1, false), '\n')
  out.seed.tabsAfterFix = select(2, text:gsub('\t', ''))
  ds = wait_for(seed, function(l) return not has(l, 'tab-indent') end, 'no tab-indent after the fix')
  out.seed.codesAfterFix = {}
  for _, d in ipairs(ds) do table.insert(out.seed.codesAfterFix, d.code) end
  step('tab quick fix')

  -- 2. A live config against the sandbox: diagnostics, hover, completion, resim/preview.
  local live = open(vim.env.RESIM_LIVE_FILE)
  ds = wait_for(live, function(l) return has(l, 'will-archive') or has(l, 'state-unavailable') end, 'live diagnostics')
  out.live = { diagnostics = {} }
  for _, d in ipairs(ds) do table.insert(out.live.diagnostics, { line = d.line, code = d.code, message = d.message }) end
  step('live diagnostics')

  local lines = vim.api.nvim_buf_get_lines(live, 0, -1, false)
  local function pos_of(needle, delta)
    for i, l in ipairs(lines) do
      local s = l:find(needle, 1, true)
      if s then return { line = i - 1, character = s - 1 + (delta or 0) } end
    end
    error('not in the file: ' .. needle)
  end
  local hover = request(live, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(live) }, position = pos_of('scenario-survey-alpha', 3) })
  -- What Neovim puts into the hover window (vim.lsp.handlers.hover does the same).
  local shown = vim.lsp.util.trim_empty_lines(vim.lsp.util.convert_input_to_markdown_lines(hover.contents))
  out.live.hover = table.concat(shown, '\n')
  step('hover')

  local completion = request(live, 'textDocument/completion', { textDocument = { uri = vim.uri_from_bufnr(live) }, position = pos_of('systems: [', 10) })
  out.live.completion = {}
  for _, item in ipairs(completion.items or completion) do table.insert(out.live.completion, item.label) end
  step('completion')

  -- The summary lens's Preview command, run by the documented vim.lsp.commands handler (as
  -- vim.lsp.codelens.run() would run it), which asks the server for resim/preview.
  local lenses = request(live, 'textDocument/codeLens', { textDocument = { uri = vim.uri_from_bufnr(live) } })
  local lens
  for _, l in ipairs(lenses) do
    if l.command and l.command.command == 'resim.previewSync' then lens = l end
  end
  assert(lens, 'no resim.previewSync lens in ' .. vim.inspect(lenses))
  vim.lsp.commands['resim.previewSync'](lens.command, { client_id = client_id, bufnr = live })
  assert(vim.wait(TIMEOUT, function() return vim.b[live].resim_plan ~= nil end, 20), 'the preview command stored no plan')
  local plan = vim.b[live].resim_plan
  out.live.preview = { summary = plan.summary, project = plan.project }
  step('resim/preview')

  vim.lsp.stop_client(client_id)
  vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end)

if ok then finish() else finish(tostring(err)) end
