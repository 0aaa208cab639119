-- Headless Neovim (0.7+ API: buf_request_sync, vim.diagnostic) driving resim-language-server
-- with the setup of docs/editors.md, run as written. Run by neovim.test.ts:
--   nvim --headless --clean -u NONE -c "luafile check.lua"
-- The person's choices are the only stand-ins: vim.ui.select (code action and lens menus) picks
-- the first item or the one titled as asked, vim.fn.inputlist (the server's question) answers 1.
-- Env: RESIM_NVIM_SETUP (a Lua file: the documented setup),
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

  -- What a person picks in a menu: the item whose title is `want`, else the first (the default).
  local want
  vim.ui.select = function(items, opts, on_choice)
    local pick = items[1]
    for _, item in ipairs(items) do
      if want and opts.format_item(item) == want then pick = item end
    end
    out.picked = pick and opts.format_item(pick)
    on_choice(pick)
  end
  vim.fn.inputlist = function() return 1 end -- "1. Apply" of the server's question
  local messages = {}
  local show = vim.lsp.handlers['window/showMessage']
  vim.lsp.handlers['window/showMessage'] = function(err, result, ctx, config)
    table.insert(messages, result.message)
    return show(err, result, ctx, config)
  end

  -- 1. The seed example: tab-indent and snake-case diagnostics, then the quick fix at the cursor
  -- (column 0 of the first tab line), the default (first) action of vim.lsp.buf.code_action().
  local seed = open(vim.env.RESIM_SEED_FILE)
  local ds = wait_for(seed, function(l) return has(l, 'tab-indent') end, 'tab-indent')
  step('seed diagnostics')
  out.seed = { diagnostics = {} }
  for _, d in ipairs(ds) do table.insert(out.seed.diagnostics, { line = d.line, code = d.code }) end
  local tab = has(ds, 'tab-indent')
  vim.api.nvim_win_set_cursor(0, { tab.line + 1, 0 })
  out.picked = nil
  vim.lsp.buf.code_action()
  assert(vim.wait(TIMEOUT, function() return out.picked ~= nil end, 20), 'no code action at the cursor')
  out.seed.fixTitle = out.picked
  local text = table.concat(vim.api.nvim_buf_get_lines(seed, 0, -1, false), '\n')
  out.seed.tabsAfterFix = select(2, text:gsub('\t', ''))
  ds = wait_for(seed, function(l) return not has(l, 'tab-indent') end, 'no tab-indent after the fix')
  out.seed.codesAfterFix = {}
  for _, d in ipairs(ds) do table.insert(out.seed.codesAfterFix, d.code) end
  step('tab quick fix')

  -- 2. A live config against the sandbox: diagnostics, hover, completion, resim/preview.
  local live = open(vim.env.RESIM_LIVE_FILE)
  ds = wait_for(live, function(l) return has(l, 'will-restore') or has(l, 'will-archive') or has(l, 'state-unavailable') end, 'live diagnostics')
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

  -- The lenses, refreshed by the setup's autocommands; then each run as vim.lsp.codelens.run()
  -- runs it (the server runs the command): an experience's lens previews, line 1's Apply applies.
  assert(vim.wait(TIMEOUT, function()
    vim.api.nvim_exec_autocmds('CursorHold', { buffer = live })
    return #vim.lsp.codelens.get(live) > 0
  end, 500), 'no code lens after the setup refreshed them')
  step('code lens')
  vim.api.nvim_win_set_cursor(0, { pos_of('scenario-survey-alpha').line + 1, 0 })
  local before = #messages
  vim.lsp.codelens.run()
  assert(vim.wait(TIMEOUT, function() return #messages > before end, 20), 'the preview lens showed nothing')
  out.live.previewMessage = messages[#messages]
  local res = request(live, 'resim/preview', { uri = vim.uri_from_bufnr(live) })
  out.live.preview = { summary = res.plan.summary, project = res.plan.project }
  step('preview')

  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  want = 'Apply'
  before = #messages
  vim.lsp.codelens.run()
  assert(vim.wait(TIMEOUT, function()
    for i = before + 1, #messages do if messages[i]:find('applied') then return true end end
  end, 20), 'the Apply lens said nothing: ' .. vim.inspect(messages))
  for i = before + 1, #messages do if messages[i]:find('applied') then out.live.applied = messages[i] end end
  step('apply')

  vim.lsp.stop_client(client_id)
  vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end)

if ok then finish() else finish(tostring(err)) end
