-- Baton for Neovim: run an orchestration (`:BatonRun`), watch it, read the result in a buffer.
--
-- One `baton serve` process is spawned on first use and reused. One run at a time; `complete`
-- calls may overlap. Works on Neovim 0.7.2 (Debian 12) and later.

local Client = require('baton.client')
local ui = require('baton.ui')

local M = {}

local levels = vim.log.levels

local defaults = {
  -- The baton binary (string or list; `serve` and the options below are appended). Default:
  -- $BATON_BINARY, else `baton` on PATH.
  cmd = nil,
  config = nil, -- baton configuration file (`--config`)
  model = nil, -- default `provider:model` (passed as BATON_MODEL; `complete` also names it)
  log_level = nil, -- baton's stderr diagnostics (`--log-level`); they land in the LSP log
  env = nil, -- extra environment for the process
  run = {}, -- extra params for every `run` request: concurrency, budget, format, style, models, …
  approve_plan = false, -- true: ask before a plan runs (auto-approved without a UI); or function(plan) -> bool
  open = 'botright split', -- Ex command opening result windows ('' keeps them hidden)
  notify = nil, -- function(msg, level, opts): replaces the notifier; opts.progress marks progress lines
  shutdown_timeout = 2000, -- ms to wait for `shutdown` on exit
}

M.config = vim.deepcopy(defaults)

-- Everything that changes while the plugin runs. Tests read it through M._state.
local state = {
  client = nil,
  client_key = nil, -- the command and environment the client was started with
  run = nil, -- the run in flight
  completes = {}, -- complete ops in flight, by request id once sent
  finished_runs = {}, -- runIds whose late events must be ignored
  status = '', -- for statusline()
  last = nil, -- the last finished run or complete: {kind, status, buf, result?, error?}
  counter = 0,
}
M._state = state

---------------------------------------------------------------------------------------------------
-- Messages

local function notify(msg, level, opts)
  local fn = M.config.notify or ui.default_notify
  local ok, err = pcall(fn, msg, level or levels.INFO, opts or {})
  if not ok then
    vim.notify('baton: notifier failed: ' .. tostring(err) .. '\n' .. msg, levels.ERROR)
  end
end

-- A progress line: shown in the echo area by default and kept for statusline().
local function progress(msg, level)
  state.status = 'Baton: ' .. msg
  notify(state.status, level or levels.INFO, { progress = true })
  pcall(vim.cmd, 'redrawstatus')
end

-- A JSON-RPC error as one line: message, then the code and (for provider errors) the kind.
local function format_error(err)
  if type(err) ~= 'table' then
    return tostring(err)
  end
  local detail = tostring(err.code or '?')
  if type(err.data) == 'table' and err.data.kind then
    detail = detail .. ' ' .. tostring(err.data.kind)
  end
  return string.format('%s [%s]', tostring(err.message or 'error'), detail)
end

-- Event fields named `error` may be a string or an object with a message.
local function describe(value)
  if type(value) == 'table' then
    return tostring(value.message or vim.inspect(value))
  end
  return value ~= nil and tostring(value) or ''
end

local function fire_user_event(pattern)
  if vim.fn.exists('#User#' .. pattern) == 1 then
    vim.cmd('doautocmd <nomodeline> User ' .. pattern)
  end
end

---------------------------------------------------------------------------------------------------
-- The process

local function build_cmd(cfg)
  local cmd = cfg.cmd
  if cmd == nil then
    local env_binary = vim.env.BATON_BINARY
    cmd = { (env_binary and env_binary ~= '') and env_binary or 'baton' }
  elseif type(cmd) == 'string' then
    cmd = { cmd }
  end
  cmd = vim.deepcopy(cmd)
  if not vim.tbl_contains(cmd, 'serve') then
    table.insert(cmd, 'serve')
  end
  if cfg.config then
    vim.list_extend(cmd, { '--config', vim.fn.expand(cfg.config) })
  end
  if cfg.log_level then
    vim.list_extend(cmd, { '--log-level', cfg.log_level })
  end
  return cmd
end

local function build_env(cfg)
  local env = cfg.env and vim.deepcopy(cfg.env) or nil
  if cfg.model then
    env = env or {}
    env.BATON_MODEL = cfg.model
  end
  return env
end

local on_notification, on_server_request -- defined below, with the run logic

local function busy()
  return state.run ~= nil or next(state.completes) ~= nil
end

-- Returns the running client, starting one when there is none (or when setup() changed how it
-- must be started and nothing is in flight).
local function ensure_client()
  local cfg = M.config
  local cmd, env = build_cmd(cfg), build_env(cfg)
  local key = vim.inspect({ cmd, env })
  local current = state.client
  if current and current:is_alive() then
    if state.client_key == key or busy() then
      return current
    end
    current:shutdown(cfg.shutdown_timeout) -- setup() changed: replace it
  end

  local client, err
  client, err = Client.start({
    cmd = cmd,
    env = env,
    on_notification = function(method, params)
      on_notification(method, params)
    end,
    on_request = function(method, params)
      return on_server_request(method, params)
    end,
    on_exit = function(code, signal, expected, failed)
      if state.client == client then
        state.client = nil
      end
      -- Requests that were waiting report the exit themselves; an idle crash is reported here.
      if not expected and failed == 0 then
        notify(string.format('baton exited unexpectedly (code %s); its stderr is in %s', tostring(code),
          vim.lsp.get_log_path()), levels.ERROR)
      end
    end,
    on_init_error = function(init_err)
      notify('baton initialize failed: ' .. format_error(init_err), levels.ERROR)
    end,
  })
  if not client then
    notify('baton: ' .. tostring(err), levels.ERROR)
    return nil
  end
  state.client, state.client_key = client, key
  return client
end

---------------------------------------------------------------------------------------------------
-- Runs

local function subtask_name(run, id)
  return (id and run.names[id]) or tostring(id or '?')
end

-- The compact line statusline() shows while a run is going.
local function run_summary(run)
  local parts = {}
  if run.percentage then
    table.insert(parts, ui.int(run.percentage) .. '%')
  end
  if run.total then
    table.insert(parts, string.format('%d/%d done', run.done, run.total))
  end
  if run.failed > 0 then
    table.insert(parts, run.failed .. ' failed')
  end
  if run.tokens > 0 then
    table.insert(parts, ui.int(run.tokens) .. ' tokens')
  end
  if run.cost and run.cost > 0 then
    table.insert(parts, string.format('$%.4f', run.cost))
  end
  return table.concat(parts, ', ')
end

local function with_summary(run, msg)
  local summary = run_summary(run)
  return summary ~= '' and (msg .. ' (' .. summary .. ')') or msg
end

local function ensure_run_buffer(run)
  if not run.buf or not vim.api.nvim_buf_is_valid(run.buf) then
    run.buf = ui.open_scratch('baton://run/' .. (run.runId or run.n), M.config.open)
  end
  return run.buf
end

-- One handler per run/event type; unknown types are ignored (the protocol may grow).
local event_handlers = {}

function event_handlers.planReady(run, ev)
  run.plan = ev.plan or {}
  local subtasks = type(run.plan.subtasks) == 'table' and run.plan.subtasks or {}
  run.total = #subtasks
  for _, st in ipairs(subtasks) do
    run.names[st.id] = st.name or st.id
  end
  local objective = run.plan.objective and (': ' .. run.plan.objective) or ''
  progress(string.format('plan ready with %d subtask%s%s', run.total, run.total == 1 and '' or 's', objective))
end

function event_handlers.subtaskStarted(run, ev)
  if ev.subtaskId and ev.name then
    run.names[ev.subtaskId] = ev.name
  end
  progress(with_summary(run, 'started ' .. subtask_name(run, ev.subtaskId)))
end

-- completed/failed/skipped also carry the plan's size (`total`), which may change on replanning.
local function count_outcome(run, ev, field)
  run[field] = run[field] + 1
  run.total = tonumber(ev.total) or run.total
end

function event_handlers.subtaskCompleted(run, ev)
  count_outcome(run, ev, 'done')
  progress(with_summary(run, 'completed ' .. subtask_name(run, ev.subtaskId)))
end

function event_handlers.subtaskFailed(run, ev)
  count_outcome(run, ev, 'failed')
  local why = describe(ev.error)
  progress(with_summary(run, 'subtask ' .. subtask_name(run, ev.subtaskId) .. ' failed' .. (why ~= '' and (': ' .. why) or '')),
    levels.WARN)
end

function event_handlers.subtaskSkipped(run, ev)
  progress(with_summary(run, 'skipped ' .. subtask_name(run, ev.subtaskId)))
end

-- `attempt` is the attempt that failed, `reason` why, `delaySeconds` the wait before the next.
-- A retried synthesis streams again from the start, so the text shown so far is dropped.
function event_handlers.retrying(run, ev)
  local what = ev.subtaskId and subtask_name(run, ev.subtaskId) or tostring(ev.role or 'call')
  if ev.subtaskId == nil and ev.role == 'synthesizer' then
    run.text = ''
    if run.buf and vim.api.nvim_buf_is_valid(run.buf) then
      ui.set_content(run.buf, '', nil)
    end
  end
  local attempt = ev.attempt and (' after attempt ' .. ui.int(ev.attempt)) or ''
  local delay = tonumber(ev.delaySeconds) and tonumber(ev.delaySeconds) > 0
    and string.format(' in %.1f s', tonumber(ev.delaySeconds)) or ''
  local why = describe(ev.reason or ev.error)
  progress('retrying ' .. what .. attempt .. delay .. (why ~= '' and (': ' .. why) or ''))
end

function event_handlers.synthesisStarted(run)
  progress(with_summary(run, 'synthesizing'))
end

-- The synthesis streams into the result buffer, which the final reply then overwrites.
function event_handlers.synthesisDelta(run, ev)
  if type(ev.text) == 'string' and ev.text ~= '' then
    run.text = run.text .. ev.text
    ui.append_text(ensure_run_buffer(run), ev.text)
  end
end

function event_handlers.subtaskDelta() end -- too chatty for the echo area

-- Running totals for the run so far.
function event_handlers.usage(run, ev)
  local usage = type(ev.usage) == 'table' and ev.usage or ev
  local total = (tonumber(usage.inputTokens) or 0) + (tonumber(usage.outputTokens) or 0)
  run.cost = tonumber(ev.costUSD) or run.cost
  if total > 0 then
    run.tokens = total
    progress(run_summary(run))
  end
end

function event_handlers.runCompleted(run, ev)
  run.final_status = ev.status
end

local function on_run_event(ev)
  local run = state.run
  if type(ev) ~= 'table' or not run then
    return
  end
  if ev.runId ~= nil then
    if state.finished_runs[ev.runId] then
      return -- a late event of an earlier run
    end
    if run.runId == nil then
      run.runId = ev.runId
    elseif run.runId ~= ev.runId then
      return
    end
  end
  run.events = run.events + 1
  local handler = event_handlers[ev.type]
  if handler then
    handler(run, ev)
  end
end

-- Work-done progress gives the percentage shown in the summary. Its messages repeat what the
-- run/events say in more detail, so they are shown only by a server that sends no events.
local function on_progress(params)
  local run = state.run
  if type(params) ~= 'table' or not run or params.token ~= run.token then
    return
  end
  local value = type(params.value) == 'table' and params.value or {}
  if value.kind == 'end' then
    return
  end
  run.percentage = tonumber(value.percentage) or run.percentage
  if value.kind == 'report' and run.events == 0 then
    progress(with_summary(run, tostring(value.message or 'working')))
  end
end

-- The synthesized output, or, when there is none (failed, cancelled), what the subtasks produced.
local function run_body(run, result)
  if type(result.output) == 'string' and result.output ~= '' then
    return result.output
  end
  local lines = { '_No synthesized output._' }
  for _, r in ipairs(type(result.results) == 'table' and result.results or {}) do
    table.insert(lines, '')
    table.insert(lines, string.format('## %s (%s)', subtask_name(run, r.subtaskId), tostring(r.status)))
    if type(r.output) == 'string' and r.output ~= '' then
      table.insert(lines, r.output)
    elseif r.error ~= nil then
      table.insert(lines, 'Error: ' .. describe(r.error))
    end
  end
  return table.concat(lines, '\n')
end

local function run_footer(run, result)
  local results = type(result.results) == 'table' and result.results or {}
  local completed, failed = 0, {}
  for _, r in ipairs(results) do
    if r.status == 'completed' then
      completed = completed + 1
    elseif r.status == 'failed' then
      table.insert(failed, subtask_name(run, r.subtaskId) .. ': ' .. describe(r.error))
    end
  end
  local plan = type(result.plan) == 'table' and result.plan or {}
  local total = type(plan.subtasks) == 'table' and #plan.subtasks or #results
  local parts = { 'status: ' .. tostring(result.status), string.format('subtasks: %d/%d done', completed, total) }
  table.insert(parts, ui.format_usage(result.usage))
  local cost = ui.format_cost(result.costUSD)
  -- Models without a price add nothing to costUSD: say so rather than print a wrong total.
  if cost and type(result.unpricedModels) == 'table' and #result.unpricedModels > 0 then
    cost = cost .. ' (unpriced: ' .. table.concat(vim.tbl_map(tostring, result.unpricedModels), ', ') .. ')'
  end
  table.insert(parts, cost)
  local footer = { table.concat(vim.tbl_filter(function(p)
    return p ~= nil
  end, parts), ' · ') }
  for _, f in ipairs(failed) do
    table.insert(footer, 'failed: ' .. f)
  end
  local ms = tonumber(result.durationMs) or (vim.loop.now() - run.started)
  table.insert(footer, string.format('run %s · %.1f s', tostring(result.runId or run.runId or '?'), ms / 1000))
  return footer
end

local function finish_run(run, err, result)
  if state.run == run then
    state.run = nil
  end
  if run.runId then
    state.finished_runs[run.runId] = true
  end
  state.status = ''
  local last = { kind = 'run', task = run.task, runId = run.runId, buf = run.buf }
  state.last = last

  if err then
    last.error = err
    if err.code == Client.CANCELLED then
      last.status = 'cancelled'
      if run.buf then
        ui.set_content(run.buf, run.text, { 'status: cancelled' })
      end
      notify('Baton: run cancelled', levels.WARN)
    else
      last.status = 'error'
      notify('Baton: run failed: ' .. format_error(err), levels.ERROR)
    end
    fire_user_event('BatonRunDone')
    return
  end

  result = type(result) == 'table' and result or {}
  run.runId = run.runId or result.runId
  if result.runId then
    state.finished_runs[result.runId] = true
  end
  last.runId, last.result, last.status = run.runId, result, result.status
  last.buf = ensure_run_buffer(run)
  ui.set_content(last.buf, run_body(run, result), run_footer(run, result))

  local status = tostring(result.status)
  local level = (status == 'completed' and levels.INFO) or (status == 'failed' and levels.ERROR) or levels.WARN
  notify('Baton: run ' .. status .. ' (' .. run_footer(run, result)[1] .. ')', level)
  fire_user_event('BatonRunDone')
end

--- A run `context` from lines of a buffer: the text, and where it comes from.
function M.lines_context(buf, line1, line2)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local lines = vim.api.nvim_buf_get_lines(buf, line1 - 1, line2, false)
  local name = vim.api.nvim_buf_get_name(buf)
  return {
    text = table.concat(lines, '\n'),
    file = name ~= '' and vim.fn.fnamemodify(name, ':~:.') or nil,
    lines = string.format('%d-%d', line1, line2),
    filetype = vim.bo[buf].filetype ~= '' and vim.bo[buf].filetype or nil,
  }
end

--- Starts a run of `task`. opts: extra `run` params (override config.run), e.g. `context`.
function M.run(task, opts)
  if type(task) ~= 'string' or vim.trim(task) == '' then
    notify('Baton: usage: :BatonRun {task}', levels.ERROR)
    return nil
  end
  if state.run then
    notify('Baton: a run is already in progress (:BatonCancel stops it)', levels.WARN)
    return nil
  end
  local client = ensure_client()
  if not client then
    return nil
  end
  state.counter = state.counter + 1
  local run = {
    n = state.counter,
    task = task,
    token = 'baton.nvim/run/' .. state.counter,
    client = client,
    names = {},
    done = 0,
    failed = 0,
    tokens = 0,
    events = 0, -- run/events seen
    text = '', -- the streamed synthesis
    started = vim.loop.now(),
  }
  state.run = run
  local params = vim.tbl_extend('force', M.config.run or {}, opts or {}, {
    task = task,
    stream = true,
    workDoneToken = run.token,
  })
  if M.config.approve_plan then
    params.approvePlan = true
  end
  run.req = client:request('run', params, function(err, result)
    finish_run(run, err, result)
  end)
  progress('starting run: ' .. task)
  return run
end

-- Plan approval (server-to-client `plan/approve`). Without a UI (tests, scripts) nobody can
-- answer a prompt, so the plan is approved.
local function approve_plan(params)
  local plan = type(params) == 'table' and params.plan or {}
  local choice = M.config.approve_plan
  local approve = true
  if type(choice) == 'function' then
    approve = choice(plan) and true or false
  elseif choice and #vim.api.nvim_list_uis() > 0 then
    local lines = { 'Baton plan: ' .. tostring(plan.objective or '') }
    for i, st in ipairs(type(plan.subtasks) == 'table' and plan.subtasks or {}) do
      table.insert(lines, string.format('%d. %s', i, tostring(st.name or st.id)))
    end
    approve = vim.fn.confirm(table.concat(lines, '\n'), '&Approve\n&Reject', 1) == 1
  end
  if approve then
    return { decision = 'approve' }
  end
  return { decision = 'reject', reason = 'rejected in Neovim' }
end

--- Cancels the run in flight; with no run, the `complete` calls in flight. A first call asks the
--- engine to stop the run (`cancel {runId}`, so the reply keeps what was done); a second one,
--- or a run whose id is not known yet, cancels the request itself (`$/cancelRequest`).
function M.cancel()
  local run = state.run
  if run then
    local client = run.client
    if run.cancelling or not run.runId or not client:supports('cancel') then
      client:cancel(run.req)
    else
      client:request('cancel', { runId = run.runId }, function(err, result)
        if err or type(result) ~= 'table' or not result.cancelled then
          client:cancel(run.req) -- the engine did not take it: cancel the request instead
        end
      end)
    end
    run.cancelling = true
    progress('cancelling run')
    return true
  end
  local any = false
  for _, op in pairs(state.completes) do
    op.client:cancel(op.req)
    any = true
  end
  if not any then
    notify('Baton: nothing to cancel', levels.INFO)
  end
  return any
end

---------------------------------------------------------------------------------------------------
-- complete

local function finish_complete(op, err, result)
  state.completes[op] = nil
  if op.id then
    state.completes[op.id] = nil
  end
  local last = { kind = 'complete', buf = op.buf, deltas = op.deltas }
  state.last = last
  state.status = ''
  if err then
    last.error = err
    if err.code == Client.CANCELLED then
      last.status = 'cancelled'
      ui.set_content(op.buf, op.text, { 'status: cancelled' })
      notify('Baton: complete cancelled', levels.WARN)
    else
      last.status = 'error'
      ui.set_content(op.buf, op.text, { 'status: failed: ' .. format_error(err) })
      notify('Baton: complete failed: ' .. format_error(err), levels.ERROR)
    end
    return
  end
  result = type(result) == 'table' and result or {}
  last.status, last.result = 'completed', result
  local parts = { 'status: completed' }
  table.insert(parts, result.finishReason and ('finish ' .. tostring(result.finishReason)) or nil)
  table.insert(parts, result.model and ('model ' .. tostring(result.model)) or nil)
  table.insert(parts, ui.format_usage(result.usage))
  table.insert(parts, result.latencyMs and (ui.int(result.latencyMs) .. ' ms') or nil)
  -- The reply is authoritative; the streamed text is only a preview of it.
  local text = type(result.text) == 'string' and result.text or op.text
  ui.set_content(op.buf, text, { table.concat(parts, ' · ') })
  notify('Baton: complete done', levels.INFO, { progress = true })
end

--- One `complete` call, streamed into a new scratch buffer.
function M.complete(prompt, opts)
  if type(prompt) ~= 'string' or vim.trim(prompt) == '' then
    notify('Baton: usage: :BatonComplete {prompt}', levels.ERROR)
    return nil
  end
  local client = ensure_client()
  if not client then
    return nil
  end
  state.counter = state.counter + 1
  local op = { prompt = prompt, text = '', client = client, deltas = 0 }
  op.buf = ui.open_scratch('baton://complete/' .. state.counter, M.config.open)
  state.completes[op] = op -- keyed by itself until the id is known, so cancel() finds it
  local params = vim.tbl_extend('force', { model = M.config.model }, opts or {}, { prompt = prompt, stream = true })
  op.req = client:request('complete', params, function(err, result)
    finish_complete(op, err, result)
  end, function(id)
    op.id = id
    state.completes[id] = op
  end)
  progress('completing')
  return op
end

local function on_complete_delta(params)
  if type(params) ~= 'table' or type(params.text) ~= 'string' then
    return
  end
  local op = state.completes[params.requestId]
  if op and vim.api.nvim_buf_is_valid(op.buf) then
    op.deltas = op.deltas + 1
    op.text = op.text .. params.text
    ui.append_text(op.buf, params.text)
  end
end

---------------------------------------------------------------------------------------------------
-- Dispatch of server traffic

local log_levels = { [1] = levels.ERROR, [2] = levels.WARN, [3] = levels.INFO }

on_notification = function(method, params)
  if method == 'run/event' then
    on_run_event(params)
  elseif method == '$/progress' then
    on_progress(params)
  elseif method == 'complete/delta' then
    on_complete_delta(params)
  elseif method == 'window/logMessage' and type(params) == 'table' then
    local level = log_levels[params.type]
    if level then
      notify('baton: ' .. tostring(params.message), level, { progress = level == levels.INFO })
    end
  end
end

on_server_request = function(method, params)
  if method == 'plan/approve' then
    return approve_plan(params)
  end
  return nil, vim.lsp.rpc.rpc_response_error(Client.METHOD_NOT_FOUND, 'unknown method: ' .. tostring(method))
end

---------------------------------------------------------------------------------------------------
-- Everything else

--- Options: see `defaults` above (and the README).
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  -- A list replaces the default; tbl_deep_extend would merge it element by element.
  if opts and opts.cmd then
    M.config.cmd = opts.cmd
  end
  return M
end

--- `baton/status`: calls `callback(err, result)`, or shows the result.
function M.status(callback)
  local client = ensure_client()
  if not client then
    return nil
  end
  return client:request('baton/status', nil, function(err, result)
    if callback then
      return callback(err, result)
    end
    if err then
      notify('Baton: status failed: ' .. format_error(err), levels.ERROR)
    else
      notify(string.format('Baton %s (protocol %s), pid %s, up %.0f s, %s request(s) in flight',
        tostring(result.version), tostring(result.protocolVersion), tostring(result.processId),
        tonumber(result.uptimeSeconds) or 0, tostring(result.requestsInFlight)), levels.INFO)
    end
  end)
end

--- Shuts the process down (`shutdown` + `exit`). opts.wait blocks until it is gone (VimLeavePre).
function M.stop(opts)
  local client = state.client
  if not client then
    return
  end
  if state.run then
    client:cancel(state.run.req)
  end
  client:shutdown(M.config.shutdown_timeout, opts and opts.wait)
end

--- For 'statusline': the latest progress line while something is running, else ''.
function M.statusline()
  return busy() and state.status or ''
end

--- The last finished run or complete: {kind, status, buf, result?, error?}.
function M.last()
  return state.last
end

return M
