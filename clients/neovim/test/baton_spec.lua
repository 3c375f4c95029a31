-- Headless tests of the Baton plugin, run by test/run_test.sh:
--   nvim --headless -u NONE --cmd "set rtp+=clients/neovim" -c "luafile clients/neovim/test/baton_spec.lua"
-- Environment: BATON_TEST_BINARY, BATON_TEST_CONFIG (points at the mock), BATON_TEST_MOCK_URL.
-- They drive the plugin through its commands and read what the user would see: the notifier's
-- messages and the result buffers. Waits poll a condition (vim.wait), never sleep a fixed time.
-- Last line printed: "N passed, N failed" (", N skipped" when the server lacks run); the exit code is 0 only when nothing failed.

local binary = assert(vim.env.BATON_TEST_BINARY, 'BATON_TEST_BINARY is not set')
local config = assert(vim.env.BATON_TEST_CONFIG, 'BATON_TEST_CONFIG is not set')
local mock_url = assert(vim.env.BATON_TEST_MOCK_URL, 'BATON_TEST_MOCK_URL is not set')

local function out(line)
  io.stdout:write(line .. '\n')
end

---------------------------------------------------------------------------------------------------
-- Helpers

local function wait_for(ms, cond, what)
  if not vim.wait(ms, cond, 10) then
    error('timed out after ' .. ms .. ' ms waiting for ' .. what, 2)
  end
end

local function check(cond, msg)
  if not cond then
    error(msg, 2)
  end
end

local function contains(haystack, needle, what)
  if type(haystack) ~= 'string' or not haystack:find(needle, 1, true) then
    error(string.format('%s: %q not found in:\n%s', what, needle, tostring(haystack)), 2)
  end
end

-- A request to the mock's control endpoints. It runs as a job so Neovim's loop keeps serving the
-- baton pipe while we wait (the mock's /_mock/wait blocks until the condition holds).
local function mock(path, body)
  local script = [[
import json, sys, urllib.request, urllib.error
data = sys.argv[2].encode() if len(sys.argv) > 2 else None
req = urllib.request.Request(sys.argv[1], data=data, headers={"Content-Type": "application/json"})
try:
    print(urllib.request.urlopen(req, timeout=60).read().decode())
except urllib.error.HTTPError as e:
    print(e.read().decode()); sys.exit(1)
]]
  local cmd = { 'python3', '-c', script, mock_url .. path }
  if body then
    table.insert(cmd, vim.json.encode(body))
  end
  local stdout, code = {}, nil
  vim.fn.jobstart(cmd, {
    stdout_buffered = true,
    on_stdout = function(_, data)
      stdout = data
    end,
    on_exit = function(_, c)
      code = c
    end,
  })
  wait_for(70000, function()
    return code ~= nil
  end, 'mock ' .. path)
  local text = table.concat(stdout, '\n')
  check(code == 0, 'mock ' .. path .. ' failed: ' .. text)
  return vim.json.decode(text)
end

local function buffer_text(buf)
  check(buf and vim.api.nvim_buf_is_valid(buf), 'no valid result buffer')
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

---------------------------------------------------------------------------------------------------
-- The plugin under test, with its notifier hooked

vim.cmd('runtime plugin/baton.lua')
local baton = require('baton')
local messages = {}

local function setup(extra)
  baton.setup(vim.tbl_extend('force', {
    cmd = { binary },
    config = config,
    open = 'botright split',
    notify = function(msg, level, opts)
      table.insert(messages, { msg = msg, level = level, progress = opts and opts.progress })
    end,
  }, extra or {}))
end

-- Messages recorded since `from`, joined, optionally only those at `level`.
local function messages_since(from, level)
  local lines = {}
  for i = from + 1, #messages do
    if level == nil or messages[i].level == level then
      table.insert(lines, messages[i].msg)
    end
  end
  return table.concat(lines, '\n')
end

-- Waits for the next finished run or complete (the plugin's `last` changes).
local function wait_last(kind, previous, ms)
  wait_for(ms or 60000, function()
    local last = baton.last()
    return last ~= nil and last ~= previous and last.kind == kind
  end, 'the ' .. kind .. ' to finish')
  return baton.last()
end

local function server_has(method)
  local client = baton._state.client
  wait_for(10000, function()
    return client and client.ready
  end, 'initialize')
  return client:supports(method)
end

---------------------------------------------------------------------------------------------------
-- Tests

local tests = {}
local function test(name, fn)
  table.insert(tests, { name = name, fn = fn })
end

test('initialize, then baton/status through the plugin', function()
  local reply
  baton.status(function(err, result)
    reply = { err = err, result = result }
  end)
  wait_for(10000, function()
    return reply
  end, 'baton/status')
  check(reply.err == nil, 'status failed: ' .. vim.inspect(reply.err))
  check(reply.result.name == 'baton', 'status names the server: ' .. vim.inspect(reply.result))
  check(reply.result.framing == 'lsp', 'Neovim speaks Content-Length framing')
  local client = baton._state.client
  check(client.ready and client:supports('complete'), 'capabilities list complete: ' .. vim.inspect(client.capabilities))
  if client.pid then
    check(reply.result.processId == client.pid, 'the pid Neovim spawned is the one answering')
  end
end)

test(':BatonComplete streams into a scratch buffer', function()
  mock('/_mock/config', { reply_words = 40, chunk_gap_ms = 2 })
  local previous, from = baton.last(), #messages
  vim.cmd('BatonComplete say hello to the buffer')
  local last = wait_last('complete', previous, 30000)
  check(last.status == 'completed', 'complete finished: ' .. vim.inspect(last.error))
  check(last.deltas > 1, 'complete/delta notifications were streamed: ' .. tostring(last.deltas))
  local text = buffer_text(last.buf)
  contains(text, 'echo: say hello to the buffer', 'the buffer holds the model text')
  contains(text, 'status: completed', 'the footer')
  check(vim.bo[last.buf].buftype == 'nofile' and vim.bo[last.buf].filetype == 'markdown', 'a markdown scratch buffer')
  check(vim.fn.bufwinid(last.buf) ~= -1, 'the buffer is shown in a window')
  check(messages_since(from, vim.log.levels.ERROR) == '', 'no errors: ' .. messages_since(from))
end)

test(':BatonCancel cancels a complete held by the mock ($/cancelRequest)', function()
  mock('/_mock/config', { gate = true })
  local previous, from = baton.last(), #messages
  vim.cmd('BatonComplete this one waits at the gate')
  mock('/_mock/wait?gated=1&timeout=20')
  vim.cmd('BatonCancel')
  local last = wait_last('complete', previous, 10000)
  check(last.status == 'cancelled', 'the complete was cancelled: ' .. vim.inspect(last))
  contains(messages_since(from, vim.log.levels.WARN), 'cancelled', 'the user is told')
  contains(buffer_text(last.buf), 'status: cancelled', 'the footer')
  -- The server is still fine and has nothing left in flight.
  local status
  baton.status(function(_, result)
    status = result
  end)
  wait_for(10000, function()
    return status
  end, 'baton/status')
  check(status.requestsInFlight == 1, 'only the status request is in flight: ' .. vim.inspect(status))
end)

test('a provider error is reported as an error', function()
  mock('/_mock/config', { status = 500 })
  local previous, from = baton.last(), #messages
  vim.cmd('BatonComplete this one fails')
  local last = wait_last('complete', previous, 30000)
  check(last.status == 'error', 'the complete failed: ' .. vim.inspect(last))
  check(last.error.code == 1001, 'provider failure code: ' .. vim.inspect(last.error))
  local errors = messages_since(from, vim.log.levels.ERROR)
  contains(errors, 'complete failed', 'an ERROR notification')
  contains(errors, '1001 serverError', 'with the code and kind')
end)

test('a JSON-RPC error from run is reported as an error', function()
  local previous, from = baton.last(), #messages
  -- Refused either way: -32602 (concurrency must be a number) or -32601 where run is missing.
  baton.run('count to three', { concurrency = 'lots' })
  local last = wait_last('run', previous, 30000)
  check(last.status == 'error', 'the run failed: ' .. vim.inspect(last))
  check(last.error.code == -32602 or last.error.code == -32601, 'an invalid-params error: ' .. vim.inspect(last.error))
  contains(messages_since(from, vim.log.levels.ERROR), 'run failed', 'an ERROR notification')
  check(baton._state.run == nil, 'no run left in flight')
end)

test(':BatonRun shows progress and puts the output in a buffer', function()
  if not server_has('run') then
    return 'skip', 'this baton has no run method yet'
  end
  local previous, from = baton.last(), #messages
  vim.cmd('BatonRun Write three short tips for naming variables')
  local last = wait_last('run', previous, 120000)
  check(last.status == 'completed', 'the run completed: ' .. vim.inspect(last.error or last.status))
  local result = last.result
  check(type(result.output) == 'string' and result.output ~= '', 'a synthesized output')
  local text = buffer_text(last.buf)
  contains(text, result.output, 'the buffer holds the output')
  contains(text, 'status: completed', 'the footer')
  contains(text, string.format('subtasks: %d/%d done', #result.results, #result.plan.subtasks), 'the footer counts subtasks')
  check(vim.bo[last.buf].buftype == 'nofile' and vim.bo[last.buf].filetype == 'markdown', 'a markdown scratch buffer')
  local progress = messages_since(from)
  contains(progress, 'plan ready with ' .. #result.plan.subtasks .. ' subtask', 'planReady progress')
  contains(progress, 'completed ', 'subtaskCompleted progress')
  contains(progress, '%', 'the $/progress percentage')
  contains(progress, 'tokens', 'token counts')
  contains(progress, 'run completed', 'the final message')
  check(messages_since(from, vim.log.levels.ERROR) == '', 'no errors: ' .. messages_since(from))
end)

test(':BatonCancel before the plan is ready cancels the run request', function()
  if not server_has('run') then
    return 'skip', 'this baton has no run method yet'
  end
  mock('/_mock/config', { gate = true })
  local previous, from = baton.last(), #messages
  vim.cmd('BatonRun this run waits at the gate')
  mock('/_mock/wait?gated=1&timeout=20') -- the planner's call is held
  check(baton._state.run.runId == nil, 'no run/event yet, so no runId')
  vim.cmd('BatonCancel')
  local last = wait_last('run', previous, 20000)
  check(last.status == 'cancelled', 'the run was cancelled: ' .. vim.inspect(last.error or last.status))
  check(last.error and last.error.code == -32800, 'by $/cancelRequest: ' .. vim.inspect(last.error))
  contains(messages_since(from, vim.log.levels.WARN), 'run cancelled', 'the user is told')
  check(messages_since(from, vim.log.levels.ERROR) == '', 'no errors: ' .. messages_since(from))
end)

test(':BatonCancel while subtasks run cancels the run by its id', function()
  if not server_has('run') then
    return 'skip', 'this baton has no run method yet'
  end
  mock('/_mock/config', { gate = true })
  local previous, from = baton.last(), #messages
  vim.cmd('BatonRun this run is stopped halfway')
  mock('/_mock/wait?gated=1&timeout=20')
  mock('/_mock/release', { count = 1 }) -- let the planner through
  wait_for(20000, function()
    local run = baton._state.run
    return run and run.plan ~= nil
  end, 'the plan')
  mock('/_mock/wait?gated=1&timeout=20') -- a worker's call is held
  local run = baton._state.run
  check(run.runId ~= nil, 'the runId is known from run/event')
  vim.cmd('BatonCancel')
  local last = wait_last('run', previous, 20000)
  check(last.status == 'cancelled', 'the run was cancelled: ' .. vim.inspect(last.error or last.status))
  check(last.result and last.result.status == 'cancelled', 'by `cancel`, with a report: ' .. vim.inspect(last.error))
  contains(buffer_text(last.buf), 'status: cancelled', 'the footer')
  contains(messages_since(from, vim.log.levels.WARN), 'run cancelled', 'the user is told')
  check(messages_since(from, vim.log.levels.ERROR) == '', 'no errors: ' .. messages_since(from))
end)

test('plan/approve is answered by the plugin', function()
  if not server_has('run') then
    return 'skip', 'this baton has no run method yet'
  end
  local asked
  setup({
    approve_plan = function(plan)
      asked = plan
      return true
    end,
  })
  local previous = baton.last()
  vim.cmd('BatonRun Name two prime numbers')
  local last = wait_last('run', previous, 120000)
  check(asked ~= nil and type(asked.subtasks) == 'table', 'the approver saw the plan: ' .. vim.inspect(asked))
  check(last.status == 'completed', 'the approved run completed: ' .. vim.inspect(last.error or last.status))
end)

test('a rejected plan ends the run as rejected', function()
  if not server_has('run') then
    return 'skip', 'this baton has no run method yet'
  end
  setup({
    approve_plan = function()
      return false
    end,
  })
  local previous, from = baton.last(), #messages
  vim.cmd('BatonRun Name two prime numbers')
  local last = wait_last('run', previous, 60000)
  check(last.status == 'rejected', 'the run was rejected: ' .. vim.inspect(last.error or last.status))
  contains(messages_since(from, vim.log.levels.WARN), 'run rejected', 'the user is told')
end)

test(':BatonRun over a range sends the lines as context', function()
  if not server_has('run') then
    return 'skip', 'this baton has no run method yet'
  end
  vim.cmd('enew')
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'alpha = 1', 'beta = 2', 'gamma = 3' })
  vim.bo.filetype = 'python'
  local previous = baton.last()
  vim.cmd('1,2BatonRun Explain these lines')
  local last = wait_last('run', previous, 60000)
  check(last.status == 'completed', 'the run completed: ' .. vim.inspect(last.error or last.status))
  -- The run's journal records the request as the server received it.
  local journal = last.result.journalPath
  check(journal and vim.fn.filereadable(journal) == 1, 'a journal: ' .. tostring(journal))
  local request = vim.json.decode(vim.fn.readfile(journal, '', 1)[1]).request
  check(request.context and request.context.text == 'alpha = 1\nbeta = 2', 'context: ' .. vim.inspect(request))
  check(request.context.filetype == 'python' and request.context.lines == '1-2', 'context: ' .. vim.inspect(request))
end)

test('a server that cannot start or dies is reported', function()
  setup({ cmd = { '/nonexistent/baton' } })
  local from = #messages
  vim.cmd('BatonStatus')
  contains(messages_since(from, vim.log.levels.ERROR), 'baton', 'spawn failure reported')

  setup({ cmd = { 'sh', '-c', 'exit 3' } })
  from = #messages
  vim.cmd('BatonStatus')
  wait_for(10000, function()
    return messages_since(from, vim.log.levels.ERROR) ~= ''
  end, 'the exit to be reported')
  contains(messages_since(from, vim.log.levels.ERROR), 'exited (code 3)', 'exit code reported')
end)

test('VimLeavePre sends shutdown and exit (exit code 0)', function()
  local reply
  baton.status(function(err, result)
    reply = { err, result }
  end)
  wait_for(10000, function()
    return reply
  end, 'a fresh server')
  local client = baton._state.client
  local from = #messages
  vim.cmd('doautocmd VimLeavePre')
  check(client.exited, 'the process ended during VimLeavePre')
  check(client.exit_code == 0, 'exit code 0 after shutdown: ' .. tostring(client.exit_code))
  vim.wait(200) -- lets a stray exit notification (there must be none) arrive
  check(messages_since(from, vim.log.levels.ERROR) == '', 'an orderly exit is no error: ' .. messages_since(from))
end)

---------------------------------------------------------------------------------------------------
-- Runner

local function reset()
  -- Everything back to normal, whatever the test left behind.
  pcall(mock, '/_mock/reset', { config = true })
  if baton._state.run or next(baton._state.completes) then
    baton.cancel()
    vim.wait(5000, function()
      return baton._state.run == nil and next(baton._state.completes) == nil
    end, 10)
  end
  setup()
end

local function main()
  local passed, failed, skipped = 0, 0, 0
  for _, t in ipairs(tests) do
    reset()
    local ok, verdict, why = xpcall(t.fn, debug.traceback)
    if not ok then
      failed = failed + 1
      out('FAIL ' .. t.name .. '\n' .. tostring(verdict))
    elseif verdict == 'skip' then
      skipped = skipped + 1
      out('skip ' .. t.name .. ' (' .. tostring(why) .. ')')
    else
      passed = passed + 1
      out('ok   ' .. t.name)
    end
  end
  reset()
  baton.stop({ wait = true })
  out(string.format('%d passed, %d failed', passed, failed) .. (skipped > 0 and (', ' .. skipped .. ' skipped') or ''))
  return failed == 0
end

local ok, success = xpcall(main, debug.traceback)
if not ok then
  out('FAIL the spec itself\n' .. tostring(success))
  out('0 passed, 1 failed')
end
if ok and success then
  vim.cmd('qa!')
else
  vim.cmd('cquit 1')
end
