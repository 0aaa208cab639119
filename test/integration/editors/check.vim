" Vim 9 + ALE driving resim-language-server with the setup of docs/editors.md, as written.
" Run by ale.test.ts: vim -N -u <setup.vim> -i NONE -n -es -S check.vim
" The person is the only stand-in: ale#util#Input (ALE's code action menu) answers the number of
" the item asked for (the first: the default), ale#util#ShowMessage records what ALE shows
" (hover, the server's messages), and ale#util#Mode says Insert while completion is asked for.
" Env: RESIM_SEED_FILE, RESIM_LIVE_FILE (files to open), RESIM_OUT (the JSON results).
let s:out = {'steps': [], 'warnings': []}
let s:shown = []
let s:want = ''
let s:picked = ''
let s:timeout = 20000

function! s:Finish(err) abort
  if a:err isnot# '' | let s:out.error = a:err | endif
  call writefile([json_encode(s:out)], $RESIM_OUT)
  qa!
endfunction

function! s:Wait(expr, what) abort
  let l:waited = 0
  while !eval(a:expr)
    if l:waited > s:timeout | throw 'timed out waiting for ' . a:what | endif
    sleep 50m
    let l:waited += 50
  endwhile
endfunction

function! s:Codes() abort
  return map(copy(get(get(g:ale_buffer_info, bufnr(''), {}), 'loclist', [])), 'get(v:val, "code", "")')
endfunction

function! s:Diagnostics() abort
  return map(copy(get(get(g:ale_buffer_info, bufnr(''), {}), 'loclist', [])),
  \ '{"line": v:val.lnum - 1, "code": get(v:val, "code", ""), "message": v:val.text}')
endfunction

function! s:Open(file) abort
  execute 'edit ' . fnameescape(a:file)
  ALELint
endfunction

" ALE's menu of code actions: "1) title\n2) title\n…"; answer the number of the wanted title.
function! s:Answer(message) abort
  let l:items = filter(split(a:message, "\n"), 'v:val =~# "^\\d\\+) "')
  let l:n = 1
  for l:i in range(len(l:items))
    if s:want isnot# '' && stridx(l:items[l:i], s:want) >= 0 | let l:n = l:i + 1 | endif
  endfor
  let s:picked = substitute(l:items[l:n - 1], '^\d\+) ', '', '')
  return string(l:n)
endfunction

function! s:Run() abort
  runtime autoload/ale/util.vim
  function! ale#util#Input(message, value, ...) abort
    return s:Answer(a:message)
  endfunction
  function! ale#util#ShowMessage(string, ...) abort
    call add(s:shown, a:string)
  endfunction
  " Completion is asked for while typing: in batch mode there is no Insert mode to be in.
  let s:mode = 'n'
  function! ale#util#Mode(...) abort
    return s:mode
  endfunction

  " 1. The seed example: static diagnostics; the quick fix at column 1 of the first tab line.
  call s:Open($RESIM_SEED_FILE)
  call s:Wait('index(s:Codes(), "tab-indent") >= 0', 'tab-indent')
  call add(s:out.steps, 'seed diagnostics')
  let l:ds = s:Diagnostics()
  let s:out.seed = {'diagnostics': l:ds}
  let l:tab = filter(copy(l:ds), 'v:val.code is# "tab-indent"')[0]
  call cursor(l:tab.line + 1, 1)
  let s:picked = ''
  ALECodeAction
  call s:Wait('s:picked isnot# ""', 'a code action at the cursor')
  let s:out.seed.fixTitle = s:picked
  let s:out.seed.tabsAfterFix = count(join(getline(1, '$'), "\n"), "\t")
  ALELint
  call s:Wait('index(s:Codes(), "tab-indent") < 0', 'no tab-indent after the fix')
  let s:out.seed.codesAfterFix = s:Codes()
  call add(s:out.steps, 'tab quick fix')
  write

  " 2. The live config.
  call s:Open($RESIM_LIVE_FILE)
  call s:Wait('index(s:Codes(), "will-restore") >= 0 || index(s:Codes(), "will-archive") >= 0 || index(s:Codes(), "state-unavailable") >= 0', 'live diagnostics')
  let s:out.live = {'diagnostics': s:Diagnostics()}
  call add(s:out.steps, 'live diagnostics')

  call cursor(search('scenario-survey-alpha', 'w'), 1)
  normal! fs3l
  let l:n = len(s:shown)
  ALEHover
  call s:Wait('len(s:shown) > ' . l:n, 'the hover')
  let s:out.live.hover = s:shown[-1]
  call add(s:out.steps, 'hover')

  let s:completion = v:null
  call cursor(search('systems: \[', 'w'), 1)
  normal! f[l
  let s:mode = 'i'
  call ale#completion#GetCompletions('ale-callback', {'callback': {items -> execute('let s:completion = items')}})
  call s:Wait('s:completion isnot v:null', 'completion')
  let s:mode = 'n'
  let s:out.live.completion = map(copy(s:completion), 'v:val.word')
  call add(s:out.steps, 'completion')

  let s:want = 'ReSim: Preview Sync'
  let l:n = len(s:shown)
  ALECodeAction
  call s:Wait('len(s:shown) > ' . l:n, 'the preview message')
  let s:out.live.previewMessage = s:shown[-1]
  let s:want = 'ReSim: Apply'
  let l:n = len(s:shown)
  ALECodeAction
  call s:Wait('len(filter(s:shown[' . l:n . ':], "v:val =~# \"applied\"")) > 0', 'the apply message')
  let s:out.live.applied = filter(s:shown[l:n :], 'v:val =~# "applied"')[0]
  call add(s:out.steps, 'apply')
  let s:out.live.preview = {}
endfunction

try
  call s:Run()
  call s:Finish('')
catch
  call s:Finish(v:exception . ' at ' . v:throwpoint)
endtry
